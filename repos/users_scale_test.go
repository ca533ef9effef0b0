package repos_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/repos"
)

// scaleUsers is how many users the scale tests write: 10,000 in CI,
// STORE_TEST_USERS (100000 for the figures in the CHANGELOG) by hand.
func scaleUsers(t *testing.T) int {
	n := 10_000
	if v := os.Getenv("STORE_TEST_USERS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	return n
}

// fillUsers upserts n users of tenant "big" from 16 goroutines; every
// 1,000th has plan "vip", the others "free".
func fillUsers(t *testing.T, b store.Backend, n int, opts *repos.Options) {
	t.Helper()
	var g errgroup
	for w := range 16 {
		g.Go(func() error {
			for i := w; i < n; i += 16 {
				u, err := repos.NewUser(b, "big", fmt.Sprintf("user-%07d", i), opts)
				if err != nil {
					return err
				}
				plan := "free"
				if i%1000 == 0 {
					plan = "vip"
				}
				if err := u.Upsert(context.Background(), map[string]any{"plan": plan, "n": i}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	require.NoError(t, g.Wait())
}

type account struct {
	Plan string `json:"plan"`
	N    int    `json:"n"`
}

// TestUsersAtScaleCost counts the backend calls of Users.List, FindBy and
// FindUsersBy over scaleUsers users on the memory backend (calls, not
// time: a call is one round trip on Redis and Valkey).
func TestUsersAtScaleCost(t *testing.T) {
	ctx := context.Background()
	n := scaleUsers(t)
	raw := closing(t, memory.New(nil))
	opts := &repos.Options{IndexedFields: []string{"plan"}}
	fillUsers(t, raw, n, opts)
	b := newCounting(raw)
	us, err := repos.NewUsers(b, "big", opts)
	require.NoError(t, err)

	count := 0
	for _, err := range us.List(ctx) {
		require.NoError(t, err)
		count++
	}
	require.Equal(t, n, count)
	require.LessOrEqual(t, b.calls, repos.UserBuckets+n/2000+1)
	t.Logf("List of %d users: %d calls (1 per %d users)", n, b.calls, n/b.calls)
	if n >= 100_000 {
		require.LessOrEqual(t, b.calls, n/500, "at most 1 call per 500 users")
	}

	b.reset()
	vip, err := us.FindBy(ctx, "plan", "vip")
	require.NoError(t, err)
	matches := (n + 999) / 1000
	require.Len(t, vip, matches)
	require.LessOrEqual(t, b.calls, repos.UserBuckets+matches, "O(matches)")
	require.Equal(t, matches, b.members, "reads only the matches' ids")
	t.Logf("indexed FindBy with %d matches over %d users: %d calls, %d ids read", matches, n, b.calls, b.members)

	b.reset()
	found, err := repos.FindUsersBy[account](ctx, us, "plan", "vip")
	require.NoError(t, err)
	require.Len(t, found, matches)
	require.Equal(t, account{Plan: "vip", N: 0}, found[0].Record)
	require.Equal(t, "user-0000000", found[0].ID)

	b.reset()
	one, err := us.FindBy(ctx, "n", 7)
	require.NoError(t, err)
	require.Equal(t, []string{"user-0000007"}, one)
	perBucket := (n/repos.UserBuckets)/500 + 2
	require.LessOrEqual(t, b.calls, repos.UserBuckets*perBucket)
	t.Logf("unindexed FindBy over %d users: %d calls", n, b.calls)
}

// TestUsersBucketSizeOnRedis writes STORE_TEST_USERS users to the real
// Redis under a fresh Options.Prefix, reports the largest key of the users
// index (MEMORY USAGE) and the calls of List and FindBy, and deletes the
// tenant with DeleteTenant. It runs by hand only (the CHANGELOG's
// figures).
func TestUsersBucketSizeOnRedis(t *testing.T) {
	url := os.Getenv(testenv.RedisURL)
	if os.Getenv("STORE_TEST_USERS") == "" || url == "" {
		t.Skip("set STORE_TEST_USERS and STORE_TEST_REDIS_URL to measure")
	}
	ctx := context.Background()
	n := scaleUsers(t)
	b, err := store.Open(ctx, url)
	require.NoError(t, err)
	defer b.Close()
	opts := &repos.Options{Prefix: fmt.Sprintf("scale-%d:", os.Getpid()), IndexedFields: []string{"plan"}}
	defer func() {
		_, err := repos.DeleteTenant(ctx, b, "big", opts)
		require.NoError(t, err)
	}()
	fillUsers(t, b, n, opts)
	o, err := goredis.ParseURL(url)
	require.NoError(t, err)
	c := goredis.NewClient(o)
	defer c.Close()
	var largest, keys int64
	var which string
	for k, err := range repos.TenantKeys(ctx, b, "big", opts) {
		require.NoError(t, err)
		keys++
		if !strings.Contains(k, ":ids") && !strings.Contains(k, ":by:") {
			continue
		}
		size, err := c.MemoryUsage(ctx, k).Result()
		require.NoError(t, err)
		if size > largest {
			largest, which = size, k
		}
	}
	t.Logf("%d users, %d keys: largest index key %s is %d bytes", n, keys, which, largest)
	counting := newCounting(b)
	us, err := repos.NewUsers(counting, "big", opts)
	require.NoError(t, err)
	ids, err := us.ListAll(ctx)
	require.NoError(t, err)
	require.Len(t, ids, n)
	t.Logf("List on Redis: %d calls", counting.calls)
	counting.reset()
	vip, err := us.FindBy(ctx, "plan", "vip")
	require.NoError(t, err)
	t.Logf("indexed FindBy on Redis: %d matches, %d calls", len(vip), counting.calls)
}
