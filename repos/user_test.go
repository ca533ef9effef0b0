package repos_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type profile struct {
	Name   string   `json:"name"`
	Age    int      `json:"age,omitempty"`
	Active bool     `json:"active"`
	Tags   []string `json:"tags,omitempty"`
}

var userKey = repos.UserKey("acme", "u1")

func newUser(t *testing.T, b store.Backend, id string, opts *repos.Options) *repos.User {
	t.Helper()
	u, err := repos.NewUser(b, "acme", id, opts)
	require.NoError(t, err)
	return u
}

func TestUserUpsertMergesAndGet(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		u := newUser(t, b, "u1", nil)
		require.NoError(t, u.Upsert(ctx, profile{Name: "Ann", Age: 30, Active: true}))
		require.NoError(t, u.Upsert(ctx, map[string]any{"city": "Lima", "age": 31}))
		got, err := u.Get(ctx)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"name": "Ann", "age": "31", "active": "1", "city": "Lima"}, got)
		p, err := repos.GetUserAs[profile](ctx, u)
		require.NoError(t, err)
		require.Equal(t, profile{Name: "Ann", Age: 31, Active: true}, p)
		raw, err := b.HGetAll(ctx, userKey)
		require.NoError(t, err)
		require.Equal(t, got, raw)
		members, err := b.SMembers(ctx, repos.UserIDsKey("acme", "u1"))
		require.NoError(t, err)
		require.Equal(t, []string{"u1"}, members)
	})
}

func TestUserMissing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		u := newUser(t, b, "ghost", nil)
		_, err := u.Get(ctx)
		require.ErrorIs(t, err, store.ErrNotFound)
		var p profile
		require.ErrorIs(t, u.GetInto(ctx, &p), store.ErrNotFound)
		require.ErrorIs(t, u.UpdateField(ctx, "name", "x"), store.ErrNotFound)
		require.ErrorIs(t, u.AppendToField(ctx, "tags", "x"), store.ErrNotFound)
		ok, err := u.Exists(ctx)
		require.NoError(t, err)
		require.False(t, ok)
		existed, err := u.Delete(ctx)
		require.NoError(t, err)
		require.False(t, existed)
		n, err := b.Exists(ctx, repos.UserKey("acme", "ghost"))
		require.NoError(t, err)
		require.Zero(t, n, "UpdateField must not create a partial record")
	})
}

func TestUserUpdateFieldDeleteExists(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		u := newUser(t, b, "u1", nil)
		require.NoError(t, u.Upsert(ctx, profile{Name: "Ann"}))
		require.NoError(t, u.UpdateField(ctx, "active", true))
		got, err := u.Get(ctx)
		require.NoError(t, err)
		require.Equal(t, "1", got["active"])
		ok, err := u.Exists(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		existed, err := u.Delete(ctx)
		require.NoError(t, err)
		require.True(t, existed)
		ok, err = u.Exists(ctx)
		require.NoError(t, err)
		require.False(t, ok)
		n, err := b.SCard(ctx, repos.UserIDsKey("acme", "u1"))
		require.NoError(t, err)
		require.Zero(t, n)
	})
}

func TestUserRejectsBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		_, err := repos.NewUser(b, "", "u", nil)
		require.ErrorIs(t, err, repos.ErrInvalidID)
		require.ErrorContains(t, err, "tenant")
		_, err = repos.NewUser(b, "t", string(make([]byte, 513)), nil)
		require.ErrorIs(t, err, repos.ErrInvalidID)
		require.ErrorContains(t, err, "user id")
		_, err = repos.NewUser(b, "t", "u", &repos.Options{Prefix: "a*"})
		require.ErrorIs(t, err, store.ErrInvalidArgument)
		u := newUser(t, b, "u1", nil)
		require.ErrorIs(t, u.Upsert(ctx, struct{ C chan int }{}), repos.ErrEncode)
		require.ErrorIs(t, u.Upsert(ctx, map[string]string{}), store.ErrInvalidArgument)
		require.ErrorIs(t, u.Upsert(ctx, profile{}, repos.WithTTL(-time.Second)), store.ErrInvalidArgument)
		n, err := b.Exists(ctx, userKey, repos.UserIDsKey("acme", "u1"))
		require.NoError(t, err)
		require.Zero(t, n, "nothing written on bad input")
	})
}

