package luagroup

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/mimeiapify/store"
)

// ShapeScript is a Lua script written for one shape of group (which ops,
// in which order, on which of the group's keys): the group's own commands
// with nothing to decode, preceded by the type checks the group needs.
// Choose routes a group to it (RouteShape) when at most one op of the
// group is an increment; EncodeShape returns it with its KEYS and ARGV.
//
// The script runs, in this order:
//   - a TYPE check of every key that needs one, except the self-checking
//     op's key (returning Script's WRONGTYPE error reply);
//   - the self-checking op, if the group has one, under redis.pcall: the
//     group's increment, else the first op on its key that fails on a
//     wrong type. A Redis command that fails writes nothing, so it is its
//     own check (INCRBY and HINCRBY check the type, the integer and the
//     overflow; an HIncrByOp is checked in Lua first on servers without
//     redis.REDIS_VERSION, see writeHIncrCheck); its error reply is
//     returned as Script's (HINCRBY's "ERR hash value is not an integer"
//     as "ERR value is not an integer or out of range"). It runs before
//     the ops that precede it in the group, which all touch other keys,
//     so the outcome is the group's;
//   - the other ops in group order, with redis.call: none of them can fail
//     once the checks passed. An ExpireOp NX followed by an ExpireOp GT of
//     the same key and TTL runs as PEXPIRE GT, then PEXPIRE NX only when
//     GT set nothing: the same outcome, one command fewer when GT extends
//     the TTL.
//
// The reply is Script's: the result of each result-bearing op, in op order
// (see Decode).
type ShapeScript struct {
	// Src is the Lua source.
	Src string
	// SHA1 is the hex SHA1 digest of Src, as EVALSHA names it.
	SHA1 string
}

// maxShapeOps bounds the ops of a group sent as a ShapeScript, which
// bounds how many scripts Choose can ask a server to cache: a longer
// group goes through Script.
const maxShapeOps = 8

// maxUnpack bounds the arguments of one op in a ShapeScript, which passes
// them with unpack, below Lua's C stack limit (LUAI_MAXCSTACK, 8000); an
// op with more goes through Script, which sends them in chunks.
const maxUnpack = 1000

// maxCachedShapes bounds the scripts kept in memory by shape; past it a
// script is built again for each group of a new shape (still correct).
const maxCachedShapes = 256

// shapes caches the scripts by signature. Readers load the map without a
// lock; a writer replaces it with a copy holding one more script.
var shapes struct {
	mu sync.Mutex // serializes writers
	m  atomic.Pointer[map[string]*ShapeScript]
}

// script returns the plan's ShapeScript, from the cache when it is there.
func (p *shapePlan) script() *ShapeScript {
	var arr [64]byte
	sig := p.signature(arr[:0])
	if m := shapes.m.Load(); m != nil {
		if s := (*m)[string(sig)]; s != nil {
			return s
		}
	}
	src := p.source()
	sum := sha1.Sum([]byte(src))
	s := &ShapeScript{Src: src, SHA1: hex.EncodeToString(sum[:])}
	shapes.mu.Lock()
	defer shapes.mu.Unlock()
	var old map[string]*ShapeScript
	if m := shapes.m.Load(); m != nil {
		old = *m
	}
	if cached := old[string(sig)]; cached != nil {
		return cached
	}
	if len(old) >= maxCachedShapes {
		return s
	}
	m := make(map[string]*ShapeScript, len(old)+1)
	maps.Copy(m, old)
	m[string(sig)] = s
	shapes.m.Store(&m)
	return s
}

// EncodeShape returns the ShapeScript of a group that passed
// store.CheckGroup with checks and that Choose routed to RouteShape, with
// its KEYS (the group's keys in first-use order) and ARGV (each command's
// arguments in the order the script runs them; a list after its count).
func EncodeShape(ops []store.Op, checks store.GroupChecks) (s *ShapeScript, keys, args []string, err error) {
	p, ok := planShape(ops, checks)
	if !ok {
		return nil, nil, nil, fmt.Errorf("luagroup: %w: the group has no shape script", store.ErrInvalidArgument)
	}
	n := 0
	for _, st := range p.steps[:p.nsteps] {
		_, l, _ := opShape(ops[st.op])
		n += 2 + l
	}
	args = make([]string, 0, n)
	for _, st := range p.steps[:p.nsteps] {
		if args, err = appendShapeArgs(args, ops[st.op]); err != nil {
			i := st.op
			return nil, nil, nil, fmt.Errorf("luagroup: op %d (%T) on key %q: %w", i, ops[i], ops[i].OpKey(), err)
		}
	}
	return p.script(), p.keys, args, nil
}

// appendShapeArgs appends op's ARGV elements. A hash's fields go in map
// order: HSET of distinct fields does not depend on their order.
func appendShapeArgs(args []string, op store.Op) ([]string, error) {
	switch o := op.(type) {
	case *store.SetOp:
		ms, err := Millis(o.TTL)
		if err != nil {
			return nil, err
		}
		if ms == 0 {
			return append(args, o.Value), nil
		}
		return append(args, o.Value, strconv.FormatInt(ms, 10)), nil
	case *store.ExpireOp:
		ms, err := Millis(o.TTL)
		if err != nil {
			return nil, err
		}
		return append(args, strconv.FormatInt(ms, 10)), nil
	case *store.IncrByOp:
		return append(args, strconv.FormatInt(o.Delta, 10)), nil
	case *store.HIncrByOp:
		return append(args, o.Field, strconv.FormatInt(o.Delta, 10)), nil
	case *store.LTrimOp:
		return append(args, strconv.FormatInt(o.Start, 10), strconv.FormatInt(o.Stop, 10)), nil
	case *store.HSetOp:
		args = append(args, strconv.Itoa(2*len(o.Fields)))
		for f, v := range o.Fields {
			args = append(args, f, v)
		}
		return args, nil
	case *store.HDelOp:
		return appendList(args, o.Fields), nil
	case *store.RPushOp:
		return appendList(args, o.Values), nil
	case *store.LPushOp:
		return appendList(args, o.Values), nil
	case *store.SAddOp:
		return appendList(args, o.Members), nil
	case *store.SRemOp:
		return appendList(args, o.Members), nil
	}
	return args, nil
}

func appendList(args, list []string) []string {
	args = append(args, strconv.Itoa(len(list)))
	return append(args, list...)
}
