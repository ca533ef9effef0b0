package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/testenv"
)

// sameData are the calls whose raw twin writes the very keys and values
// the repository call writes (with tenant rw for rp). Triggers.Set and
// Batch.Claim+Ack are left out: their twins are a raw scheduler (one
// sorted set) and a raw reliable queue (LMOVE to a processing list), not
// the repository's layout.
var sameData = []string{"GetUserAs", "User.Upsert", "StateHandler.Upsert", "SharedState.SetField",
	"Generic.Incr", "Generic.Incr/ttl", "Batch.Enqueue", "Table.SetRow"}

func TestTwinsWriteTheSameDataMemory(t *testing.T) { testSameData(t, "memory", &config{}) }
func TestTwinsWriteTheSameDataBolt(t *testing.T)   { testSameData(t, "bolt", &config{}) }

func TestTwinsWriteTheSameDataRedis(t *testing.T) {
	testSameData(t, "redis", &config{redisURL: testenv.Server(t, testenv.RedisURL)})
}

func TestTwinsWriteTheSameDataValkey(t *testing.T) {
	testSameData(t, "valkey", &config{valkeyURL: testenv.Server(t, testenv.ValkeyURL)})
}

// testSameData runs each call of sameData a few times on both sides, on
// a prefix of its own, and compares what each side left: the same keys
// (tenant aside), of the same type, with the same contents, each with a
// TTL: the twin's learned keys are the call's, and it writes the same
// contents there.
func testSameData(t *testing.T, backend string, cfg *config) {
	ctx := context.Background()
	cfg.ttl = time.Hour
	for _, c := range calls {
		if !slices.Contains(sameData, c.name) {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			prefix := newPrefix()
			e, closeEnv, err := openEnv(ctx, backend, cfg, prefix)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := closeEnv(); err != nil {
					t.Error(err)
				}
			}()
			repo, raw, err := c.prepare(ctx, e, 2)
			if err != nil {
				t.Fatal(err)
			}
			for g := range 2 {
				for i := range 3 {
					if err := repo(ctx, g, i); err != nil {
						t.Fatalf("repo: %v", err)
					}
					if err := raw(ctx, g, i); err != nil {
						t.Fatalf("raw: %v", err)
					}
				}
			}
			got := dump(t, e.b, prefix)
			if len(got[tenantRepo]) == 0 {
				t.Fatalf("the repository call wrote nothing under %s", prefix)
			}
			if !slices.Equal(got[tenantRepo], got[tenantRaw]) {
				t.Errorf("the twin's data differs from the call's:\nrepo: %q\nraw:  %q", got[tenantRepo], got[tenantRaw])
			}
			if !slices.Equal(got["in-set:"+tenantRepo], got["in-set:"+tenantRaw]) || len(got["shared"]) > 0 {
				t.Errorf("keys of neither tenant differ: sets naming rp %q, naming rw %q, others %q",
					got["in-set:"+tenantRepo], got["in-set:"+tenantRaw], got["shared"])
			}
		})
	}
}