func TestUserTTLDefaultAndOverride(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		u := newUser(t, b, "u1", &repos.Options{TTL: time.Hour})
		require.NoError(t, u.Upsert(ctx, profile{Name: "Ann"}))
		ttl, err := b.TTL(ctx, userKey)
		require.NoError(t, err)
		require.InDelta(t, time.Hour, ttl, float64(time.Minute))
		_, err = u.Incr(ctx, "visits", 1, repos.WithTTL(time.Minute))
		require.NoError(t, err)
		ttl, err = b.TTL(ctx, userKey)
		require.NoError(t, err)
		require.InDelta(t, time.Minute, ttl, float64(5*time.Second))
		require.NoError(t, u.UpdateField(ctx, "name", "Bo", repos.WithTTL(0)))
		ttl, err = b.TTL(ctx, userKey)
		require.NoError(t, err)
		require.Equal(t, store.NoExpiry, ttl)
	})
}

func TestUserPrefix(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		u := newUser(t, b, "u1", &repos.Options{Prefix: "app"})
		require.NoError(t, u.Upsert(ctx, profile{Name: "Ann"}))
		n, err := b.Exists(ctx, "app:"+userKey, "app:"+repos.UserIDsKey("acme", "u1"))
		require.NoError(t, err)
		require.EqualValues(t, 2, n)
	})
}

func TestUserIncrAndAppendConcurrent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		u := newUser(t, b, "u1", nil)
		require.NoError(t, u.Upsert(ctx, profile{Name: "Ann"}))
		var wg sync.WaitGroup
		for i := range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := u.Incr(ctx, "visits", 2)
				assert.NoError(t, err)
				assert.NoError(t, u.AppendToField(ctx, "log", i))
				assert.NoError(t, u.Upsert(ctx, map[string]any{fmt.Sprintf("f%d", i): i}))
			}()
		}
		wg.Wait()
		got, err := u.Get(ctx)
		require.NoError(t, err)
		require.Equal(t, "128", got["visits"])
		var log []int
		require.NoError(t, json.Unmarshal([]byte(got["log"]), &log))
		require.Len(t, log, 64)
		seen := map[int]bool{}
		for _, v := range log {
			seen[v] = true
		}
		require.Len(t, seen, 64)
		for i := range 64 {
			require.Equal(t, fmt.Sprint(i), got[fmt.Sprintf("f%d", i)])
		}
	})
}

func TestUserIncrErrors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		u := newUser(t, b, "u1", nil)
		require.NoError(t, u.Upsert(ctx, profile{Name: "Ann"}))
		_, err := u.Incr(ctx, "name", 1)
		require.ErrorIs(t, err, store.ErrNotInteger)
		require.ErrorIs(t, u.AppendToField(ctx, "name", 1), repos.ErrDecode)
		v, err := u.Incr(ctx, "n", -5)
		require.NoError(t, err)
		require.EqualValues(t, -5, v)
	})
}

func TestUsersFindByAndList(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		for i, id := range []string{"a", "b", "c", "d"} {
			u := newUser(t, b, id, nil)
			require.NoError(t, u.Upsert(ctx, profile{Name: id, Active: i%2 == 0}))
		}
		other, err := repos.NewUser(b, "other", "z", nil)
		require.NoError(t, err)
		require.NoError(t, other.Upsert(ctx, profile{Name: "z", Active: true}))
		_, err = b.Del(ctx, repos.UserKey("acme", "c")) // as if it expired
		require.NoError(t, err)
		us, err := repos.NewUsers(b, "acme", nil)
		require.NoError(t, err)
		ids, err := us.FindBy(ctx, "active", true)
		require.NoError(t, err)
		require.Equal(t, []string{"a"}, ids)
		members, err := b.SMembers(ctx, repos.UserIDsKey("acme", "c"))
		require.NoError(t, err)
		require.NotContains(t, members, "c", "stale entry cleaned")
		ids, err = us.ListAll(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"a", "b", "d"}, ids)
		u, err := us.User("b")
		require.NoError(t, err)
		p, err := repos.GetUserAs[profile](ctx, u)
		require.NoError(t, err)
		require.Equal(t, "b", p.Name)
	})
}
