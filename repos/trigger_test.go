package repos_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

func newTriggers(t *testing.T, b store.Backend, tenant string, opts *repos.Options) *repos.Triggers {
	t.Helper()
	tr, err := repos.NewTriggers(b, tenant, opts)
	require.NoError(t, err)
	return tr
}

// dataKeys returns the keys of b but those of the trigger schedule (see
// scheduled).
func dataKeys(t *testing.T, b store.Backend) []string {
	t.Helper()
	var keys []string
	for _, k := range keysOf(t, b) {
		if !strings.Contains(k, "triggers:{") {
			keys = append(keys, k)
		}
	}
	return keys
}

// scheduled returns the members of the shards' schedules of b.
func scheduled(t *testing.T, b store.Backend) []string {
	t.Helper()
	var members []string
	for _, k := range keysOf(t, b) {
		if strings.HasPrefix(k, "triggers:{") && strings.HasSuffix(k, "}:due") {
			got, err := b.ZRangeByScore(context.Background(), k, math.Inf(-1), math.Inf(1), 1<<20)
			require.NoError(t, err)
			for _, z := range got {
				members = append(members, z.Member)
			}
		}
	}
	return members
}

// dataSnapshot is snapshot without the keys of the trigger schedule, plus
// the members it holds (their scores and the wake marks may differ).
func dataSnapshot(t *testing.T, b store.Backend) map[string]any {
	t.Helper()
	out := snapshot(t, b)
	for k := range out {
		if strings.Contains(k, "triggers:{") {
			delete(out, k)
		}
	}
	refs := scheduled(t, b)
	slices.Sort(refs)
	out["scheduled references"] = refs
	return out
}

func TestTriggerSetGetRemaining(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, b, "acme", &repos.Options{TTL: time.Hour})

		_, err := tr.Remaining(ctx, "remind", "chat-1")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = tr.Get(ctx, "remind", "chat-1")
		require.ErrorIs(t, err, store.ErrNotFound)
		ok, err := tr.Exists(ctx, "remind", "chat-1")
		require.NoError(t, err)
		require.False(t, ok)

		start := time.Now()
		require.NoError(t, tr.Set(ctx, "remind", "chat-1", `{"text":"hi"}`))
		ok, err = tr.Exists(ctx, "remind", "chat-1")
		require.NoError(t, err)
		require.True(t, ok)
		left, err := tr.Remaining(ctx, "remind", "chat-1")
		require.NoError(t, err)
		require.InDelta(t, time.Hour, left, float64(5*time.Second))

		got, err := tr.Get(ctx, "remind", "chat-1")
		require.NoError(t, err)
		require.Equal(t, "remind", got.Action)
		require.Equal(t, "chat-1", got.Identifier)
		require.Equal(t, `{"text":"hi"}`, got.Payload)
		require.WithinDuration(t, start.Add(time.Hour), got.Due, 5*time.Second)

		// Replacing renews the due time and the payload.
		require.NoError(t, tr.Set(ctx, "remind", "chat-1", "", repos.WithTTL(time.Minute)))
		got, err = tr.Get(ctx, "remind", "chat-1")
		require.NoError(t, err)
		require.Equal(t, "", got.Payload)
		require.WithinDuration(t, time.Now().Add(time.Minute), got.Due, 5*time.Second)
		left, err = tr.Remaining(ctx, "remind", "chat-1")
		require.NoError(t, err)
		require.InDelta(t, time.Minute, left, float64(5*time.Second))
	})
}

func TestTriggerExpires(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, b, "acme", &repos.Options{Retention: 200 * time.Millisecond})
		require.NoError(t, tr.Set(ctx, "ping", "c1", "p", repos.WithTTL(10*time.Millisecond)))
		time.Sleep(30 * time.Millisecond) // due times are by the clock, not the backend's TTLs
		ok, err := tr.Exists(ctx, "ping", "c1")
		require.NoError(t, err)
		require.False(t, ok)
		_, err = tr.Remaining(ctx, "ping", "c1")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = tr.Get(ctx, "ping", "c1")
		require.ErrorIs(t, err, store.ErrNotFound)
		require.Len(t, dataKeys(t, b), 2, "a due trigger waits for a listener")
		wait(b, 300*time.Millisecond)
		require.Empty(t, dataKeys(t, b), "after its retention, the index expires with its only trigger")
	})
}

