package bolt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"go.etcd.io/bbolt"

	"github.com/mimeiapify/store"
)

// A sorted set's nested bucket holds two records per member (doc.go):
// the member record entryKey(member) -> score | sum, for ZScore and to find
// a member's old score, and the order record
// scorePrefix + sortable(score) + member -> sum, whose byte order is the
// sorted set's order, so that a range seeks to its first score and reads
// on. scorePrefix sorts after keyPrefix and hashedPrefix.
const scorePrefix = 'z'

// sortableScore returns 8 bytes whose byte order is the numeric order of
// scores (-Inf first, +Inf last); -0 is stored as 0, which it equals.
func sortableScore(f float64) uint64 {
	if f == 0 {
		f = 0 // -0 == 0: one order position for both
	}
	u := math.Float64bits(f)
	if u&(1<<63) != 0 {
		return ^u
	}
	return u | 1<<63
}

// scoreOf inverts sortableScore.
func scoreOf(u uint64) float64 {
	if u&(1<<63) != 0 {
		return math.Float64frombits(u &^ (1 << 63))
	}
	return math.Float64frombits(^u)
}

// orderKey returns the stored key of the order record of member at
// score: scorePrefix, sortable(score), then the member itself when it is
// at most inlineMax bytes long, else its first inlineMax bytes and its
// SHA-256 (bbolt keys stop at 32 KiB; the whole member is then in the
// record's value). Byte order is (score, member) order except between long
// members that share their first inlineMax bytes and their score, which
// zrangeByScore puts in order as it reads them.
func orderKey(score float64, member string) []byte {
	n := len(member)
	if n > inlineMax {
		n = inlineMax + sha256.Size
	}
	b := make([]byte, 9, 9+n)
	b[0] = scorePrefix
	binary.BigEndian.PutUint64(b[1:], sortableScore(score))
	if len(member) <= inlineMax {
		return append(b, member...)
	}
	sum := sha256.Sum256([]byte(member))
	return append(append(b, member[:inlineMax]...), sum[:]...)
}

// orderValue returns what is stored at k, the order key of member.
func orderValue(coll string, k []byte, member string) []byte {
	if len(member) <= inlineMax {
		return sealEntry(coll, k, nil)
	}
	return sealEntry(coll, k, []byte(member))
}

// zentry is one decoded order record; run is, for a long member, the
// part of its key that long members whose order the key cannot tell
// share, and nil for a short one.
type zentry struct {
	m   store.ZMember
	run []byte
}

// decodeOrder decodes the order record k, v of the sorted set coll.
func decodeOrder(coll string, k, v []byte) (zentry, error) {
	if len(k) < 9 {
		return zentry{}, fmt.Errorf("%w: order record of %d bytes in sorted set %q", ErrCorrupt, len(k), coll)
	}
	p, err := openEntry(coll, k, v)
	if err != nil {
		return zentry{}, err
	}
	z := zentry{m: store.ZMember{Score: scoreOf(binary.BigEndian.Uint64(k[1:9]))}}
	if len(k)-9 <= inlineMax {
		if len(p) != 0 {
			return zentry{}, fmt.Errorf("%w: short order record with a value in sorted set %q", ErrCorrupt, coll)
		}
		z.m.Member = string(k[9:])
		return z, nil
	}
	if len(k) != 9+inlineMax+sha256.Size || len(p) <= inlineMax || !bytes.Equal(p[:inlineMax], k[9:9+inlineMax]) {
		return zentry{}, fmt.Errorf("%w: long order record in sorted set %q", ErrCorrupt, coll)
	}
	z.m.Member, z.run = string(p), k[:9+inlineMax]
	return z, nil
}

// ZAdd adds members or updates their scores and returns how many were
// new; it keeps the TTL.
func (b *Backend) ZAdd(ctx context.Context, key string, members ...store.ZMember) (int64, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "zadd", key); err != nil {
		return 0, err
	}
	if err := store.CheckZMembers(members); err != nil {
		return 0, opError("zadd", key, err)
	}
	var n int64
	err := b.write(ctx, "zadd", key, func(t *txn) (err error) {
		n, err = t.zadd(key, members, false, false)
		return err
	})
	return n, err
}

