package memory_test

// Sorted-set benchmarks at growing sizes: ZAdd and ZRem cost O(log n) and
// a due poll (ZRangeByScore from -Inf with a limit) O(log n + limit), so
// the time per call should grow slowly from 1k to 1M members:
//
//	go test -run XXX -bench 'ZSet' -benchmem ./backend/memory/

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
)

var zsetSizes = []int{1_000, 100_000, 1_000_000}

// zsetOf returns a backend holding key "z" with n members m0..m(n-1),
// member i scored i.
func zsetOf(b *testing.B, n int) *memory.Backend {
	b.Helper()
	be := memory.New(&memory.Options{SweepInterval: -1})
	b.Cleanup(func() { _ = be.Close() })
	ctx := context.Background()
	batch := make([]store.ZMember, 0, 1000)
	for i := range n {
		batch = append(batch, store.ZMember{Member: "m" + strconv.Itoa(i), Score: float64(i)})
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := be.ZAdd(ctx, "z", batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return be
}

// BenchmarkZSetAddMove moves one member to a new score (a trigger set
// again): a removal and an insertion in the skiplist.
func BenchmarkZSetAddMove(b *testing.B) {
	for _, n := range zsetSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			be, ctx := zsetOf(b, n), context.Background()
			i := 0
			for b.Loop() {
				m := store.ZMember{Member: "m" + strconv.Itoa(i%n), Score: float64(n + i)}
				if _, err := be.ZAdd(ctx, "z", m); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkZSetRemAdd removes a member and adds it back.
func BenchmarkZSetRemAdd(b *testing.B) {
	for _, n := range zsetSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			be, ctx := zsetOf(b, n), context.Background()
			i := 0
			for b.Loop() {
				m := "m" + strconv.Itoa(i%n)
				if _, err := be.ZRem(ctx, "z", m); err != nil {
					b.Fatal(err)
				}
				if _, err := be.ZAdd(ctx, "z", store.ZMember{Member: m, Score: float64(i % n)}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkZSetPollDue reads the 100 members due first, as a trigger poll
// does, from -Inf to the middle of the set.
func BenchmarkZSetPollDue(b *testing.B) {
	for _, n := range zsetSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			be, ctx := zsetOf(b, n), context.Background()
			for b.Loop() {
				got, err := be.ZRangeByScore(ctx, "z", math.Inf(-1), float64(n/2), 100)
				if err != nil || len(got) != 100 {
					b.Fatal(len(got), err)
				}
			}
		})
	}
}

// BenchmarkZSetRangeMiddle reads 10 members from the middle of the set:
// the seek to the first score is the O(log n) part.
func BenchmarkZSetRangeMiddle(b *testing.B) {
	for _, n := range zsetSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			be, ctx := zsetOf(b, n), context.Background()
			i := 0
			for b.Loop() {
				lo := float64((i * 7919) % (n - 10))
				got, err := be.ZRangeByScore(ctx, "z", lo, math.Inf(1), 10)
				if err != nil || len(got) != 10 {
					b.Fatal(len(got), err)
				}
				i++
			}
		})
	}
}
