// Package rediserr turns the error replies of a Redis or Valkey server into
// the store sentinel errors they mean. It matches on the reply text, so it
// works on the errors of any client (go-redis' redis.Error, valkey-go's
// *valkey.ValkeyError, or an error wrapping either) and imports neither.
//
// The texts are those of a Redis 7 server:
//
//	WRONGTYPE Operation against a key holding ...  store.ErrWrongType
//	ERR value is not an integer or out of range    store.ErrNotInteger
//	ERR hash value is not an integer               store.ErrNotInteger
//	ERR value is not a valid float                 store.ErrNotFloat
//	ERR hash value is not a float                  store.ErrNotFloat
//	ERR value is NaN or Infinity                   store.ErrNotFloat
//	ERR increment or decrement would overflow      store.ErrOverflow
//	ERR increment would produce NaN or Infinity    store.ErrOverflow
//	ERR invalid expire time in '...' command       store.ErrInvalidArgument
//
// A reply raised inside a Lua script may carry a suffix (" script: ...");
// matching is on the start of the text, so it is recognised too. The
// "ERR " code is optional: valkey-go strips it from the text of its
// errors ("value is not an integer or out of range"), go-redis keeps it.
package rediserr

import (
	"errors"
	"strings"

	"github.com/mimeiapify/store"
)

// replies maps the start of an error reply, without its "ERR " code, to
// the sentinel it means.
var replies = []struct {
	prefix   string
	sentinel error
}{
	{"WRONGTYPE ", store.ErrWrongType},
	{"value is not an integer or out of range", store.ErrNotInteger},
	{"hash value is not an integer", store.ErrNotInteger},
	{"value is not a valid float", store.ErrNotFloat},
	{"hash value is not a float", store.ErrNotFloat},
	{"value is NaN or Infinity", store.ErrNotFloat},
	{"increment or decrement would overflow", store.ErrOverflow},
	{"increment would produce NaN or Infinity", store.ErrOverflow},
	{"invalid expire time", store.ErrInvalidArgument},
}

// Error is a server error reply recognised as a store sentinel. Its text
// is the server's; errors.Is matches both the sentinel and the original
// error, and errors.As still finds the client's error type.
type Error struct {
	// Sentinel is the store error the reply means.
	Sentinel error
	// Err is the client's error, as it was returned.
	Err error
}

// Error returns the server's reply text.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the sentinel and the client's error.
func (e *Error) Unwrap() []error { return []error{e.Sentinel, e.Err} }

// Sentinel returns the store sentinel the error reply text msg means, or
// nil when it means none of them.
func Sentinel(msg string) error {
	msg = strings.TrimPrefix(msg, "ERR ")
	for _, r := range replies {
		if strings.HasPrefix(msg, r.prefix) {
			return r.sentinel
		}
	}
	return nil
}

// Map returns err wrapped so that errors.Is matches the store sentinel its
// reply text means, keeping the text; err itself when it means none (nil
// stays nil). The text of err and of every error it wraps is tried, so an
// error wrapped with context by a client is recognised too.
func Map(err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if s := Sentinel(e.Error()); s != nil {
			return &Error{Sentinel: s, Err: err}
		}
	}
	return err
}
