package repos_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// TestUserIndexTTLExtendsNeverShortens: each write of a user's record
// extends the TTL of its index keys (the bucket's ids, the field indexes)
// to the record's plus the slack, never shortens it, and a record without
// TTL gives them IndexForever; on both write paths (an Apply without
// indexed fields, an Update with them).
func TestUserIndexTTLExtendsNeverShortens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		plain := newUser(t, b, "u1", nil)
		indexed := newUser(t, b, "u2", &repos.Options{IndexedFields: []string{"plan"}})
		keys := []string{repos.UserIDsKey("acme", "u1"), repos.UserIDsKey("acme", "u2"),
			repos.UserFieldKey("acme", "u2", "plan", "pro")}
		steps := []struct {
			ttl, index time.Duration
		}{
			{time.Hour, time.Hour + repos.MaxIndexSlack},
			{time.Minute, time.Hour + repos.MaxIndexSlack},     // never shortened
			{2 * time.Hour, 2*time.Hour + repos.MaxIndexSlack}, // extended
			{0, repos.IndexForever},
			{time.Hour, repos.IndexForever},
		}
		for _, s := range steps {
			for _, u := range []*repos.User{plain, indexed} {
				require.NoError(t, u.Upsert(ctx, map[string]any{"plan": "pro"}, repos.WithTTL(s.ttl)))
			}
			for _, k := range keys {
				requireTTL(t, b, k, s.index)
			}
		}
	})
}
