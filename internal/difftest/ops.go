package difftest

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/mimeiapify/store"
)

// opKind is one type of store.Op (ExpireOp counted three times: plain,
// with NX and with GT; rarely with both, which every backend must refuse).
type opKind int

const (
	opSet opKind = iota
	opDel
	opExpire
	opExpireNX
	opExpireGT
	opPersist
	opIncrBy
	opHSet
	opHDel
	opHIncrBy
	opHGetAll
	opRPush
	opLPush
	opLTrim
	opSAdd
	opSRem
	opLPop
	opZAdd
	opZAddNX
	opZAddXX
	opZRem
	opKinds // the number of kinds
)

// familyOps are the typed ops of each area.
var familyOps = map[area][]opKind{
	areaString: {opSet, opIncrBy},
	areaHash:   {opHSet, opHDel, opHIncrBy, opHGetAll},
	areaList:   {opRPush, opLPush, opLTrim, opLPop},
	areaSet:    {opSAdd, opSRem},
	areaZSet:   {opZAdd, opZAddNX, opZAddXX, opZRem},
}

// keyOps are the ops that apply to a key of any type.
var keyOps = []opKind{opSet, opDel, opExpire, opExpireNX, opExpireGT, opPersist}

// op returns a maker of one random op on key k: mostly one of a's family,
// often one for any type, rarely any op at all (which may use k as two
// types: a group every backend must refuse). Ops carry results, so each
// backend gets fresh ones.
func (g *gen) op(k string, a area) func() store.Op {
	var kind opKind
	switch n := g.r.IntN(30); {
	case n == 0:
		kind = opKind(g.r.IntN(int(opKinds)))
	case n < 8:
		kind = pick(g, keyOps)
	default:
		kind = pick(g, familyOps[a])
	}
	switch kind {
	case opSet:
		v, ttl := g.value(), g.optionalTTL()
		return func() store.Op { return &store.SetOp{Key: k, Value: v, TTL: ttl} }
	case opDel:
		return func() store.Op { return &store.DelOp{Key: k} }
	case opExpire, opExpireNX, opExpireGT:
		ttl, both := g.requiredTTL(), g.oneIn(20)
		nx, gt := kind == opExpireNX || both, kind == opExpireGT || both
		return func() store.Op { return &store.ExpireOp{Key: k, TTL: ttl, NX: nx, GT: gt} }
	case opPersist:
		return func() store.Op { return &store.PersistOp{Key: k} }
	case opIncrBy:
		d := g.delta()
		return func() store.Op { return &store.IncrByOp{Key: k, Delta: d} }
	case opHSet:
		fields := g.fieldMap()
		return func() store.Op { return &store.HSetOp{Key: k, Fields: fields} }
	case opHDel:
		fields := g.someFields()
		return func() store.Op { return &store.HDelOp{Key: k, Fields: fields} }
	case opHIncrBy:
		f, d := g.field(), g.delta()
		return func() store.Op { return &store.HIncrByOp{Key: k, Field: f, Delta: d} }
	case opHGetAll:
		return func() store.Op { return &store.HGetAllOp{Key: k} }
	case opRPush:
		vs := g.members()
		return func() store.Op { return &store.RPushOp{Key: k, Values: vs} }
	case opLPush:
		vs := g.members()
		return func() store.Op { return &store.LPushOp{Key: k, Values: vs} }
	case opLTrim:
		start, stop := g.index(), g.index()
		return func() store.Op { return &store.LTrimOp{Key: k, Start: start, Stop: stop} }
	case opSAdd:
		ms := g.members()
		return func() store.Op { return &store.SAddOp{Key: k, Members: ms} }
	case opLPop:
		n := g.popCount()
		return func() store.Op { return &store.LPopOp{Key: k, Count: n} }
	case opZAdd, opZAddNX, opZAddXX:
		ms, both := g.zmembers(), g.oneIn(20)
		nx, xx := kind == opZAddNX || both, kind == opZAddXX || both
		return func() store.Op { return &store.ZAddOp{Key: k, Members: ms, NX: nx, XX: xx} }
	case opZRem:
		ms := g.members()
		return func() store.Op { return &store.ZRemOp{Key: k, Members: ms} }
	default:
		ms := g.members()
		return func() store.Op { return &store.SRemOp{Key: k, Members: ms} }
	}
}

// opResults returns the results an applied group filled in, one per op
// (nil for ops without one).
func opResults(ops []store.Op) []any {
	out := make([]any, len(ops))
	for i, op := range ops {
		switch o := op.(type) {
		case *store.IncrByOp:
			out[i] = o.Result
		case *store.HIncrByOp:
			out[i] = o.Result
		case *store.HGetAllOp:
			out[i] = o.Result
		case *store.LPopOp:
			out[i] = o.Result
		}
	}
	return out
}

// describeOps spells ops in Go syntax, for failure messages.
func describeOps(ops []store.Op) string {
	parts := make([]string, len(ops))
	for i, op := range ops {
		if op == nil {
			parts[i] = "nil"
			continue
		}
		parts[i] = fmt.Sprintf("%#v", reflect.ValueOf(op).Elem().Interface())
	}
	return strings.Join(parts, ", ")
}
