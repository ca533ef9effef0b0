package conformance

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// testCase is one behaviour: a subtest that runs on a fresh backend.
type testCase struct {
	name string
	fn   func(t *testing.T, e *env)
}

// env is what a test case works with: its backend and the harness that
// made it. Its helpers fail the test on any unexpected error.
type env struct {
	t   *testing.T
	b   store.Backend
	in  Instance
	h   Harness
	ctx context.Context
}

// bg is the context of calls that are not about contexts.
var bg = context.Background()

// hour is a TTL long enough never to pass during a test.
const hour = time.Hour

// Short TTLs for the cases that wait for a key to expire: short enough
// for the suite's time budget, long enough to outlast the calls that set
// them up on a slow server.
const (
	shortTTL = 250 * time.Millisecond
	pastTTL  = 400 * time.Millisecond // wait this long for shortTTL to pass
)

// specialKeys are key names that break naive backends: glob
// metacharacters, separators, hash-tag braces, spaces, non-ASCII text,
// NUL and invalid UTF-8, and the empty key.
var specialKeys = []struct{ name, key string }{
	{"Empty", ""},
	{"Star", "a*b"},
	{"Question", "a?b"},
	{"Brackets", "[ab]"},
	{"Backslash", `a\b`},
	{"AllMetachars", `*?[]\`},
	{"Colons", "a:b:c"},
	{"HashTag", "{tag}x"},
	{"ReversedBraces", "}x{"},
	{"Spaces", " a b "},
	{"NonASCII", "café-日本語"},
	{"NUL", "a\x00b"},
	{"InvalidUTF8", "\xff\xfe\xc3("},
}

// binaryValue holds NUL bytes, invalid UTF-8 and every byte value.
var binaryValue = func() string {
	var b strings.Builder
	b.WriteString("\x00nul\x00\xff\xfe\xc3(")
	for i := range 256 {
		b.WriteByte(byte(i))
	}
	return b.String()
}()

// largeValue is 1 MiB of varied bytes.
var largeValue = func() string {
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return string(b)
}()

// sub returns e for a subtest t of e's test, so that its helpers fail t.
func (e *env) sub(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// wait lets d pass for the backend.
func (e *env) wait(d time.Duration) { e.in.wait(d) }

// setMany sets each of keys to "v" from a few goroutines at once, which
// backends that batch concurrent writes (one fsync for many) do faster.
func (e *env) setMany(keys []string) {
	e.t.Helper()
	const workers = 8
	errs := parallel(workers, func(w int) error {
		for i := w; i < len(keys); i += workers {
			if err := e.b.Set(bg, keys[i], "v", 0); err != nil {
				return err
			}
		}
		return nil
	})
	requireNoErrors(e.t, errs)
}

func (e *env) set(key, value string, ttl time.Duration) {
	e.t.Helper()
	require.NoError(e.t, e.b.Set(e.ctx, key, value, ttl))
}

// hset sets the fields given as pairs: field, value, field, value...
func (e *env) hset(key string, pairs ...string) {
	e.t.Helper()
	_, err := e.b.HSet(e.ctx, key, pairsMap(pairs...))
	require.NoError(e.t, err)
}

func (e *env) rpush(key string, values ...string) {
	e.t.Helper()
	_, err := e.b.RPush(e.ctx, key, values...)
	require.NoError(e.t, err)
}

func (e *env) sadd(key string, members ...string) {
	e.t.Helper()
	_, err := e.b.SAdd(e.ctx, key, members...)
	require.NoError(e.t, err)
}

func (e *env) expire(key string, ttl time.Duration) {
	e.t.Helper()
	ok, err := e.b.Expire(e.ctx, key, ttl)
	require.NoError(e.t, err)
	require.True(e.t, ok, "Expire(%q) found no key", key)
}

func (e *env) get(key string) string {
	e.t.Helper()
	v, err := e.b.Get(e.ctx, key)
	require.NoError(e.t, err)
	return v
}

func (e *env) hget(key, field string) string {
	e.t.Helper()
	v, err := e.b.HGet(e.ctx, key, field)
	require.NoError(e.t, err)
	return v
}

func (e *env) hgetAll(key string) map[string]string {
	e.t.Helper()
	m, err := e.b.HGetAll(e.ctx, key)
	require.NoError(e.t, err)
	return m
}

// lrange returns the whole list.
func (e *env) lrange(key string) []string {
	e.t.Helper()
	l, err := e.b.LRange(e.ctx, key, 0, -1)
	require.NoError(e.t, err)
	return l
}

// smembers returns the members sorted.
func (e *env) smembers(key string) []string {
	e.t.Helper()
	m, err := e.b.SMembers(e.ctx, key)
	require.NoError(e.t, err)
	slices.Sort(m)
	return m
}

func (e *env) exists(keys ...string) int64 {
	e.t.Helper()
	n, err := e.b.Exists(e.ctx, keys...)
	require.NoError(e.t, err)
	return n
}

func (e *env) typeOf(key string) store.Type {
	e.t.Helper()
	ty, err := e.b.Type(e.ctx, key)
	require.NoError(e.t, err)
	return ty
}

// requireGone checks that key does not exist in every way a caller can
// ask: Exists, Type and TTL.
func (e *env) requireGone(key string) {
	e.t.Helper()
	require.Zero(e.t, e.exists(key), "Exists(%q)", key)
	require.Equal(e.t, store.TypeNone, e.typeOf(key), "Type(%q)", key)
	_, err := e.b.TTL(e.ctx, key)
	require.ErrorIs(e.t, err, store.ErrNotFound, "TTL(%q)", key)
}

// requireNoExpiry checks that key exists without a TTL.
func (e *env) requireNoExpiry(key string) {
	e.t.Helper()
	ttl, err := e.b.TTL(e.ctx, key)
	require.NoError(e.t, err, "TTL(%q)", key)
	require.Equal(e.t, store.NoExpiry, ttl, "TTL(%q)", key)
}

// requireTTL checks that key's TTL is within a second of set, never
// above it.
func (e *env) requireTTL(key string, set time.Duration) {
	e.t.Helper()
	ttl, err := e.b.TTL(e.ctx, key)
	require.NoError(e.t, err, "TTL(%q)", key)
	require.LessOrEqual(e.t, ttl, set, "TTL(%q) is above the TTL set", key)
	require.Greater(e.t, ttl, set-time.Second, "TTL(%q) is more than a second below the TTL set", key)
}

// snapshot is everything a caller can read of one key.
type snapshot struct {
	Type   store.Type
	Str    string
	Hash   map[string]string
	List   []string
	Set    []string
	ZSet   []store.ZMember
	HasTTL bool
}

// dump reads key in full.
func (e *env) dump(key string) snapshot {
	e.t.Helper()
	s := snapshot{Type: e.typeOf(key)}
	switch s.Type {
	case store.TypeNone:
		return s
	case store.TypeString:
		s.Str = e.get(key)
	case store.TypeHash:
		s.Hash = e.hgetAll(key)
	case store.TypeList:
		s.List = e.lrange(key)
	case store.TypeSet:
		s.Set = e.smembers(key)
	case store.TypeZSet:
		s.ZSet = e.zall(key)
	}
	ttl, err := e.b.TTL(e.ctx, key)
	require.NoError(e.t, err, "TTL(%q)", key)
	s.HasTTL = ttl != store.NoExpiry
	return s
}

// requireUnchanged checks that keys read as in before (from dumpAll).
func (e *env) requireUnchanged(before map[string]snapshot) {
	e.t.Helper()
	for k, s := range before {
		require.Equal(e.t, s, e.dump(k), "key %q changed", k)
	}
}

// dumpAll dumps each of keys.
func (e *env) dumpAll(keys ...string) map[string]snapshot {
	e.t.Helper()
	m := make(map[string]snapshot, len(keys))
	for _, k := range keys {
		m[k] = e.dump(k)
	}
	return m
}

// seeds are keys of each type, made by seedTypes.
type seeds map[store.Type]string

// seedTypes makes one key of each type under prefix p, each with a TTL
// of an hour, and returns them by type.
func (e *env) seedTypes(p string) seeds {
	e.t.Helper()
	s := seeds{
		store.TypeString: p + "string", store.TypeHash: p + "hash",
		store.TypeList: p + "list", store.TypeSet: p + "set", store.TypeZSet: p + "zset",
	}
	e.set(s[store.TypeString], "12", hour)
	e.hset(s[store.TypeHash], "f", "7", "g", "x")
	e.rpush(s[store.TypeList], "a", "b")
	e.sadd(s[store.TypeSet], "m1", "m2")
	e.zadd(s[store.TypeZSet], store.ZMember{Member: "z1", Score: 1}, store.ZMember{Member: "z2", Score: 2})
	for _, k := range []string{s[store.TypeHash], s[store.TypeList], s[store.TypeSet], s[store.TypeZSet]} {
		e.expire(k, hour)
	}
	return s
}

// others returns the seeded keys of every type but t.
func (s seeds) others(t store.Type) []string {
	var out []string
	for _, ty := range []store.Type{store.TypeString, store.TypeHash, store.TypeList, store.TypeSet, store.TypeZSet} {
		if ty != t {
			out = append(out, s[ty])
		}
	}
	return out
}

// typedOp is one call of a typed operation on key, for tables.
type typedOp struct {
	name string
	call func(e *env, key string) error
}

// requireWrongType runs each op on each seeded key of another type than
// t and checks it fails with ErrWrongType and changes nothing.
func requireWrongType(t *testing.T, e *env, ty store.Type, ops []typedOp) {
	s := e.seedTypes("wrongtype:")
	keys := s.others(ty)
	before := e.dumpAll(keys...)
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			e := e.sub(t)
			for _, k := range keys {
				err := op.call(e, k)
				require.ErrorIs(t, err, store.ErrWrongType, "%s on the %s at %q", op.name, before[k].Type, k)
			}
			e.requireUnchanged(before)
		})
	}
}

// pairsMap turns field, value, field, value... into a map.
func pairsMap(pairs ...string) map[string]string {
	m := make(map[string]string, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}

// scan returns the keys Scan yields for pattern, sorted, and checks
// that none is yielded twice.
func (e *env) scan(pattern string) []string {
	e.t.Helper()
	var keys []string
	seen := map[string]bool{}
	for k, err := range e.b.Scan(e.ctx, pattern) {
		require.NoError(e.t, err, "Scan(%q)", pattern)
		require.False(e.t, seen[k], "Scan(%q) yielded %q twice", pattern, k)
		seen[k] = true
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sorted returns a sorted copy of s.
func sorted(s ...string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// parallel runs fn(i) for i in [0, n) on n goroutines at once and
// returns the errors they returned, all of them.
func parallel(n int, fn func(i int) error) []error {
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// requireNoErrors fails on the first non-nil error of errs.
func requireNoErrors(t *testing.T, errs []error) {
	t.Helper()
	for i, err := range errs {
		require.NoError(t, err, "goroutine %d", i)
	}
}

// cancelled returns a context that is already cancelled.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// expired returns a context whose deadline has passed. Its error stays
// context.DeadlineExceeded: the deadline cancelled it first.
func expired() context.Context {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	cancel()
	return ctx
}
