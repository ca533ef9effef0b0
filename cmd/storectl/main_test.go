package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/internal/reposfill"
	"github.com/mimeiapify/store/repos"
	"github.com/mimeiapify/store/transfer"
)

// shared maps "memory://NAME" URLs to memory backends that outlive one
// run, so that in-process runs see each other's writes.
var shared sync.Map // URL -> store.Backend

func init() {
	goredis.SetLogger(&logging.VoidLogger{})
	real := openBackend
	openBackend = func(ctx context.Context, rawURL string) (store.Backend, error) {
		if b, ok := shared.Load(rawURL); ok {
			return noClose{b.(store.Backend)}, nil
		}
		return real(ctx, rawURL)
	}
}

// noClose keeps a shared backend open when a run closes it.
type noClose struct{ store.Backend }

func (noClose) Close() error { return nil }

// sharedMemory returns a fresh memory backend and the URL runs open it by.
func sharedMemory(t *testing.T) (store.Backend, string) {
	b := memory.New(nil)
	u := "memory://" + strings.ReplaceAll(t.Name(), "/", "-") + fmt.Sprint(time.Now().UnixNano())
	shared.Store(u, store.Backend(b))
	t.Cleanup(func() { shared.Delete(u); _ = b.Close() })
	return b, u
}

// result is one in-process run.
type result struct {
	code           int
	stdout, stderr string
}

func runIn(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	r := runIn(t, stdin, args...)
	require.Equal(t, 0, r.code, "storectl %v\nstdout: %s\nstderr: %s", args, r.stdout, r.stderr)
	return r.stdout
}

// filled returns a shared memory backend filled by reposfill.
func filled(t *testing.T, users int) (store.Backend, string) {
	b, u := sharedMemory(t)
	_, err := reposfill.Fill(context.Background(), b, reposfill.Options{Users: users})
	require.NoError(t, err)
	return b, u
}

func TestHelpListsEveryCommand(t *testing.T) {
	out := mustRun(t, "", "help")
	for _, c := range commands {
		require.Contains(t, out, c.name)
	}
	require.Contains(t, out, "mimeiapify-store-dump")
	require.Equal(t, out, mustRun(t, ""))
}

func TestCommandLineErrors(t *testing.T) {
	t.Setenv("STORE_URL", "")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{[]string{"tenants"}, exitUsage, "no backend: give --url"},
		{[]string{"tenants", "--url", "nosuch://x"}, exitError, `unknown scheme "nosuch"`},
		{[]string{"tenants", "--url", "redis://127.0.0.1:1/0"}, exitError, "cannot open --url"},
		{[]string{"tenants", "--url", "memory://", "--prefix", "a*"}, exitUsage, "--prefix"},
		{[]string{"tenant", "show", "--url", "memory://"}, exitUsage, "want 1 argument(s) T"},
		{[]string{"tenant", "delete", "acme", "--url", "memory://"}, exitUsage, "--yes"},
		{[]string{"triggers", "dead", "purge", "--url", "memory://"}, exitUsage, "--yes"},
		{[]string{"copy", "--from", "memory://"}, exitUsage, "--from URL and --to URL"},
		{[]string{"export", "--url", "memory://", "--tenant", strings.Repeat("x", 600)}, exitUsage, "--tenant"},
		{[]string{"tenants", "--bogus"}, exitUsage, "flag provided but not defined: -bogus"},
	} {
		r := runIn(t, "", c.args...)
		require.Equal(t, c.code, r.code, "%v: %s", c.args, r.stderr)
		require.Contains(t, r.stderr, c.want, c.args)
	}
	// STORE_URL is the default of --url, and a global flag may come first.
	t.Setenv("STORE_URL", "memory://")
	require.Equal(t, "[]\n", mustRun(t, "", "tenants", "--json"))
	require.Equal(t, "[]\n", mustRun(t, "", "--json", "--url", "memory://", "tenants"))
}