// ZRem removes members and returns how many existed.
func (b *Backend) ZRem(ctx context.Context, key string, members ...string) (int64, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "zrem", key); err != nil {
		return 0, err
	}
	if len(members) == 0 {
		return 0, fmt.Errorf("bolt: zrem %q: %w: no members", key, store.ErrInvalidArgument)
	}
	var n int64
	err := b.write(ctx, "zrem", key, func(t *txn) (err error) {
		n, err = t.zrem(key, members)
		return err
	})
	return n, err
}

// ZScore returns member's score; store.ErrNotFound when the key or the
// member is missing.
func (b *Backend) ZScore(ctx context.Context, key, member string) (float64, error) {
	var v float64
	err := b.view(ctx, "zscore", key, func(t *txn) (err error) {
		v, err = t.zscore(key, member)
		return err
	})
	return v, err
}

// ZCard returns the number of members, read from the meta record.
func (b *Backend) ZCard(ctx context.Context, key string) (int64, error) {
	var n int64
	err := b.view(ctx, "zcard", key, func(t *txn) error {
		m, _, err := t.typed("zcard", key, store.TypeZSet)
		n = m.n
		return err
	})
	return n, err
}

// ZRangeByScore returns up to limit members with min <= score <= max; it
// seeks to min in the order records and reads only what it returns.
func (b *Backend) ZRangeByScore(ctx context.Context, key string, min, max float64, limit int) ([]store.ZMember, error) {
	// closed, then the context, then the arguments, as every backend
	if err := b.begin(ctx, "zrangebyscore", key); err != nil {
		return nil, err
	}
	if err := store.CheckScoreRange(min, max, limit); err != nil {
		return nil, opError("zrangebyscore", key, err)
	}
	var out []store.ZMember
	err := b.view(ctx, "zrangebyscore", key, func(t *txn) (err error) {
		out, err = t.zrangeByScore(key, min, max, limit)
		return err
	})
	return out, err
}

// zmember returns member's score in the bucket zb of the sorted set key,
// and whether it is there.
func zmember(zb *bbolt.Bucket, key, member string) (float64, bool, error) {
	v, ok, err := getEntry(zb, key, member)
	if err != nil || !ok {
		return 0, false, err
	}
	if len(v) != 8 {
		return 0, false, fmt.Errorf("%w: score of %d bytes in sorted set %q", ErrCorrupt, len(v), key)
	}
	return math.Float64frombits(binary.BigEndian.Uint64([]byte(v))), true, nil
}

// zscore reads one member's score.
func (t *txn) zscore(key, member string) (float64, error) {
	_, ok, err := t.typed("zscore", key, store.TypeZSet)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, opError("zscore", key, store.ErrNotFound)
	}
	v, ok, err := zmember(t.collB(key), key, member)
	switch {
	case err != nil:
		return 0, opError("zscore", key, err)
	case !ok:
		return 0, fmt.Errorf("bolt: zscore %q %q: %w", key, member, store.ErrNotFound)
	}
	return v, nil
}