// dump describes every key of prefix (without the prefix), its type,
// contents and whether it has a TTL, grouped by tenant ("rp", "rw", or
// "shared" for a key of neither), with the tenant in the key replaced by
// T and the lists sorted. A set of neither tenant that names tenants (the
// pending tenants of a service, maybe one per shard) counts instead, as
// "set" and its TTL, in group "in-set:" and each tenant it names.
func dump(t *testing.T, b store.Backend, prefix string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	for k, err := range b.Scan(ctx, prefix+"*") {
		if err != nil {
			t.Fatal(err)
		}
		group, name := "shared", strings.TrimPrefix(k, prefix)
		for _, tn := range []string{tenantRepo, tenantRaw} {
			if strings.HasPrefix(name, "t:"+tn+":") {
				group = tn
				name = strings.ReplaceAll(strings.ReplaceAll(name, "t:"+tn+":", "t:T:"), "{"+tn+":", "{T:")
			}
		}
		if group == "shared" && tenantSet(t, b, k, out) {
			continue
		}
		out[group] = append(out[group], name+" "+contents(t, b, k))
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

// tenantSet reports whether key is a set of tenants; if so it records it
// in out under "in-set:" and each tenant it names.
func tenantSet(t *testing.T, b store.Backend, key string, out map[string][]string) bool {
	t.Helper()
	ctx := context.Background()
	if typ, err := b.Type(ctx, key); err != nil || typ != store.TypeSet {
		return false
	}
	members, err := b.SMembers(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m != tenantRepo && m != tenantRaw {
			return false
		}
	}
	desc := "set"
	if ttl, err := b.TTL(ctx, key); err == nil && ttl > 0 {
		desc += " ttl"
	}
	for _, m := range members {
		out["in-set:"+m] = append(out["in-set:"+m], desc)
	}
	return true
}

// contents describes key's type, value and TTL.
func contents(t *testing.T, b store.Backend, key string) string {
	t.Helper()
	ctx := context.Background()
	typ, err := b.Type(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	switch typ {
	case store.TypeString:
		v, err = b.Get(ctx, key)
	case store.TypeHash:
		v, err = b.HGetAll(ctx, key)
	case store.TypeList:
		v, err = b.LRange(ctx, key, 0, -1)
	case store.TypeSet:
		var m []string
		m, err = b.SMembers(ctx, key)
		slices.Sort(m)
		v = m
	}
	if err != nil {
		t.Fatal(err)
	}
	ttl, err := b.TTL(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	s := fmt.Sprintf("%v %v", typ, v)
	if ttl > 0 {
		s += " ttl"
	}
	return s
}

// TestResetTriggers: the reset of the trigger calls deletes every
// trigger key of both sides, and nothing else.
func TestResetTriggers(t *testing.T) {
	ctx := context.Background()
	prefix := newPrefix()
	e, closeEnv, err := openEnv(ctx, "memory", &config{ttl: time.Hour}, prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer closeEnv()
	for _, name := range []string{"User.Upsert", "Triggers.Set", "Triggers.Set/replace"} {
		i := slices.IndexFunc(calls, func(c call) bool { return c.name == name })
		repo, raw, err := calls[i].prepare(ctx, e, 1)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if err := errors.Join(repo(ctx, 0, i), raw(ctx, 0, i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := dump(t, e.b, prefix)
	if n := len(before[tenantRepo]) + len(before[tenantRaw]) + len(before["shared"]); n < 10 {
		t.Fatalf("only %d keys before the reset: %q", n, before)
	}
	if err := resetTriggers(ctx, e); err != nil {
		t.Fatal(err)
	}
	left := dump(t, e.b, prefix)
	var all []string
	for _, v := range left {
		all = append(all, v...)
	}
	if len(all) != 4 || len(left["shared"]) != 0 {
		t.Errorf("after the reset: %q, want the 2 user records and 2 id sets only", all)
	}
}

func TestTwinErrorsRedis(t *testing.T) {
	testTwinErrors(t, "redis", &config{redisURL: testenv.Server(t, testenv.RedisURL)})
}

func TestTwinErrorsValkey(t *testing.T) {
	testTwinErrors(t, "valkey", &config{valkeyURL: testenv.Server(t, testenv.ValkeyURL)})
}

// testTwinErrors: a command that fails inside a twin's MULTI/EXEC (HSET
// on a string: WRONGTYPE) is the twin's error, not a silent success.
func testTwinErrors(t *testing.T, backend string, cfg *config) {
	ctx := context.Background()
	cfg.ttl = time.Hour
	prefix := newPrefix()
	e, closeEnv, err := openEnv(ctx, backend, cfg, prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := closeEnv(); err != nil {
			t.Error(err)
		}
	}()
	keys, err := userKeys(ctx, e, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.b.Set(ctx, keys[0].Hash, "not a hash", 0); err != nil {
		t.Fatal(err)
	}
	if err := e.twins.upsertUser(ctx, keys[0], userID(0), recordOf(0, 0)); err == nil || !strings.Contains(err.Error(), "WRONGTYPE") {
		t.Errorf("upsertUser over a string: %v, want WRONGTYPE", err)
	}
}

// TestResetQueues: the reset of Batch.Enqueue empties both sides' queues.
func TestResetQueues(t *testing.T) {
	ctx := context.Background()
	e, closeEnv, err := openEnv(ctx, "memory", &config{ttl: time.Hour}, newPrefix())
	if err != nil {
		t.Fatal(err)
	}
	defer closeEnv()
	repo, raw, err := prepEnqueue(ctx, e, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(repo(ctx, 0, 0), raw(ctx, 0, 0)); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, tenant := range []string{tenantRepo, tenantRaw} {
		k, err := enqueueKeys(ctx, e, tenant)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.List)
	}
	if n, _ := e.b.Exists(ctx, keys...); n != 2 {
		t.Fatalf("%d of the 2 queues exist after Enqueue", n)
	}
	if err := resetQueues(ctx, e); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.b.Exists(ctx, keys...); n != 0 {
		t.Errorf("%d queues left after the reset", n)
	}
}

// TestLearn: learn returns the key of each type the call wrote, and
// fails, naming the keys, when the call wrote another set of types.
func TestLearn(t *testing.T) {
	ctx := context.Background()
	k, err := learn(ctx, listAndSet, func(b store.Backend) error {
		return b.Apply(ctx, &store.RPushOp{Key: "q", Values: []string{"x"}}, &store.SAddOp{Key: "s", Members: []string{"m"}})
	})
	if err != nil || k != (twinKeys{List: "q", Set: "s"}) {
		t.Errorf("learn = %+v, %v; want the list q and the set s", k, err)
	}
	for name, do := range map[string]func(b store.Backend) error{
		"two sets": func(b store.Backend) error {
			_, err := b.SAdd(ctx, "a", "m")
			_, err2 := b.SAdd(ctx, "b", "m")
			return errors.Join(err, err2)
		},
		"a type not wanted": func(b store.Backend) error { return b.Set(ctx, "k", "v", 0) },
		"a type missing":    func(b store.Backend) error { _, err := b.SAdd(ctx, "s", "m"); return err },
	} {
		if k, err := learn(ctx, hashAndSet, do); err == nil {
			t.Errorf("%s: learn = %+v, want an error", name, k)
		}
	}
	boom := errors.New("boom")
	if _, err := learn(ctx, hashOnly, func(store.Backend) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("a failing call: %v, want boom", err)
	}
}
