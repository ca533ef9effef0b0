package bolt

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// Sorted-set benchmarks with NoSync (the cost of the records, not of
// fsync) at growing sizes: a due poll and a score change should grow with
// log n, not n:
//
//	go test -run XXX -bench ZSet -benchmem ./backend/bolt/

// boltZSet returns a backend holding key "z" with n members m0..m(n-1),
// member i scored i.
func boltZSet(b *testing.B, n int) *Backend {
	be := newTest(b, &Options{SweepInterval: -1, NoSync: true})
	batch := make([]store.ZMember, 0, 5000)
	for i := range n {
		batch = append(batch, store.ZMember{Member: "m" + strconv.Itoa(i), Score: float64(i)})
		if len(batch) == cap(batch) || i == n-1 {
			_, err := be.ZAdd(ctx, "z", batch...)
			require.NoError(b, err)
			batch = batch[:0]
		}
	}
	return be
}

// BenchmarkZSetPollDue reads the 100 members due first.
func BenchmarkZSetPollDue(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			be := boltZSet(b, n)
			for b.Loop() {
				got, err := be.ZRangeByScore(ctx, "z", math.Inf(-1), float64(n/2), 100)
				if err != nil || len(got) != 100 {
					b.Fatal(len(got), err)
				}
			}
		})
	}
}

// BenchmarkZSetAddMove moves one member to a new score: one member record
// rewritten, one order record deleted and one written.
func BenchmarkZSetAddMove(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			be := boltZSet(b, n)
			for i := 0; b.Loop(); i++ {
				_, err := be.ZAdd(ctx, "z", store.ZMember{Member: "m" + strconv.Itoa(i%n), Score: float64(n + i)})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