func TestTenantsAndShowSpeakInTenantsAndUsers(t *testing.T) {
	_, u := filled(t, 24) // 4 users for each of the 6 tenants
	var list []tenantStats
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "", "tenants", "--url", u, "--json")), &list))
	require.Len(t, list, len(reposfill.Tenants))
	for _, s := range list {
		require.Equal(t, int64(4), s.Users, s.Tenant)
		require.Equal(t, int64(8), s.States, s.Tenant) // a handler state and a shared state each
		require.Equal(t, int64(4), s.Rows, s.Tenant)
		require.Equal(t, int64(8), s.Queued, s.Tenant)
		require.Equal(t, int64(4), s.PendingTriggers, s.Tenant)
	}
	text := mustRun(t, "", "tenants", "--url", u)
	require.Contains(t, text, "TENANT")
	require.Contains(t, text, "a:b")
	require.Contains(t, text, "6 tenant(s)")

	var sum tenantSummary
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "", "tenant", "show", "acme*", "--url", u, "--json")), &sum))
	require.Equal(t, "acme*", sum.Tenant)
	// JSON holds text only: bytes that are not UTF-8 become U+FFFD there
	// (the text output quotes them).
	require.Equal(t, []string{"u1", "u13", "u19", "u7:\uFFFD{y}*"}, sum.UserIDs)
	require.Len(t, sum.Triggers, 4)
	text = mustRun(t, "", "tenant", "show", "--url", u, "--", "acme*")
	require.Contains(t, text, "tenant acme*: ")
	require.Contains(t, text, `"u7:\xff{y}*"`)

	text = mustRun(t, "", "user", "show", "acme*", "u7:\xff{y}*", "--url", u)
	require.Contains(t, text, "record (ttl 1h0m0s)")
	require.Contains(t, text, `blob = "\x00\xff7"`)
	require.Contains(t, text, "handler-state chat (ttl 1h0m0s)")
	require.Contains(t, text, "shared-state cart (ttl 30m0s)")
	var uv userView
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "", "user", "show", "acme", "u0:\xff{y}*", "--url", u, "--json")), &uv))
	require.True(t, uv.Found)
	require.Len(t, uv.Keys, 4) // record, handler state, shared state, shared index
	require.Contains(t, mustRun(t, "", "user", "show", "acme", "nobody", "--url", u), "no user record")
}

func TestQueuesAndTriggers(t *testing.T) {
	b, u := filled(t, 12)
	var qs []serviceQueues
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "", "queues", "--url", u, "--json")), &qs))
	require.Len(t, qs, 1)
	require.Equal(t, serviceQueues{Service: "mailer", Queues: 12, Depth: 24, PendingTenants: 6}, qs[0])

	bt, err := repos.NewBatch(b, "acme", nil)
	require.NoError(t, err)
	_, err = bt.Claim(context.Background(), repos.Queue{Service: "mailer", Batch: "b0", Action: "send"}, 1, time.Minute)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "", "queues", "--url", u, "--json")), &qs))
	require.Equal(t, int64(1), qs[0].Claims)
	require.Equal(t, int64(1), qs[0].InFlight)
	require.Equal(t, int64(23), qs[0].Depth)
	require.Contains(t, mustRun(t, "", "queues", "--url", u), "mailer")

	var tc triggerCounts
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "", "triggers", "--url", u, "--json")), &tc))
	require.Equal(t, int64(12), tc.Pending)
	require.Equal(t, int64(12), tc.NextHour+tc.Later)
	require.NotEmpty(t, tc.PerMinute)
	require.Contains(t, mustRun(t, "", "triggers", "--url", u), "pending 12:")
}

