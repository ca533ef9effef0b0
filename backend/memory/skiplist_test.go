package memory

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// TestZSetMatchesASortedSliceModel: random adds (with NX/XX), removes and
// ranges on a zset give what a sorted slice gives, and the skiplist's
// levels stay linked in order.
func TestZSetMatchesASortedSliceModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	z := newZSet()
	model := map[string]float64{}
	scores := []float64{math.Inf(-1), -2, 0, 0, 1, 1, 1, 2.5, 1e9, math.Inf(1)}
	for i := range 20000 {
		m := "m" + strconv.Itoa(r.IntN(300))
		switch r.IntN(5) {
		case 0, 1:
			mode := r.IntN(4) // 0: NX, 1: XX, else neither
			s, nx, xx := scores[r.IntN(len(scores))], mode == 0, mode == 1
			_, had := model[m]
			added := z.add(m, s, nx, xx)
			require.Equal(t, !had && !xx, added, "step %d add %q", i, m)
			if (had && !nx) || (!had && !xx) {
				model[m] = s
			}
		case 2:
			_, had := model[m]
			require.Equal(t, had, z.rem(m), "step %d rem %q", i, m)
			delete(model, m)
		default:
			lo, hi := scores[r.IntN(len(scores))], scores[r.IntN(len(scores))]
			limit := 1 + r.IntN(50)
			require.Equal(t, modelRange(model, lo, hi, limit), z.rangeByScore(lo, hi, limit), "step %d range [%v, %v] %d", i, lo, hi, limit)
		}
		require.Equal(t, len(model), z.len())
	}
	requireLinked(t, z)
}

// modelRange is rangeByScore on a map, by sorting it whole.
func modelRange(model map[string]float64, lo, hi float64, limit int) []store.ZMember {
	all := make([]store.ZMember, 0, len(model))
	for m, s := range model {
		all = append(all, store.ZMember{Member: m, Score: s})
	}
	slices.SortFunc(all, func(a, b store.ZMember) int {
		if c := cmp.Compare(a.Score, b.Score); c != 0 {
			return c
		}
		return strings.Compare(a.Member, b.Member)
	})
	out := []store.ZMember{}
	for _, m := range all {
		if m.Score >= lo && m.Score <= hi && len(out) < limit {
			out = append(out, m)
		}
	}
	return out
}

// requireLinked checks every level of z's skiplist: ordered, and each
// node of a level also on the levels below.
func requireLinked(t *testing.T, z *zset) {
	t.Helper()
	l := &z.list
	for lvl := l.level - 1; lvl >= 0; lvl-- {
		n := 0
		for x := l.head.next[lvl]; x != nil; x = x.next[lvl] {
			if y := x.next[lvl]; y != nil {
				require.True(t, less(x.score, x.member, y.score, y.member), "level %d out of order at %q", lvl, x.member)
			}
			require.Equal(t, z.scores[x.member], x.score)
			n++
		}
		if lvl == 0 {
			require.Equal(t, z.len(), n, "level 0 holds every member")
		}
	}
	for lvl := l.level; lvl < zMaxLevel; lvl++ {
		require.Nil(t, l.head.next[lvl], "unused level %d is linked", lvl)
	}
}
