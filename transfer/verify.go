package transfer

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"iter"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/mimeiapify/store"
)

// TTLTolerance is how far apart Verify lets the remaining TTLs of a key on
// the two backends be: they were read a moment apart, and a copy writes
// the TTL it read.
const TTLTolerance = time.Second

// maxListed bounds Report.Mismatches.
const maxListed = 100

// TypeSum is what Verify counts of one type on one backend: the number of
// keys and a checksum of their keys and values (the sum of a 64-bit FNV-1a
// hash of each key's canonical form, so that it does not depend on the
// order keys are listed in).
type TypeSum struct {
	Count    int64  `json:"count"`
	Checksum uint64 `json:"checksum"`
}

// Report is what Verify found.
type Report struct {
	// A and B are the counts and checksums per type name ("string",
	// "hash", "list", "set") on each backend, of the keys listed.
	A map[string]TypeSum `json:"a"`
	B map[string]TypeSum `json:"b"`
	// Keys is how many keys were listed; Missing how many were on neither
	// backend when read (expired or deleted since they were listed).
	Keys    int64 `json:"keys"`
	Missing int64 `json:"missing"`
	// Mismatched is how many keys differ: missing on one side, another
	// type or value, or TTLs further apart than TTLTolerance (or one with
	// a TTL and one without). Mismatches lists the first 100 of them.
	Mismatched int64    `json:"mismatched"`
	Mismatches []string `json:"mismatches,omitempty"`
}

// OK reports whether every key listed was the same on both backends.
func (r Report) OK() bool { return r.Mismatched == 0 }

// Verify reads every key that keys yields from a and from b (with ReadKey,
// DefaultWorkers at a time) and compares them: types, values and TTLs
// within TTLTolerance. It also returns the count and checksum of each type
// on each side, for a comparison at a glance or with another run. Keys of
// b that keys does not yield are not looked at: list b's keys too to find
// extra ones. The backends should be quiet while Verify runs.
func Verify(ctx context.Context, a, b store.Backend, keys iter.Seq2[string, error]) (Report, error) {
	rep := Report{A: map[string]TypeSum{}, B: map[string]TypeSum{}}
	var mu sync.Mutex
	_, err := run(ctx, keys, &CopyOptions{}, func(ctx context.Context, key string, _ *counters) error {
		ra, oka, err := ReadKey(ctx, a, key)
		if err != nil {
			return err
		}
		rb, okb, err := ReadKey(ctx, b, key)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		rep.add(ra, oka, rb, okb)
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("transfer: verify: %w", err)
	}
	slices.Sort(rep.Mismatches)
	return rep, nil
}

// add counts one key read from both sides.
func (r *Report) add(ra Record, oka bool, rb Record, okb bool) {
	r.Keys++
	if !oka && !okb {
		r.Missing++
		return
	}
	if oka {
		sumInto(r.A, ra)
	}
	if okb {
		sumInto(r.B, rb)
	}
	if oka && okb && ra.SameValue(rb) && sameTTL(ra.TTL, rb.TTL) {
		return
	}
	r.Mismatched++
	if len(r.Mismatches) < maxListed {
		key := ra.Key
		if !oka {
			key = rb.Key
		}
		r.Mismatches = append(r.Mismatches, key)
	}
}

func sameTTL(a, b time.Duration) bool {
	if a == 0 || b == 0 {
		return a == b
	}
	d := a - b
	return -TTLTolerance <= d && d <= TTLTolerance
}

func sumInto(m map[string]TypeSum, rec Record) {
	s := m[rec.Type.String()]
	s.Count++
	s.Checksum += Checksum(rec)
	m[rec.Type.String()] = s
}

// Checksum returns a 64-bit FNV-1a hash of rec's key, type and value (not
// its TTL) in a canonical form: every string length-prefixed, hash fields
// and set members sorted, sorted-set members in order with their scores
// as text. Equal values give equal checksums on every
// backend.
func Checksum(rec Record) uint64 {
	h := fnv.New64a()
	put := func(s string) {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	put(rec.Key)
	put(rec.Type.String())
	switch rec.Type {
	case store.TypeString:
		put(rec.String)
	case store.TypeHash:
		for _, f := range slices.Sorted(maps.Keys(rec.Hash)) {
			put(f)
			put(rec.Hash[f])
		}
	case store.TypeList:
		for _, v := range rec.List {
			put(v)
		}
	case store.TypeSet:
		for _, m := range sorted(rec.Set) {
			put(m)
		}
	case store.TypeZSet:
		for _, m := range sortedZ(rec.ZSet) {
			put(m.Member)
			put(formatScore(m.Score))
		}
	}
	return h.Sum64()
}