// makeDead makes one dead trigger of tenant "a:b".
func makeDead(t *testing.T, b store.Backend) {
	ctx := context.Background()
	tr, err := repos.NewTriggers(b, "a:b", nil)
	require.NoError(t, err)
	require.NoError(t, tr.Set(ctx, "ping", "i{1}", "payload", repos.WithTTL(time.Millisecond)))
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for lctx.Err() == nil {
			if d, _ := tr.DeadTriggers(ctx); len(d) == 1 {
				cancel()
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	require.NoError(t, tr.Listen(lctx, func(context.Context, repos.Fired) error { return fmt.Errorf("boom") },
		&repos.ListenOptions{MaxAttempts: 1, Interval: 10 * time.Millisecond}))
}

func TestDeadTriggersListRetryPurge(t *testing.T) {
	b, u := sharedMemory(t)
	makeDead(t, b)
	var dead []deadView
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "", "triggers", "dead", "list", "--url", u, "--json")), &dead))
	require.Len(t, dead, 1)
	require.Equal(t, "i{1}", dead[0].Ident)
	require.Equal(t, "payload", dead[0].Payload)
	require.Contains(t, dead[0].Error, "boom")
	require.Contains(t, mustRun(t, "", "triggers", "dead", "list", "--url", u), "1 dead trigger(s)")
	require.Contains(t, mustRun(t, "", "triggers", "dead", "list", "--url", u, "--tenant", "other"), "0 dead trigger(s)")

	require.Contains(t, mustRun(t, "", "triggers", "dead", "retry", "--url", u, "--tenant", "a:b"), "retried 1")
	require.Contains(t, mustRun(t, "", "triggers", "dead", "list", "--url", u), "0 dead trigger(s)")
	tr, err := repos.NewTriggers(b, "a:b", nil)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got repos.Fired
	require.NoError(t, tr.Listen(ctx, func(_ context.Context, f repos.Fired) error { got = f; cancel(); return nil }, nil))
	require.Equal(t, "payload", got.Payload, "the retried trigger fires again")

	makeDead(t, b)
	require.Contains(t, mustRun(t, "", "triggers", "dead", "purge", "--url", u, "--yes"), "purged 1")
	ok, err := tr.Exists(context.Background(), "ping", "i{1}")
	require.NoError(t, err)
	require.False(t, ok)
	require.Contains(t, mustRun(t, "", "triggers", "dead", "list", "--url", u), "0 dead trigger(s)")
}

func TestExportImportRoundTrip(t *testing.T) {
	src, u := filled(t, 60)
	dump := mustRun(t, "", "export", "--url", u)
	require.True(t, strings.HasPrefix(dump, `{"format":"mimeiapify-store-dump","version":1,`))
	dst, u2 := sharedMemory(t)
	r := runIn(t, dump, "import", "--url", u2)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "written")
	require.Contains(t, r.stderr, "import: ")
	rep, err := transfer.Verify(context.Background(), src, dst, src.Scan(context.Background(), "*"))
	require.NoError(t, err)
	require.True(t, rep.OK(), "%+v", rep)
	require.Equal(t, countAll(t, src), countAll(t, dst))

	// Importing again writes nothing new: every key is already there.
	require.Contains(t, mustRun(t, dump, "import", "--url", u2), " 0 written")
	// A key with another value is refused unless --replace.
	require.NoError(t, dst.Set(context.Background(), "t:acme:kv:g0", "changed", 0))
	r = runIn(t, dump, "import", "--url", u2)
	require.Equal(t, exitError, r.code)
	require.Contains(t, r.stderr, "exists in the target with another value")
	require.Contains(t, r.stderr, "--replace")
	mustRun(t, dump, "import", "--url", u2, "--replace")
	v, err := dst.Get(context.Background(), "t:acme:kv:g0")
	require.NoError(t, err)
	require.Equal(t, "\xff\x00bin", v)
}

func countAll(t *testing.T, b store.Backend) int {
	n, err := countKeys(b.Scan(context.Background(), "*"))
	require.NoError(t, err)
	return int(n)
}

