package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.etcd.io/bbolt"

	"github.com/mimeiapify/store"
)

// pagesWritten returns how many pages the write fn commits.
func pagesWritten(t *testing.T, b *Backend, fn func()) int64 {
	t.Helper()
	before := b.db.Stats().TxStats
	fn()
	after := b.db.Stats().TxStats
	return after.GetWrite() - before.GetWrite()
}

// TestOneElementChangeWritesFewPages proves a one-element change to a
// big collection does not rewrite the collection.
func TestOneElementChangeWritesFewPages(t *testing.T) {
	b := newTest(t, &Options{SweepInterval: -1})
	fields := make(map[string]string, 5000)
	members := make([]string, 0, 5000)
	values := make([]string, 0, 5000)
	for i := range 5000 {
		s := fmt.Sprintf("element-%05d-%040d", i, i)
		fields[s], members, values = s, append(members, s), append(values, s)
	}
	_, err := b.HSet(ctx, "h", fields)
	require.NoError(t, err)
	_, err = b.SAdd(ctx, "s", members...)
	require.NoError(t, err)
	_, err = b.RPush(ctx, "l", values...)
	require.NoError(t, err)
	zs := make([]store.ZMember, len(members))
	for i, m := range members {
		zs[i] = store.ZMember{Member: m, Score: float64(i)}
	}
	_, err = b.ZAdd(ctx, "z", zs...)
	require.NoError(t, err)
	for name, write := range map[string]func(){
		"zadd-new":  func() { _, err = b.ZAdd(ctx, "z", store.ZMember{Member: "new", Score: 2500.5}) },
		"zadd-move": func() { _, err = b.ZAdd(ctx, "z", store.ZMember{Member: members[10], Score: 4000.5}) },
		"zrem":      func() { _, err = b.ZRem(ctx, "z", members[20]) },
		"hset":      func() { _, err = b.HSet(ctx, "h", map[string]string{"new": "v"}) },
		"hdel":      func() { _, err = b.HDel(ctx, "h", "new") },
		"sadd":      func() { _, err = b.SAdd(ctx, "s", "new") },
		"rpush":     func() { _, err = b.RPush(ctx, "l", "new") },
		"lpush":     func() { _, err = b.LPush(ctx, "l", "new") },
		"lpop":      func() { _, err = b.LPop(ctx, "l", 1) },
	} {
		pages := pagesWritten(t, b, write)
		require.NoError(t, err, name)
		require.Less(t, pages, int64(12), "%s wrote %d pages", name, pages)
	}
}

// TestLayout checks the documented on-disk layout.
func TestLayout(t *testing.T) {
	b := newTest(t, &Options{SweepInterval: -1})
	require.NoError(t, b.Set(ctx, "", "v", 0))
	_, err := b.HSet(ctx, "h", map[string]string{"": ""})
	require.NoError(t, err)
	_, err = b.LPush(ctx, "l", "b", "a")
	require.NoError(t, err)
	_, err = b.Expire(ctx, "l", 1e12)
	require.NoError(t, err)
	require.NoError(t, b.db.View(func(tx *bbolt.Tx) error {
		rec := tx.Bucket(bucketMeta).Get([]byte("k"))
		sum := crc32.Update(0, crc32.MakeTable(crc32.Castagnoli), []byte{'k', byte(store.TypeString), 0, 0, 0, 0, 0, 0, 0, 0, 'v'})
		require.Equal(t, append([]byte{byte(store.TypeString), 0, 0, 0, 0, 0, 0, 0, 0}, byte(sum>>24), byte(sum>>16), byte(sum>>8), byte(sum), 'v'), rec)
		hb := tx.Bucket(bucketColls).Bucket([]byte("kh"))
		require.NotNil(t, hb)
		v, ok := lookup(hb, []byte("k"))
		require.True(t, ok)
		require.Equal(t, binary.BigEndian.AppendUint32(nil, crc32.Checksum([]byte("hk"), crc32.MakeTable(crc32.Castagnoli))), v,
			"an empty field value is its checksum alone: CRC-32C of the hash's key, the field's stored key and the value")
		lm, err := decodeMeta([]byte("kl"), tx.Bucket(bucketMeta).Get([]byte("kl")))
		require.NoError(t, err)
		require.Equal(t, listOrigin-2, lm.head)
		require.Equal(t, listOrigin, lm.tail)
		lb := tx.Bucket(bucketColls).Bucket([]byte("kl"))
		p, err := openEntry("l", listKey(listOrigin-2), lb.Get(listKey(listOrigin-2)))
		require.NoError(t, err)
		require.Equal(t, []byte("a"), p)
		require.NotNil(t, tx.Bucket(bucketExpiry).Get(expiryKey(lm.exp, "l")))
		return nil
	}))
}

func TestDecodeMetaRejectsCorruptRecords(t *testing.T) {
	k := []byte("kkey")
	good := encodeMeta(k, &meta{typ: store.TypeString, val: []byte("value")})
	_, err := decodeMeta(k, good)
	require.NoError(t, err)
	flipped := bytes.Clone(good)
	flipped[len(flipped)-1] ^= 1
	hash := encodeMeta(k, &meta{typ: store.TypeHash, n: 1})
	for _, rec := range [][]byte{nil, {1, 2}, hash[:len(hash)-1], {9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, flipped} {
		_, err := decodeMeta(k, rec)
		require.ErrorIs(t, err, ErrCorrupt, "%v", rec)
	}
	_, err = decodeMeta([]byte("kother"), good)
	require.ErrorIs(t, err, ErrCorrupt, "a record read under another key than it was written for")
}

func TestClampRange(t *testing.T) {
	for _, tc := range []struct{ start, stop, n, lo, hi int64 }{
		{0, -1, 5, 0, 5}, {-100, 100, 5, 0, 5}, {2, 1, 5, 0, 0}, {5, 10, 5, 0, 0},
		{-2, -1, 5, 3, 5}, {0, -6, 5, 0, 0}, {0, 0, 0, 0, 0}, {-1, -1, 1, 0, 1},
	} {
		lo, hi := clampRange(tc.start, tc.stop, tc.n)
		require.Equal(t, [2]int64{tc.lo, tc.hi}, [2]int64{lo, hi}, "%+v", tc)
	}
}

// TestLongFieldsAndMembers covers names past inlineMax, stored hashed.
func TestLongFieldsAndMembers(t *testing.T) {
	b := newTest(t, &Options{SweepInterval: -1})
	at, past, huge := strings.Repeat("a", inlineMax), strings.Repeat("b", inlineMax+1), strings.Repeat("c", 1<<20)
	n, err := b.HSet(ctx, "h", map[string]string{at: "1", past: "2", huge: ""})
	require.NoError(t, err)
	require.Equal(t, int64(3), n)
	n, err = b.HSet(ctx, "h", map[string]string{past: "3"})
	require.NoError(t, err)
	require.Zero(t, n)
	all, err := b.HGetAll(ctx, "h")
	require.NoError(t, err)
	require.Equal(t, map[string]string{at: "1", past: "3", huge: ""}, all)
	v, err := b.HGet(ctx, "h", huge)
	require.NoError(t, err)
	require.Empty(t, v)
	_, err = b.HGet(ctx, "h", huge[1:])
	require.ErrorIs(t, err, store.ErrNotFound)
	n, err = b.SAdd(ctx, "s", huge, past, past)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	members, err := b.SMembers(ctx, "s")
	require.NoError(t, err)
	require.ElementsMatch(t, []string{huge, past}, members)
	n, err = b.SRem(ctx, "s", huge, past)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
}
