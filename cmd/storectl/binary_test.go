package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/bolt"
	"github.com/mimeiapify/store/internal/reposfill"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/prefix"
	"github.com/mimeiapify/store/repos"
	"github.com/mimeiapify/store/transfer"
)

var (
	buildOnce sync.Once
	binPath   string
	binDir    string
	buildErr  error
)

// TestMain removes the built binary after the tests, and fails if a
// goroutine outlives them.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines outlived the tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// binary builds storectl once per test run and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "storectl-bin")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "storectl")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	require.NoError(t, buildErr, binPath)
	return binPath
}

// runBin runs the built storectl as a user would, with stdin and no
// STORE_URL.
func runBin(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "STORE_URL=")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{code, out.String(), errOut.String()}
}

func mustBin(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	r := runBin(t, stdin, args...)
	require.Equal(t, 0, r.code, "storectl %v\nstdout: %s\nstderr: %s", args, r.stdout, r.stderr)
	return r
}

// boltFile makes a bolt file filled by reposfill (closed, so that the
// binary can open it) and returns its URL.
func boltFile(t *testing.T, users int, pfx string) string {
	path := filepath.Join(t.TempDir(), "src.db")
	b, err := bolt.Open(path, nil)
	require.NoError(t, err)
	_, err = reposfill.Fill(context.Background(), b, reposfill.Options{Users: users, Prefix: pfx})
	require.NoError(t, err)
	require.NoError(t, b.Close())
	return "bolt://" + path
}

// openClosed opens a backend by URL for the test and closes it at the end.
func openClosed(t *testing.T, u string) store.Backend {
	b, err := store.Open(context.Background(), u)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestBinaryOnBoltAndMemory(t *testing.T) {
	src := boltFile(t, 36, "")
	dir := t.TempDir()
	imported, copied := "bolt://"+filepath.Join(dir, "imported.db"), "bolt://"+filepath.Join(dir, "copied.db")

	require.Contains(t, mustBin(t, "", "help").stdout, "storectl inspects")
	require.Contains(t, mustBin(t, "", "tenants", "--url", "memory://").stdout, "0 tenant(s)")
	r := runBin(t, "", "tenants", "--url", "redis://127.0.0.1:1/0")
	require.Equal(t, exitError, r.code)
	require.Equal(t, 1, strings.Count(r.stderr, "\n"), "one clear line: %s", r.stderr)
	require.Contains(t, r.stderr, "storectl: cannot open --url")
	require.Contains(t, r.stderr, "connection refused")

	var list []tenantStats
	require.NoError(t, json.Unmarshal([]byte(mustBin(t, "", "tenants", "--url", src, "--json").stdout), &list))
	require.Len(t, list, len(reposfill.Tenants))
	require.Contains(t, mustBin(t, "", "user", "show", "a:b", "u4", "--url", src).stdout, "handler-state chat")
	require.Contains(t, mustBin(t, "", "queues", "--url", src).stdout, "mailer")
	require.Contains(t, mustBin(t, "", "triggers", "--url", src).stdout, "pending 36:")

	exp := mustBin(t, "", "export", "--url", src)
	require.Contains(t, exp.stderr, "export: ", "plain progress lines when stderr is not a terminal")
	require.Contains(t, exp.stderr, " done")
	mustBin(t, exp.stdout, "import", "--url", imported)
	cp := mustBin(t, "", "copy", "--from", src, "--to", copied)
	require.Contains(t, cp.stdout, "keys identical")

	r = mustBin(t, "", "tenant", "delete", "acme*", "--url", src, "--yes")
	require.Contains(t, r.stdout, "deleted ")
	require.Contains(t, mustBin(t, "", "tenant", "show", "acme*", "--url", src).stdout, "0 keys")

	a, b, c := openClosed(t, src), openClosed(t, imported), openClosed(t, copied)
	ctx := context.Background()
	rep, err := transfer.Verify(ctx, b, c, b.Scan(ctx, "*"))
	require.NoError(t, err)
	require.True(t, rep.OK(), "%+v", rep)
	require.Equal(t, countAll(t, b), countAll(t, c))
	require.Less(t, countAll(t, a), countAll(t, b), "the delete removed keys of the source only")
}

// clusterURL turns a cluster variable's seed list into a redis+cluster URL.
func clusterURL(seeds string) string {
	s := strings.Split(seeds, ",")
	u := "redis+cluster://" + s[0]
	for i, a := range s[1:] {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		u += sep + "addr=" + a
	}
	return u
}

// TestBinaryOnRealServers copies a bolt file to the standalone Redis and
// that to the cluster, under a fresh prefix purged at the end.
func TestBinaryOnRealServers(t *testing.T) {
	redisURL := testenv.Server(t, testenv.RedisURL)
	cluster := clusterURL(testenv.Server(t, testenv.RedisCluster))
	var tag [6]byte
	_, _ = rand.Read(tag[:])
	pfx := "storectl-test-" + hex.EncodeToString(tag[:]) + ":"
	for _, u := range []string{redisURL, cluster} {
		p, err := prefix.New(openClosed(t, u), pfx)
		require.NoError(t, err)
		t.Cleanup(func() { _, _ = p.Purge(context.Background()) })
	}
	users := 60
	if v := os.Getenv("STORE_TEST_STORECTL_USERS"); v != "" { // 1000 for the figures of the by-hand run
		_, err := fmt.Sscan(v, &users)
		require.NoError(t, err)
	}
	src := boltFile(t, users, pfx)

	r := mustBin(t, "", "copy", "--from", src, "--to", redisURL, "--prefix", pfx)
	require.Contains(t, r.stdout, "keys identical")
	t.Log("bolt to redis: ", firstLine(r.stdout))
	r = mustBin(t, "", "copy", "--from", redisURL, "--to", cluster, "--prefix", pfx)
	require.Contains(t, r.stdout, "keys identical")
	t.Log("redis to cluster: ", firstLine(r.stdout))

	var list []tenantStats
	require.NoError(t, json.Unmarshal([]byte(mustBin(t, "", "tenants", "--url", cluster, "--prefix", pfx, "--json").stdout), &list))
	require.Len(t, list, len(reposfill.Tenants))
	perTenant := func(k int) int { return (users - k + len(reposfill.Tenants) - 1) / len(reposfill.Tenants) }
	for _, s := range list {
		require.Equal(t, int64(perTenant(slices.Index(reposfill.Tenants, s.Tenant))), s.Users, s.Tenant)
	}
	dump := mustBin(t, "", "export", "--url", cluster, "--prefix", pfx, "--tenant", "{x}").stdout
	dec, err := transfer.NewDecoder(strings.NewReader(dump))
	require.NoError(t, err)
	require.Equal(t, "{x}", dec.Header().Tenant)
	n := 0
	for rec, err := range dec.Records() {
		require.NoError(t, err)
		info, ok := repos.ParseKey(pfx, rec.Key)
		require.True(t, ok, rec.Key)
		require.Equal(t, "{x}", info.Tenant, rec.Key)
		n++
	}
	require.Greater(t, n, perTenant(5)*9) // "{x}" is the sixth tenant

	require.Contains(t, mustBin(t, "", "tenant", "delete", "*", "--url", cluster, "--prefix", pfx, "--yes").stdout, "deleted ")
	require.Contains(t, mustBin(t, "", "tenant", "show", "*", "--url", cluster, "--prefix", pfx).stdout, "0 keys")
	require.Contains(t, mustBin(t, "", "tenant", "show", "acme", "--url", cluster, "--prefix", pfx).stdout, fmt.Sprintf("%d users", perTenant(0)))
}