func TestTriggerNeedsTTL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, b, "acme", nil)
		require.ErrorIs(t, tr.Set(ctx, "a", "i", "p"), repos.ErrInvalidOption)
		require.ErrorIs(t, tr.Set(ctx, "a", "i", "p", repos.WithTTL(-time.Second)), repos.ErrInvalidOption)
		require.ErrorIs(t, tr.Set(ctx, "", "i", "p", repos.WithTTL(time.Second)), repos.ErrInvalidID)
		require.ErrorIs(t, tr.Set(ctx, "a", "", "p", repos.WithTTL(time.Second)), repos.ErrInvalidID)
		require.Empty(t, dataKeys(t, b))
	})
}

func TestTriggerIndexOutlivesItsTriggers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, b, "acme", nil)
		require.NoError(t, tr.Set(ctx, "long", "c1", "", repos.WithTTL(time.Hour)))
		require.NoError(t, tr.Set(ctx, "short", "c1", "", repos.WithTTL(time.Minute)))
		requireTTL(t, b, keyWith(t, b, ":trgs"), time.Hour+repos.DefaultRetention)
	})
}

func TestTriggerDelete(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, b, "acme", &repos.Options{TTL: time.Hour})
		require.NoError(t, tr.Set(ctx, "a", "c1", ""))
		require.NoError(t, tr.Set(ctx, "b", "c1", ""))
		found, err := tr.Delete(ctx, "a", "c1")
		require.NoError(t, err)
		require.True(t, found)
		found, err = tr.Delete(ctx, "a", "c1")
		require.NoError(t, err)
		require.False(t, found)
		members, err := b.SMembers(ctx, keyWith(t, b, ":trgs"))
		require.NoError(t, err)
		require.Equal(t, []string{"b"}, members)
		_, err = tr.Delete(ctx, "b", "c1")
		require.NoError(t, err)
		require.Empty(t, dataKeys(t, b))
	})
}

func TestTriggerDeleteAll(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		tr := newTriggers(t, b, "acme", &repos.Options{TTL: time.Hour})
		other := newTriggers(t, b, "globex", &repos.Options{TTL: time.Hour})
		for _, action := range []string{"remind", "close", "a:b"} {
			require.NoError(t, tr.Set(ctx, action, "c1", "x"))
		}
		require.NoError(t, tr.Set(ctx, "remind", "c2", "x"))
		require.NoError(t, other.Set(ctx, "remind", "c1", "x"))
		require.NoError(t, tr.Set(ctx, "gone", "c1", "x", repos.WithTTL(10*time.Millisecond)))
		wait(b, 30*time.Millisecond)

		actions, err := tr.DeleteAll(ctx, "c1")
		require.NoError(t, err)
		slices.Sort(actions)
		require.Equal(t, []string{"a:b", "close", "gone", "remind"}, actions)
		for _, action := range actions {
			ok, err := tr.Exists(ctx, action, "c1")
			require.NoError(t, err)
			require.False(t, ok)
		}
		ok, err := tr.Exists(ctx, "remind", "c2")
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = other.Exists(ctx, "remind", "c1")
		require.NoError(t, err)
		require.True(t, ok)
		require.Len(t, dataKeys(t, b), 4, "c2's and globex's triggers and indexes")

		actions, err = tr.DeleteAll(ctx, "c1")
		require.NoError(t, err)
		require.Empty(t, actions)
		_, err = tr.DeleteAll(ctx, "")
		require.ErrorIs(t, err, repos.ErrInvalidID)
	})
}

func TestTriggerHostileIDsStayApart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		for _, id := range nastyIDs {
			tr := newTriggers(t, b, id, &repos.Options{TTL: time.Hour})
			require.NoError(t, tr.Set(ctx, id, id, id))
		}
		require.Len(t, dataKeys(t, b), 2*len(nastyIDs))
		for _, id := range nastyIDs {
			tr := newTriggers(t, b, id, &repos.Options{TTL: time.Hour})
			before := dataSnapshot(t, b)
			require.NoError(t, tr.Set(ctx, "extra", "other", "x"))
			_, err := tr.DeleteAll(ctx, "other")
			require.NoError(t, err)
			require.Equal(t, before, dataSnapshot(t, b), "tenant %q touched other keys", id)
			got, err := tr.Get(ctx, id, id)
			require.NoError(t, err)
			require.Equal(t, id, got.Payload)
		}
		for _, id := range nastyIDs {
			tr := newTriggers(t, b, id, nil)
			actions, err := tr.DeleteAll(ctx, id)
			require.NoError(t, err)
			require.Equal(t, []string{id}, actions)
		}
		require.Empty(t, dataKeys(t, b))
	})
}
