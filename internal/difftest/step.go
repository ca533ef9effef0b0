package difftest

import (
	"context"

	"github.com/mimeiapify/store"
)

// step is one random call (or a few reads of one key), made the same way
// on both backends. do returns a comparable answer and the call's error.
type step struct {
	name string
	do   func(ctx context.Context, b store.Backend) (any, error)
}

// step returns the next random step.
func (g *gen) step() step {
	switch n := g.r.IntN(45); {
	case n < 6:
		return g.keysStep()
	case n < 12:
		return g.stringsStep()
	case n < 18:
		return g.hashesStep()
	case n < 24:
		return g.listsStep()
	case n < 29:
		return g.setsStep()
	case n < 34:
		return g.zsetStep()
	case n < 36:
		return g.scanStep()
	case n < 42:
		return g.applyStep()
	default:
		return g.updateStep()
	}
}
