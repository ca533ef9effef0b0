package rediscore

import (
	"context"
	"errors"
	"strconv"

	"github.com/mimeiapify/store"
)

// Kind is the shape of reply a Cmd expects; it tells the adapter how to
// read the reply into a Result.
type Kind uint8

// The kinds of reply.
const (
	// KindStatus: a status or any reply that is only checked for an
	// error; a status or string lands in Result.Str.
	KindStatus Kind = iota
	// KindInt: an integer, in Result.Int.
	KindInt
	// KindStr: a bulk or status string, in Result.Str; a nil reply is an
	// error for which Client.IsNil is true.
	KindStr
	// KindStrs: an array of strings, in Result.Strs; a nil array is an
	// error for which Client.IsNil is true.
	KindStrs
	// KindMap: a map or flat array of field, value pairs (HGETALL), in
	// Result.Map.
	KindMap
	// KindFields: an array with one string or nil per element of
	// Cmd.Args (HMGET); Result.Map gets Args[i] => element i for each
	// element that is not nil.
	KindFields
	// KindScan: a SCAN reply: the next cursor in Result.Cursor, the keys
	// in Result.Strs.
	KindScan
	// KindFloat: a double (RESP3) or a bulk string holding one (RESP2),
	// in Result.Float; a nil reply is an error for which Client.IsNil is
	// true (ZSCORE).
	KindFloat
	// KindZ: members with their scores, a flat array (RESP2) or an array
	// of pairs (RESP3), in Result.Z in the reply's order (ZRANGEBYSCORE
	// ... WITHSCORES).
	KindZ
)

// Cmd is one command. It is sent as Name, then Keys, then Args; Keys
// decide the hash slot on a cluster and must all share it.
type Cmd struct {
	// Name is the command name and any tokens before the keys
	// ("EVALSHA", sha1, "2").
	Name []string
	// Keys are the keys the command touches.
	Keys []string
	// Args are the tokens after the keys.
	Args []string
	// Kind is the shape of the reply.
	Kind Kind
	// ReadOnly marks a command that may be retried safely after a
	// connection error (valkey-go retries only those).
	ReadOnly bool
}

// Tokens returns the whole command, Name then Keys then Args.
func (c Cmd) Tokens() []string {
	out := make([]string, 0, len(c.Name)+len(c.Keys)+len(c.Args))
	out = append(out, c.Name...)
	out = append(out, c.Keys...)
	return append(out, c.Args...)
}

// Result is the reply to one Cmd, read as its Kind says. Err is the
// command's error: a server error reply, a nil reply where the Kind
// allows none, or a connection error.
type Result struct {
	Err    error
	Int    int64
	Str    string
	Strs   []string
	Map    map[string]string
	Cursor uint64
	Float  float64
	Z      []store.ZMember
}

// ErrAborted is returned by Conn.Tx when EXEC replied nil because a
// watched key changed.
var ErrAborted = errors.New("rediscore: transaction aborted by a watched key")

// Doer sends one command and reads its reply.
type Doer interface {
	Do(ctx context.Context, cmd Cmd) Result
}

// Pipeliner sends commands in one round trip.
type Pipeliner interface {
	Doer
	// Pipeline sends cmds in one round trip and returns their replies in
	// order. On a cluster, the commands may be of different hash slots.
	Pipeline(ctx context.Context, cmds []Cmd) []Result
	// Tx sends cmds between MULTI and EXEC in one round trip. It returns
	// ErrAborted when EXEC replied nil (a watched key changed), another
	// error when the transaction did not run (MULTI refused, a command
	// refused when queued, a connection error: then the adapter drops a
	// pinned connection), and otherwise the reply of each command, whose
	// own error reply is in its Result.Err.
	Tx(ctx context.Context, cmds []Cmd) ([]Result, error)
}

// Conn is a connection of its own, pinned for one Update: WATCH holds on
// it between commands.
type Conn interface {
	Pipeliner
}

// Client is what a backend adapts its client to.
type Client interface {
	Pipeliner
	// Pin runs fn on a connection of its own to the server of keys' hash
	// slot and returns fn's error as it is. watched is true when the
	// adapter already sent WATCH keys to find that server (go-redis'
	// cluster client); otherwise the core sends WATCH itself, with the
	// first read. The connection goes back to the client clean: without
	// WATCH, MULTI or subscriptions, and the adapter sends no cleanup
	// command that can fail on the server.
	Pin(ctx context.Context, keys []string, fn func(c Conn, watched bool) error) error
	// Masters returns a Doer for each master of a cluster, to Scan each
	// once; off a cluster it returns nil.
	Masters(ctx context.Context) ([]Doer, error)
	// Cluster reports whether the client talks to a Redis Cluster.
	Cluster() bool
	// Addr describes the servers, for errors that are not replies.
	Addr() string
	// IsNil reports whether err is the client's nil reply.
	IsNil(err error) bool
	// IsReply reports whether err is an error reply of the server.
	IsReply(err error) bool
	// IsClosed reports whether err says the client was closed.
	IsClosed(err error) bool
	// Close closes the client.
	Close() error
}

// itoa formats an integer argument.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