func TestImportStopsAtABadLineUnlessSkipBad(t *testing.T) {
	dump := `{"format":"mimeiapify-store-dump","version":1}
{"key":"a","type":"string","value":"1","ttl_ms":-1}
{"key":"b","type":"string","value":"2","ttl_ms":60000}
{"key":"c","type":"list","value":"oops","ttl_ms":-1}
{"key":"d","type":"set","value":["x"],"ttl_ms":-1}
`
	b, u := sharedMemory(t)
	r := runIn(t, dump, "import", "--url", u)
	require.Equal(t, exitError, r.code)
	require.Contains(t, r.stderr, "dump line 4")
	require.Contains(t, r.stderr, "nothing from that line on")
	require.Equal(t, 2, countAll(t, b))

	r = runIn(t, dump, "import", "--url", u, "--skip-bad")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "skipped dump line 4")
	require.Equal(t, 3, countAll(t, b))

	r = runIn(t, `{"format":"other","version":1}`+"\n", "import", "--url", u)
	require.Equal(t, exitError, r.code)
	require.Contains(t, r.stderr, "dump line 1: header: format")
}

// hostile tenant ids of the tenant export and delete tests.
var hostile = []string{"acme", "acme*", "*", "%41cme", "a:b", "{x}"}

func TestExportTenantHoldsOnlyThatTenant(t *testing.T) {
	b, u := filled(t, 36)
	for _, tenant := range hostile {
		dump := mustRun(t, "", "export", "--url", u, "--tenant", tenant)
		dec, err := transfer.NewDecoder(strings.NewReader(dump))
		require.NoError(t, err)
		require.Equal(t, tenant, dec.Header().Tenant)
		n := 0
		for rec, err := range dec.Records() {
			require.NoError(t, err)
			info, ok := repos.ParseKey("", rec.Key)
			require.True(t, ok, rec.Key)
			require.Equal(t, tenant, info.Tenant, "export of %q holds %q", tenant, rec.Key)
			n++
		}
		want, err := countKeys(tenantKeys(context.Background(), b, "", tenant))
		require.NoError(t, err)
		require.Equal(t, int(want), n)
		require.Greater(t, n, 6*9, tenant) // 6 users of about 10 keys
	}
}

func TestTenantDeleteDeletesOnlyThatTenant(t *testing.T) {
	b, u := filled(t, 36)
	before := countAll(t, b)
	keysBefore := map[string]bool{}
	for key := range b.Scan(context.Background(), "*") {
		keysBefore[key] = true
	}
	var dry struct {
		Would int      `json:"would_delete"`
		Keys  []string `json:"keys"`
	}
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "", "tenant", "delete", "*", "--dry-run", "--url", u, "--json")), &dry))
	require.Equal(t, len(dry.Keys), dry.Would)
	require.Equal(t, before, countAll(t, b), "a dry run deletes nothing")
	require.Contains(t, mustRun(t, "", "tenant", "delete", "*", "--dry-run", "--url", u), "dry run: would delete")

	r := runIn(t, "", "tenant", "delete", "*", "--url", u, "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, fmt.Sprintf("deleted %d keys of tenant *", dry.Would))
	for key := range b.Scan(context.Background(), "*") {
		delete(keysBefore, key)
		if info, ok := repos.ParseKey("", key); ok {
			require.NotEqual(t, "*", info.Tenant, key)
		}
	}
	// The tenant's keys are gone, and so is a pending shard that held only
	// the tenant, and a trigger shard's schedule that held only its
	// triggers.
	gone, pendingGone := 0, 0
	for key := range keysBefore {
		switch info, _ := repos.ParseKey("", key); info.Shape {
		case repos.ShapePending:
			pendingGone++
		case repos.ShapeSchedule:
		default:
			gone++
		}
	}
	require.Equal(t, dry.Would, gone)
	require.LessOrEqual(t, pendingGone, 1)
	require.Less(t, countAll(t, b), before)
	pending, err := repos.PendingTenants(context.Background(), b, "mailer", nil)
	require.NoError(t, err)
	require.NotContains(t, pending, "*")
	require.Len(t, pending, len(hostile)-1)
	var list []tenantStats
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "", "tenants", "--url", u, "--json")), &list))
	require.Len(t, list, len(hostile)-1)
}