// zrangeByScore reads up to limit order records from the first score at
// least lo. Long members whose keys share a run (see orderKey) are read
// whole, past limit if need be, and sorted by member before the cut.
func (t *txn) zrangeByScore(key string, lo, hi float64, limit int) ([]store.ZMember, error) {
	m, ok, err := t.typed("zrangebyscore", key, store.TypeZSet)
	if err != nil || !ok {
		return []store.ZMember{}, err
	}
	var ents []zentry
	c := t.collB(key).Cursor()
	for k, v := c.Seek(orderKey(lo, "")); k != nil && k[0] == scorePrefix; k, v = c.Next() {
		z, err := decodeOrder(key, k, v)
		if err != nil {
			return nil, opError("zrangebyscore", key, err)
		}
		if z.m.Score > hi {
			break
		}
		if len(ents) >= limit && (z.run == nil || !bytes.Equal(z.run, ents[len(ents)-1].run)) {
			break
		}
		ents = append(ents, z)
	}
	if math.IsInf(lo, -1) && math.IsInf(hi, 1) && len(ents) < limit && int64(len(ents)) != m.n {
		return nil, opError("zrangebyscore", key, fmt.Errorf("%w: %d members where the meta record counts %d", ErrCorrupt, len(ents), m.n))
	}
	out := make([]store.ZMember, 0, min(len(ents), limit))
	for i := 0; i < len(ents); {
		j := i + 1
		for j < len(ents) && ents[i].run != nil && bytes.Equal(ents[j].run, ents[i].run) {
			j++
		}
		slices.SortFunc(ents[i:j], func(a, b zentry) int { return strings.Compare(a.m.Member, b.m.Member) })
		for _, z := range ents[i:j] {
			if len(out) < limit {
				out = append(out, z.m)
			}
		}
		i = j
	}
	return out, nil
}

// zadd adds or updates members (with nx only adds, with xx only updates),
// keeping the TTL, and counts the new ones. With xx a missing key stays
// missing.
func (t *txn) zadd(key string, members []store.ZMember, nx, xx bool) (int64, error) {
	if err := t.reap(key); err != nil {
		return 0, err
	}
	m, ok, err := t.typed("zadd", key, store.TypeZSet)
	if err != nil || (!ok && xx) {
		return 0, err
	}
	zb, err := t.coll(key)
	if err != nil {
		return 0, err
	}
	var added int64
	for _, zm := range members {
		old, exists, err := zmember(zb, key, zm.Member)
		if err != nil {
			return 0, opError("zadd", key, err)
		}
		switch {
		case exists && nx, !exists && xx:
			continue
		case exists && old == zm.Score:
			continue
		case exists:
			if err := zb.Delete(orderKey(old, zm.Member)); err != nil {
				return 0, opError("zadd", key, err)
			}
		default:
			added++
		}
		if err := t.zput(zb, key, zm); err != nil {
			return 0, err
		}
	}
	m.typ, m.n = store.TypeZSet, m.n+added
	return added, t.putMeta(key, &m, m.exp)
}

// zput writes the member and order records of zm.
func (t *txn) zput(zb *bbolt.Bucket, key string, zm store.ZMember) error {
	k := entryKey(zm.Member)
	score := binary.BigEndian.AppendUint64(nil, math.Float64bits(zm.Score+0)) // -0 is stored as 0, as Redis does
	if err := zb.Put(k, entryValue(key, k, zm.Member, string(score))); err != nil {
		return opError("zadd", key, err)
	}
	ok := orderKey(zm.Score, zm.Member)
	if err := zb.Put(ok, orderValue(key, ok, zm.Member)); err != nil {
		return opError("zadd", key, err)
	}
	return nil
}

// zrem removes members; an emptied sorted set is deleted.
func (t *txn) zrem(key string, members []string) (int64, error) {
	if err := t.reap(key); err != nil {
		return 0, err
	}
	m, ok, err := t.typed("zrem", key, store.TypeZSet)
	if err != nil || !ok {
		return 0, err
	}
	zb := t.collB(key)
	var n int64
	for _, mem := range members {
		old, exists, err := zmember(zb, key, mem)
		if err != nil {
			return 0, opError("zrem", key, err)
		}
		if !exists {
			continue
		}
		if err := zb.Delete(entryKey(mem)); err != nil {
			return 0, opError("zrem", key, err)
		}
		if err := zb.Delete(orderKey(old, mem)); err != nil {
			return 0, opError("zrem", key, err)
		}
		n++
	}
	if n == 0 {
		return 0, nil
	}
	m.n -= n
	return n, t.writeColl(key, &m, m.exp)
}
