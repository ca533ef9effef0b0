package difftest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/mimeiapify/store"
)

// How an Update step's function behaves after reading the key's type and
// TTL.
const (
	updAbort   = iota // return errAbort: Update returns it as is
	updNothing        // return no ops: nothing is written
	updGet            // read the key as a string whatever its type
	updByType         // read the value the way its type needs, write to it
	updModes
)

// updateStep is an Update of one key, sometimes two, whose function reads
// through the Reader and returns ops that depend on what it read. The
// reads, the error and the results of the applied ops are compared.
func (g *gen) updateStep() step {
	keys := []string{g.anyKey()}
	if g.oneIn(4) {
		keys = append(keys, g.anyKey())
	}
	mode := g.r.IntN(updModes + 3) // updByType three times more often
	mode = min(mode, updByType)
	u := updater{
		key: keys[0], keys: keys, mode: mode, field: g.field(), delta: g.delta(),
		member: g.member(), incr: g.oneIn(2), expireNX: g.oneIn(4),
	}
	return step{fmt.Sprintf("update %q mode %d incr %v expireNX %v field %q delta %d member %q",
		keys, mode, u.incr, u.expireNX, u.field, u.delta, u.member), u.do}
}

// updater is the drawn part of an Update step.
type updater struct {
	key            string
	keys           []string
	mode           int
	field, member  string
	delta          int64
	incr, expireNX bool
}

// do runs the Update on b and returns the last run's reads and the
// results of its ops.
func (u updater) do(ctx context.Context, b store.Backend) (any, error) {
	var reads []any
	var ops []store.Op
	err := b.Update(ctx, u.keys, func(r store.Reader) ([]store.Op, error) {
		reads, ops = nil, nil
		for _, k := range u.keys {
			typ, err := r.Type(ctx, k)
			if err != nil {
				return nil, err
			}
			ttl, err := r.TTL(ctx, k)
			reads = append(reads, typ, outcome(ttl, err))
		}
		var err error
		ops, err = u.ops(ctx, r, reads[0].(store.Type), &reads)
		return ops, err
	})
	if err != nil {
		return []any{reads}, err
	}
	return []any{reads, opResults(ops)}, nil
}

// ops reads u.key (of type typ) as u.mode says, appending to reads, and
// returns the ops to apply.
func (u updater) ops(ctx context.Context, r store.Reader, typ store.Type, reads *[]any) ([]store.Op, error) {
	k := u.key
	var ops []store.Op
	switch {
	case u.mode == updAbort:
		return nil, errAbort
	case u.mode == updNothing:
		return nil, nil
	case u.mode == updGet || typ == store.TypeString || typ == store.TypeNone:
		cur, err := r.Get(ctx, k)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		*reads = append(*reads, outcome(cur, err))
		if u.incr {
			ops = append(ops, &store.IncrByOp{Key: k, Delta: u.delta})
		} else {
			ops = append(ops, &store.SetOp{Key: k, Value: cur[:min(len(cur), 20)] + "u"})
		}
	case typ == store.TypeHash:
		all, err := r.HGetAll(ctx, k)
		v, err2 := r.HGet(ctx, k, u.field)
		*reads = append(*reads, outcome(all, err), outcome(v, err2))
		if u.incr {
			ops = append(ops, &store.HIncrByOp{Key: k, Field: u.field, Delta: u.delta})
		} else {
			ops = append(ops, &store.HSetOp{Key: k, Fields: map[string]string{u.field: strconv.Itoa(len(all))}})
		}
		ops = append(ops, &store.HGetAllOp{Key: k})
	case typ == store.TypeList && u.incr:
		vs, err := r.LRange(ctx, k, 0, -1)
		*reads = append(*reads, outcome(vs, err))
		ops = append(ops, &store.LPopOp{Key: k, Count: 2}, &store.RPushOp{Key: k, Values: []string{strconv.Itoa(len(vs))}})
	case typ == store.TypeList:
		vs, err := r.LRange(ctx, k, 0, -1)
		*reads = append(*reads, outcome(vs, err))
		ops = append(ops, &store.RPushOp{Key: k, Values: []string{strconv.Itoa(len(vs))}}, &store.LTrimOp{Key: k, Start: -8, Stop: -1})
	case typ == store.TypeZSet:
		// a claim: read what is due, remove it, and add a member
		due, err := r.ZRangeByScore(ctx, k, math.Inf(-1), 1, 2)
		v, err2 := r.ZScore(ctx, k, u.member)
		*reads = append(*reads, outcome(due, err), outcome(v, err2))
		ops = append(ops, &store.ZAddOp{Key: k, Members: []store.ZMember{{Member: u.member, Score: float64(len(due))}}, NX: u.incr})
		for _, m := range due {
			ops = append(ops, &store.ZRemOp{Key: k, Members: []string{m.Member}})
		}
	default:
		ms, err := r.SMembers(ctx, k)
		slices.Sort(ms)
		*reads = append(*reads, outcome(ms, err))
		if len(ms) > 3 {
			ops = append(ops, &store.SRemOp{Key: k, Members: []string{u.member, "m0"}})
		} else {
			ops = append(ops, &store.SAddOp{Key: k, Members: []string{u.member}})
		}
	}
	if u.expireNX {
		ops = append(ops, &store.ExpireOp{Key: k, TTL: time.Hour, NX: true})
	}
	return ops, nil
}
