package difftest

import (
	"context"
	"fmt"
	"slices"

	"github.com/mimeiapify/store"
)

// scanStep is a Scan with a random pattern; the keys are compared sorted,
// duplicates kept (the subject must yield each key at most once, as the
// reference does).
func (g *gen) scanStep() step {
	p := pick(g, patterns)
	return step{fmt.Sprintf("scan %q", p), func(ctx context.Context, b store.Backend) (any, error) {
		var keys []string
		for k, err := range b.Scan(ctx, p) {
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys, nil
	}}
}
