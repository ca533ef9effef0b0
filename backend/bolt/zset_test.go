package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"go.etcd.io/bbolt"

	"github.com/mimeiapify/store"
)

// TestSortableScoreOrdersLikeFloats: the order records' score bytes sort
// as the scores do, -0 and 0 alike, and decode back.
func TestSortableScoreOrdersLikeFloats(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	scores := []float64{math.Inf(-1), -math.MaxFloat64, -1, -math.SmallestNonzeroFloat64, math.Copysign(0, -1), 0,
		math.SmallestNonzeroFloat64, 1, 1767225600000, math.MaxFloat64, math.Inf(1)}
	for range 2000 {
		scores = append(scores, math.Float64frombits(r.Uint64()))
	}
	scores = slices.DeleteFunc(scores, math.IsNaN)
	for _, a := range scores {
		ka := binary.BigEndian.AppendUint64(nil, sortableScore(a))
		require.Equal(t, a+0, scoreOf(sortableScore(a)), "round trip of %v", a)
		for _, b := range scores[:20] {
			kb := binary.BigEndian.AppendUint64(nil, sortableScore(b))
			require.Equal(t, cmpFloat(a, b), bytes.Compare(ka, kb), "%v vs %v", a, b)
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestZSetLayout checks the documented records of a sorted set: a member
// record holding the score, an order record per member, the count in the
// meta record, and one order record moved (not added) by a score change.
func TestZSetLayout(t *testing.T) {
	b := newTest(t, &Options{SweepInterval: -1})
	_, err := b.ZAdd(ctx, "z", store.ZMember{Member: "a", Score: 2}, store.ZMember{Member: "b", Score: -1})
	require.NoError(t, err)
	_, err = b.ZAdd(ctx, "z", store.ZMember{Member: "a", Score: 3})
	require.NoError(t, err)
	require.NoError(t, b.db.View(func(tx *bbolt.Tx) error {
		m, err := decodeMeta([]byte("kz"), tx.Bucket(bucketMeta).Get([]byte("kz")))
		require.NoError(t, err)
		require.Equal(t, store.TypeZSet, m.typ)
		require.EqualValues(t, 2, m.n)
		zb := tx.Bucket(bucketColls).Bucket([]byte("kz"))
		var keys [][]byte
		require.NoError(t, zb.ForEach(func(k, _ []byte) error { keys = append(keys, slices.Clone(k)); return nil }))
		require.Equal(t, [][]byte{[]byte("ka"), []byte("kb"), orderKey(-1, "b"), orderKey(3, "a")}, keys)
		v, ok, err := getEntry(zb, "z", "a")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, binary.BigEndian.AppendUint64(nil, math.Float64bits(3)), []byte(v))
		return nil
	}))
}

// TestZSetDamageIsCaught: a damaged order record, or one missing from
// what the meta record counts, fails reads with ErrCorrupt rather than
// answering wrong.
func TestZSetDamageIsCaught(t *testing.T) {
	for name, damage := range map[string]func(zb *bbolt.Bucket) error{
		"flipped score": func(zb *bbolt.Bucket) error {
			k := orderKey(2, "b")
			v := slices.Clone(zb.Get(k))
			if err := zb.Delete(k); err != nil {
				return err
			}
			k[8] ^= 1
			return zb.Put(k, v)
		},
		"lost order record": func(zb *bbolt.Bucket) error { return zb.Delete(orderKey(2, "b")) },
		"bad member record": func(zb *bbolt.Bucket) error { return zb.Put([]byte("kb"), []byte("junk")) },
	} {
		t.Run(name, func(t *testing.T) {
			b := newTest(t, &Options{SweepInterval: -1})
			_, err := b.ZAdd(ctx, "z", store.ZMember{Member: "a", Score: 1}, store.ZMember{Member: "b", Score: 2})
			require.NoError(t, err)
			require.NoError(t, b.db.Update(func(tx *bbolt.Tx) error { return damage(tx.Bucket(bucketColls).Bucket([]byte("kz"))) }))
			_, rerr := b.ZRangeByScore(ctx, "z", math.Inf(-1), math.Inf(1), 10)
			_, serr := b.ZScore(ctx, "z", "b")
			require.True(t, errors.Is(rerr, ErrCorrupt) || errors.Is(serr, ErrCorrupt), "range: %v; score: %v", rerr, serr)
		})
	}
}