func TestCopyCommandCopiesResumesAndVerifies(t *testing.T) {
	src, u := filled(t, 30)
	dst, u2 := sharedMemory(t)
	out := mustRun(t, "", "copy", "--from", u, "--to", u2)
	require.Contains(t, out, "verify: ")
	require.Contains(t, out, "keys identical")
	require.Equal(t, countAll(t, src), countAll(t, dst))
	out = mustRun(t, "", "copy", "--from", u, "--to", u2)
	require.Contains(t, out, " 0 written", "a second run writes nothing")

	// A tenant copy holds that tenant's keys, and the schedule entries of
	// its triggers only.
	dst3, u3 := sharedMemory(t)
	mustRun(t, "", "copy", "--from", u, "--to", u3, "--tenant", "a:b")
	for key := range dst3.Scan(context.Background(), "*") {
		info, _ := repos.ParseKey("", key)
		if info.Shape == repos.ShapeSchedule {
			entries, err := dst3.ZRangeByScore(context.Background(), key, math.Inf(-1), math.Inf(1), 1<<20)
			require.NoError(t, err)
			for _, e := range entries {
				require.True(t, strings.HasPrefix(e.Member, "a%3Ab:"), e.Member)
			}
		}
		if info.Tenant == "" {
			require.Contains(t, []repos.Shape{repos.ShapeSchedule, repos.ShapeWake}, info.Shape, key)
			continue
		}
		require.Equal(t, "a:b", info.Tenant, key)
	}
	// A target that differs fails the verification (exit 1).
	require.NoError(t, dst.Set(context.Background(), "t:acme:kv:g0", "changed", 0))
	r := runIn(t, "", "copy", "--from", u, "--to", u2, "--json")
	require.Equal(t, exitError, r.code)
	require.Contains(t, r.stderr, "exists in the target with another value")
	r = runIn(t, "", "copy", "--from", u, "--to", u2, "--replace", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var res struct {
		Written int64           `json:"written"`
		Verify  transfer.Report `json:"verify"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	require.Equal(t, int64(1), res.Written)
	require.True(t, res.Verify.OK())
}

// TestTenantCopyAndImportScheduleTheTenantsTriggers: a tenant's keys moved
// alone lack the application-wide schedule; copy --tenant and import put
// their triggers back in it, so that they fire on the target.
func TestTenantCopyAndImportScheduleTheTenantsTriggers(t *testing.T) {
	src, u := sharedMemory(t)
	soon, err := reposfill.Fill(context.Background(), src, reposfill.Options{Users: 6, Soon: 6, SoonDelay: 500 * time.Millisecond})
	require.NoError(t, err)
	dst, u2 := sharedMemory(t)
	mustRun(t, "", "copy", "--from", u, "--to", u2, "--tenant", "a:b")
	dst3, u3 := sharedMemory(t)
	out := mustRun(t, mustRun(t, "", "export", "--url", u, "--tenant", "{x}"), "import", "--url", u3)
	require.Contains(t, out, "triggers_scheduled: 2") // "soon" and "remind"
	for _, c := range []struct {
		b      store.Backend
		tenant string
	}{{dst, "a:b"}, {dst3, "{x}"}} {
		var want reposfill.Fired
		for _, f := range soon {
			if f.Tenant == c.tenant {
				want = f
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		var got repos.Fired
		require.NoError(t, repos.ListenTriggers(ctx, c.b, nil, func(_ context.Context, f repos.Fired) error {
			if f.Action == "soon" {
				got = f
				cancel()
			}
			return nil
		}, &repos.ListenOptions{Interval: 20 * time.Millisecond}))
		cancel()
		require.Equal(t, want, reposfill.Fired{Tenant: got.Tenant, Action: got.Action, Ident: got.Identifier})
	}
}
