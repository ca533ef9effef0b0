package transfer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mimeiapify/store"
)

// Record is one key with its value and remaining time to live, in a form
// that any backend can write back. Exactly one of the value fields is used,
// the one of Type.
type Record struct {
	// Key is the key, any byte string.
	Key string
	// Type is the value's type; never store.TypeNone in a record that
	// Read returns.
	Type store.Type
	// TTL is the time to live the key had left when it was read; 0 means
	// no expiry.
	TTL time.Duration
	// String is the value of a string key.
	String string
	// Hash is the value of a hash key (at least one field).
	Hash map[string]string
	// List is the value of a list key, left to right (at least one item).
	List []string
	// Set is the members of a set key, sorted (at least one member).
	Set []string
	// ZSet is the members of a sorted-set key with their scores, in the
	// sorted set's order: by score, then member (at least one member).
	ZSet []store.ZMember
}

// SameValue reports whether r and o hold the same key, type and value,
// whatever their TTLs. Set and sorted-set members compare in any order.
func (r Record) SameValue(o Record) bool {
	if r.Key != o.Key || r.Type != o.Type {
		return false
	}
	switch r.Type {
	case store.TypeString:
		return r.String == o.String
	case store.TypeHash:
		return maps.Equal(r.Hash, o.Hash)
	case store.TypeList:
		return slices.Equal(r.List, o.List)
	case store.TypeSet:
		return slices.Equal(sorted(r.Set), sorted(o.Set))
	case store.TypeZSet:
		return slices.Equal(sortedZ(r.ZSet), sortedZ(o.ZSet))
	}
	return true
}

// compareZ orders sorted-set members as the sorted set does.
func compareZ(a, b store.ZMember) int {
	if c := cmp.Compare(a.Score, b.Score); c != 0 {
		return c
	}
	return strings.Compare(a.Member, b.Member)
}

// sortedZ returns z in the sorted set's order, copying it only when it is
// not.
func sortedZ(z []store.ZMember) []store.ZMember {
	if slices.IsSortedFunc(z, compareZ) {
		return z
	}
	c := slices.Clone(z)
	slices.SortFunc(c, compareZ)
	return c
}

// formatScore is the text of a score in dumps and checksums: the shortest
// form that parses back to the same float64, without an exponent for
// whole numbers below 1e21 (a Unix time in milliseconds reads as one),
// "+inf" and "-inf" for the infinities (strconv.ParseFloat reads all of
// them).
func formatScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == math.Trunc(f) && math.Abs(f) < 1e21:
		return strconv.FormatFloat(f+0, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// sorted returns s sorted, copying it only when it is not.
func sorted(s []string) []string {
	if slices.IsSorted(s) {
		return s
	}
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// maxReadAttempts bounds how often ReadKey starts again on a key that
// changed type while it was read.
const maxReadAttempts = 5

// ReadKey reads key's type, value and remaining TTL from b. ok is false
// when the key does not exist (or vanished while it was read). A key that
// changes type while it is read is read again. Cost: 3 calls (Type, the
// value, TTL); the three reads are not one atomic step, so a key written
// concurrently may give a value and a TTL of two moments.
func ReadKey(ctx context.Context, b store.Backend, key string) (rec Record, ok bool, err error) {
	for range maxReadAttempts {
		rec, ok, err = readOnce(ctx, b, key)
		if !errors.Is(err, store.ErrWrongType) {
			break
		}
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("transfer: read %q: %w", key, err)
	}
	return rec, ok, nil
}

// readOnce is one attempt of ReadKey.
func readOnce(ctx context.Context, b store.Backend, key string) (Record, bool, error) {
	t, err := b.Type(ctx, key)
	if err != nil || t == store.TypeNone {
		return Record{}, false, err
	}
	rec := Record{Key: key, Type: t}
	var n int
	switch t {
	case store.TypeString:
		rec.String, err = b.Get(ctx, key)
		n = 1
		if errors.Is(err, store.ErrNotFound) {
			return Record{}, false, nil
		}
	case store.TypeHash:
		rec.Hash, err = b.HGetAll(ctx, key)
		n = len(rec.Hash)
	case store.TypeList:
		rec.List, err = b.LRange(ctx, key, 0, -1)
		n = len(rec.List)
	case store.TypeSet:
		rec.Set, err = b.SMembers(ctx, key)
		slices.Sort(rec.Set)
		n = len(rec.Set)
	case store.TypeZSet:
		rec.ZSet, err = b.ZRangeByScore(ctx, key, math.Inf(-1), math.Inf(1), math.MaxInt)
		n = len(rec.ZSet)
	default:
		return Record{}, false, fmt.Errorf("%w: unknown type %d", store.ErrUnsupported, t)
	}
	if err != nil || n == 0 {
		return Record{}, false, err
	}
	ttl, err := b.TTL(ctx, key)
	if errors.Is(err, store.ErrNotFound) || (err == nil && ttl == 0) {
		// Gone, or expiring this millisecond: copying it without a TTL
		// would make it live for ever.
		return Record{}, false, nil
	}
	if ttl > 0 {
		rec.TTL = ttl
	}
	return rec, err == nil, err
}

// Read reads every key that keys yields (as Backend.Scan does) with
// ReadKey and yields the records in the order of the listing. It reads
// DefaultBatchSize keys at a time, DefaultWorkers of them at once, so that
// a network backend has several round trips in flight. A key that vanished
// between its listing and its read is skipped. It yields an error and stops
// when keys yields one or a read fails; stopping the loop early is fine.
func Read(ctx context.Context, b store.Backend, keys iter.Seq2[string, error]) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		batch := make([]string, 0, DefaultBatchSize)
		recs := make([]Record, DefaultBatchSize)
		found := make([]bool, DefaultBatchSize)
		// flush reads the batch and yields its records; false: stop.
		flush := func() bool {
			idx := make([]int, len(batch))
			for i := range idx {
				idx[i] = i
			}
			err := runBatch(ctx, idx, DefaultWorkers, func(i int) error {
				var err error
				recs[i], found[i], err = ReadKey(ctx, b, batch[i])
				return err
			})
			if err != nil {
				yield(Record{}, err)
				return false
			}
			for i := range batch {
				if found[i] && !yield(recs[i], nil) {
					return false
				}
			}
			batch = batch[:0]
			return true
		}
		for key, err := range keys {
			if err != nil {
				if flush() {
					yield(Record{}, err)
				}
				return
			}
			if batch = append(batch, key); len(batch) == DefaultBatchSize && !flush() {
				return
			}
		}
		if len(batch) > 0 {
			flush()
		}
	}
}
