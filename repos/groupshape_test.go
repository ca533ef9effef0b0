package repos_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/internal/luagroup"
	"github.com/mimeiapify/store/repos"
)

// shapeBackend records the shape of every Apply group (each op's type and
// flags, and which key of the group it names: k1, k2...) and the route
// luagroup.Choose gives it on Redis and Valkey.
type shapeBackend struct {
	store.Backend
	mu     sync.Mutex
	shapes []string
	routes []luagroup.Route
}

func (s *shapeBackend) Apply(ctx context.Context, ops ...store.Op) error {
	keys := map[string]string{}
	parts := make([]string, len(ops))
	for i, op := range ops {
		k, ok := keys[op.OpKey()]
		if !ok {
			k = fmt.Sprintf("k%d", len(keys)+1)
			keys[op.OpKey()] = k
		}
		name := strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", op), "*store."), "Op")
		if e, ok := op.(*store.ExpireOp); ok && e.NX {
			name += "NX"
		} else if ok && e.GT {
			name += "GT"
		}
		parts[i] = name + "(" + k + ")"
	}
	checks, err := store.CheckGroup(ops)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.shapes = append(s.shapes, strings.Join(parts, " "))
	s.routes = append(s.routes, luagroup.Choose(ops, checks))
	s.mu.Unlock()
	return s.Backend.Apply(ctx, ops...)
}

// take returns the shapes and routes recorded since the last take.
func (s *shapeBackend) take() ([]string, []luagroup.Route) {
	s.mu.Lock()
	defer s.mu.Unlock()
	shapes, routes := s.shapes, s.routes
	s.shapes, s.routes = nil, nil
	return shapes, routes
}

// TestGroupShapesOfHotWrites pins the Apply group each hot write sends and
// its route on Redis and Valkey: one script written for the group's shape
// (luagroup.ShapeScript, see internal/luagroup's route tests, which run
// these shapes), or MULTI/EXEC when the group needs no check.
func TestGroupShapesOfHotWrites(t *testing.T) {
	ctx := context.Background()
	mem := memory.New(nil)
	t.Cleanup(func() { _ = mem.Close() })
	b := &shapeBackend{Backend: mem}
	shape, multi := luagroup.RouteShape, luagroup.RouteMulti
	for _, ttl := range []time.Duration{time.Hour, 0} {
		opts := &repos.Options{TTL: ttl}
		exp := "Expire(k1)"
		if ttl == 0 {
			exp = "Persist(k1)"
		}
		index := " SAdd(k2) ExpireNX(k2) ExpireGT(k2)"
		ss, err := repos.NewSharedState(b, "t", "u", opts)
		require.NoError(t, err)
		sh, err := repos.NewStateHandler(b, "t", "u", opts)
		require.NoError(t, err)
		g, err := repos.NewGeneric(b, "t", opts)
		require.NoError(t, err)
		u, err := repos.NewUser(b, "t", "u", opts)
		require.NoError(t, err)
		tb, err := repos.NewTable(b, "t", opts)
		require.NoError(t, err)
		calls := []struct {
			name  string
			call  func() error
			shape string
			route luagroup.Route
		}{
			{"SharedState.SetField", func() error { return ss.SetField(ctx, "s", "f", "v") }, "HSet(k1) " + exp + index, shape},
			{"SharedState.Set", func() error { return ss.Set(ctx, "s", map[string]string{"f": "v"}) }, "Del(k1) HSet(k1) " + exp + index, shape},
			{"StateHandler.Upsert", func() error { _, err := sh.Upsert(ctx, "h", map[string]string{"f": "v"}); return err }, "HSet(k1) " + exp + " HGetAll(k1)", shape},
			{"StateHandler.Set", func() error { return sh.Set(ctx, "h", map[string]string{"f": "v"}) }, "Del(k1) HSet(k1) " + exp, multi},
			{"Generic.Incr", func() error { _, err := g.Incr(ctx, "n", 1); return err }, "IncrBy(k1) ExpireNX(k1)", shape},
			{"User.Incr", func() error { _, err := u.Incr(ctx, "n", 1); return err }, "HIncrBy(k1) " + exp + index, shape},
			{"User.Upsert", func() error { return u.Upsert(ctx, map[string]string{"f": "v"}) }, "HSet(k1) " + exp + index, shape},
			{"Table.SetRow", func() error { return tb.SetRow(ctx, "tab", "pk", map[string]string{"f": "v"}) }, "Del(k1) HSet(k1) " + exp + index, shape},
		}
		for _, c := range calls {
			require.NoError(t, c.call(), c.name)
			shapes, routes := b.take()
			if c.name == "Generic.Incr" && ttl == 0 {
				require.Empty(t, shapes, "Generic.Incr without TTL is IncrBy")
				continue
			}
			require.Equal(t, []string{c.shape}, shapes, "%s ttl=%v", c.name, ttl)
			require.Equal(t, []luagroup.Route{c.route}, routes, "%s ttl=%v", c.name, ttl)
		}
	}
}
