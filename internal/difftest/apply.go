package difftest

import (
	"context"

	"github.com/mimeiapify/store"
)

// applyStep is an Apply of 1 to 4 random ops over two keys, comparing the
// results the ops get. Rarely the group is empty or holds a nil op, which
// every backend must refuse; malformed ops come from the generators.
func (g *gen) applyStep() step {
	var makers []func() store.Op
	if !g.oneIn(100) {
		as := [2]area{g.area(), g.area()}
		keys := [2]string{g.key(as[0]), g.key(as[1])}
		makers = make([]func() store.Op, 1+g.r.IntN(4))
		for i := range makers {
			j := g.r.IntN(2)
			makers[i] = g.op(keys[j], as[j])
		}
		if g.oneIn(100) {
			makers[g.r.IntN(len(makers))] = func() store.Op { return nil }
		}
	}
	return step{"apply " + describeOps(makeOps(makers)), func(ctx context.Context, b store.Backend) (any, error) {
		ops := makeOps(makers)
		if err := b.Apply(ctx, ops...); err != nil {
			return nil, err
		}
		return opResults(ops), nil
	}}
}

// makeOps returns fresh ops from makers.
func makeOps(makers []func() store.Op) []store.Op {
	ops := make([]store.Op, len(makers))
	for i, m := range makers {
		ops[i] = m()
	}
	return ops
}
