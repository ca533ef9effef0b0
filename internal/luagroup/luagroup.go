package luagroup

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/mimeiapify/store"
)

// SHA1 is the hex SHA1 digest of Script, as EVALSHA names it.
var SHA1 string

func init() {
	sum := sha1.Sum([]byte(Script))
	SHA1 = hex.EncodeToString(sum[:])
}

// encoder builds the KEYS and ARGV of one group.
type encoder struct {
	keys  []string
	index map[string]int
	args  []string
}

// key returns the 1-based KEYS index of k as text, adding k if new.
func (e *encoder) key(k string) string {
	i, ok := e.index[k]
	if !ok {
		e.keys = append(e.keys, k)
		i = len(e.keys)
		e.index[k] = i
	}
	return strconv.Itoa(i)
}

func (e *encoder) add(args ...string) { e.args = append(e.args, args...) }

// Encode turns a group that passed store.CheckGroup, and the checks it
// returned, into the KEYS and ARGV of Script. KEYS are the group's
// distinct keys in the order they first appear, so that a cluster client
// routes the script by them. ARGV holds the type checks (count, then key
// index and type name each), the increment checks (count, then key index,
// "1" for a hash field or "0", field, delta each) and the ops (count, then
// op code, key index and the op's arguments each).
func Encode(ops []store.Op, checks store.GroupChecks) (keys []string, args []string, err error) {
	e := &encoder{index: make(map[string]int, len(ops))}
	for _, op := range ops {
		if op == nil {
			return nil, nil, fmt.Errorf("luagroup: %w: nil op", store.ErrInvalidArgument)
		}
		e.key(op.OpKey())
	}
	e.add(strconv.Itoa(len(checks.Types)))
	for _, c := range checks.Types {
		e.add(e.key(c.Key), c.Type.String())
	}
	e.add(strconv.Itoa(len(checks.Incrs)))
	for _, c := range checks.Incrs {
		hash := "0"
		if c.Hash {
			hash = "1"
		}
		e.add(e.key(c.Key), hash, c.Field, strconv.FormatInt(c.Delta, 10))
	}
	e.add(strconv.Itoa(len(ops)))
	for i, op := range ops {
		if err := e.op(op); err != nil {
			return nil, nil, fmt.Errorf("luagroup: op %d (%T) on key %q: %w", i, op, op.OpKey(), err)
		}
	}
	return e.keys, e.args, nil
}

// op appends one op's code, key index and arguments.
func (e *encoder) op(op store.Op) error {
	k := e.key(op.OpKey())
	switch o := op.(type) {
	case *store.SetOp:
		ms, err := Millis(o.TTL)
		if err != nil {
			return err
		}
		e.add("set", k, strconv.FormatInt(ms, 10), o.Value)
	case *store.DelOp:
		e.add("del", k)
	case *store.ExpireOp:
		ms, err := Millis(o.TTL)
		if err != nil {
			return err
		}
		switch {
		case o.NX:
			e.add("pexpirenx", k, strconv.FormatInt(ms, 10))
		case o.GT:
			e.add("pexpiregt", k, strconv.FormatInt(ms, 10))
		default:
			e.add("pexpire", k, strconv.FormatInt(ms, 10))
		}
	case *store.PersistOp:
		e.add("persist", k)
	case *store.IncrByOp:
		e.add("incrby", k, strconv.FormatInt(o.Delta, 10))
	case *store.HIncrByOp:
		e.add("hincrby", k, o.Field, strconv.FormatInt(o.Delta, 10))
	case *store.HGetAllOp:
		e.add("hgetall", k)
	case *store.LPopOp:
		e.add("lpop", k, strconv.Itoa(o.Count))
	case *store.LTrimOp:
		e.add("ltrim", k, strconv.FormatInt(o.Start, 10), strconv.FormatInt(o.Stop, 10))
	default:
		return e.listOp(op, k)
	}
	return nil
}

// listOp appends an op whose arguments are a counted list of strings.
func (e *encoder) listOp(op store.Op, k string) error {
	switch o := op.(type) {
	case *store.HSetOp:
		fields := make([]string, 0, len(o.Fields))
		for f := range o.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		e.add("hset", k, strconv.Itoa(2*len(fields)))
		for _, f := range fields {
			e.add(f, o.Fields[f])
		}
	case *store.HDelOp:
		e.counted("hdel", k, o.Fields)
	case *store.RPushOp:
		e.counted("rpush", k, o.Values)
	case *store.LPushOp:
		e.counted("lpush", k, o.Values)
	case *store.SAddOp:
		e.counted("sadd", k, o.Members)
	case *store.SRemOp:
		e.counted("srem", k, o.Members)
	case *store.ZRemOp:
		e.counted("zrem", k, o.Members)
	case *store.ZAddOp:
		e.add("zadd", k, zaddFlag(o), strconv.Itoa(2*len(o.Members)))
		for _, m := range o.Members {
			e.add(FormatScore(m.Score), m.Member)
		}
	default:
		return fmt.Errorf("%w: unknown op type", store.ErrInvalidArgument)
	}
	return nil
}

// zaddFlag returns ZADD's flag for op: "NX", "XX" or "" for none.
func zaddFlag(op *store.ZAddOp) string {
	switch {
	case op.NX:
		return "NX"
	case op.XX:
		return "XX"
	}
	return ""
}

// FormatScore formats a sorted-set score as Redis parses it: exactly
// (the shortest form that reads back as the same float64), with "+inf"
// and "-inf" for the infinities, and -0 as 0 (which Redis stores for it
// too).
func FormatScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f+0, 'g', -1, 64)
}

func (e *encoder) counted(code, k string, list []string) {
	e.add(code, k, strconv.Itoa(len(list)))
	e.add(list...)
}
