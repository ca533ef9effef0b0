package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/glob"
	"github.com/mimeiapify/store/repos"
)

// env is one open backend: the repositories' backend, the raw twins on
// its client, and the key prefix of this run (own.p).
type env struct {
	name  string // memory, bolt, redis or valkey
	b     store.Backend
	twins twins
	own   ownKeys
	ttl   time.Duration
}

// opts returns the repositories' options: the run's prefix and TTL (no
// TTL when ttl is false).
func (e *env) opts(ttl bool) *repos.Options {
	o := &repos.Options{Prefix: e.own.p, Retention: retention}
	if ttl {
		o.TTL = e.ttl
	}
	return o
}

// call is one repository call and its raw twin. prepare makes, for up to
// par goroutines, the repositories, the twin's keys (learned from the
// call, see learn) and any data the call reads (written for both sides),
// and returns both operations. reset, when set, runs (untimed) after each
// turn of the call in a round, to drop what the turn piled up (queues,
// triggers), so that a long run does not fill a shared server.
type call struct {
	name    string
	prepare func(ctx context.Context, e *env, par int) (repo, raw opFunc, err error)
	reset   func(ctx context.Context, e *env) error
}

// calls lists every call benchcmp measures, in the table's order.
var calls = []call{
	{"GetUserAs", prepGetUser, nil},
	{"User.Upsert", prepUpsertUser, nil},
	{"StateHandler.Upsert", prepUpsertState, nil},
	{"SharedState.SetField", prepSetShared, nil},
	{"Generic.Incr", prepIncr(false), nil},
	{"Generic.Incr/ttl", prepIncr(true), nil},
	{"Batch.Enqueue", prepEnqueue, resetQueues},
	{"Table.SetRow", prepSetRow, nil},
	{"Triggers.Set", prepSetTrigger(triggerIdent), resetTriggers},
	{"Triggers.Set/replace", prepSetTrigger(func(g, _ int) string { return "r" + strconv.Itoa(g) }), resetTriggers},
	{"Batch.Claim+Ack", prepClaimAck, nil},
}

// perGoroutine makes one value per goroutine with mk.
func perGoroutine[T any](par int, mk func(g int) (T, error)) ([]T, error) {
	out := make([]T, par)
	for g := range out {
		v, err := mk(g)
		if err != nil {
			return nil, err
		}
		out[g] = v
	}
	return out, nil
}

// hashAndSet and the like are the types of keys a call writes.
var (
	hashOnly   = []store.Type{store.TypeHash}
	hashAndSet = []store.Type{store.TypeHash, store.TypeSet}
	listAndSet = []store.Type{store.TypeList, store.TypeSet}
	stringOnly = []store.Type{store.TypeString}
)

// newUser returns the User of goroutine g of tenant on b.
func newUser(b store.Backend, e *env, tenant string, g int) (*repos.User, error) {
	return repos.NewUser(b, tenant, userID(g), e.opts(true))
}

// userKeys learns the keys User.Upsert writes for goroutine g of tenant
// rw: the record (hash) and its bucket's ids (set).
func userKeys(ctx context.Context, e *env, par int) ([]twinKeys, error) {
	return perGoroutine(par, func(g int) (twinKeys, error) {
		return learn(ctx, hashAndSet, func(b store.Backend) error {
			u, err := newUser(b, e, tenantRaw, g)
			if err != nil {
				return err
			}
			return u.Upsert(ctx, recordOf(g, 0))
		})
	})
}

// prepGetUser: GetUserAs[record] against getUser. Each goroutine reads
// its own user, written once beforehand on both sides.
func prepGetUser(ctx context.Context, e *env, par int) (opFunc, opFunc, error) {
	us, err := perGoroutine(par, func(g int) (*repos.User, error) { return newUser(e.b, e, tenantRepo, g) })
	if err != nil {
		return nil, nil, err
	}
	keys, err := userKeys(ctx, e, par)
	if err != nil {
		return nil, nil, err
	}
	for g, u := range us {
		if err := u.Upsert(ctx, recordOf(g, 0)); err != nil {
			return nil, nil, err
		}
		if err := e.twins.upsertUser(ctx, keys[g], userID(g), recordOf(g, 0)); err != nil {
			return nil, nil, err
		}
	}
	repo := func(ctx context.Context, g, _ int) error {
		_, err := repos.GetUserAs[record](ctx, us[g])
		return err
	}
	raw := func(ctx context.Context, g, _ int) error {
		_, err := e.twins.getUser(ctx, keys[g])
		return err
	}
	return repo, raw, nil
}

// prepUpsertUser: User.Upsert (repository TTL) against upsertUser.
func prepUpsertUser(ctx context.Context, e *env, par int) (opFunc, opFunc, error) {
	us, err := perGoroutine(par, func(g int) (*repos.User, error) { return newUser(e.b, e, tenantRepo, g) })
	if err != nil {
		return nil, nil, err
	}
	keys, err := userKeys(ctx, e, par)
	if err != nil {
		return nil, nil, err
	}
	repo := func(ctx context.Context, g, i int) error { return us[g].Upsert(ctx, recordOf(g, i)) }
	raw := func(ctx context.Context, g, i int) error {
		return e.twins.upsertUser(ctx, keys[g], userID(g), recordOf(g, i))
	}
	return repo, raw, nil
}

// prepUpsertState: StateHandler.Upsert (which returns the merged state)
// against upsertState.
func prepUpsertState(ctx context.Context, e *env, par int) (opFunc, opFunc, error) {
	newHandler := func(b store.Backend, tenant string, g int) (*repos.StateHandler, error) {
		return repos.NewStateHandler(b, tenant, userID(g), e.opts(true))
	}
	hs, err := perGoroutine(par, func(g int) (*repos.StateHandler, error) { return newHandler(e.b, tenantRepo, g) })
	if err != nil {
		return nil, nil, err
	}
	keys, err := perGoroutine(par, func(g int) (twinKeys, error) {
		return learn(ctx, hashOnly, func(b store.Backend) error {
			h, err := newHandler(b, tenantRaw, g)
			if err != nil {
				return err
			}
			_, err = h.Upsert(ctx, handlerName, recordOf(g, 0))
			return err
		})
	})
	if err != nil {
		return nil, nil, err
	}
	repo := func(ctx context.Context, g, i int) error {
		_, err := hs[g].Upsert(ctx, handlerName, recordOf(g, i))
		return err
	}
	raw := func(ctx context.Context, g, i int) error {
		_, err := e.twins.upsertState(ctx, keys[g], recordOf(g, i))
		return err
	}
	return repo, raw, nil
}

// prepSetShared: SharedState.SetField of an integer against
// setSharedField.
func prepSetShared(ctx context.Context, e *env, par int) (opFunc, opFunc, error) {
	newShared := func(b store.Backend, tenant string, g int) (*repos.SharedState, error) {
		return repos.NewSharedState(b, tenant, userID(g), e.opts(true))
	}
	ss, err := perGoroutine(par, func(g int) (*repos.SharedState, error) { return newShared(e.b, tenantRepo, g) })
	if err != nil {
		return nil, nil, err
	}
	keys, err := perGoroutine(par, func(g int) (twinKeys, error) {
		return learn(ctx, hashAndSet, func(b store.Backend) error {
			s, err := newShared(b, tenantRaw, g)
			if err != nil {
				return err
			}
			return s.SetField(ctx, sharedName, sharedField, 0)
		})
	})
	if err != nil {
		return nil, nil, err
	}
	repo := func(ctx context.Context, g, i int) error { return ss[g].SetField(ctx, sharedName, sharedField, i) }
	raw := func(ctx context.Context, g, i int) error { return e.twins.setSharedField(ctx, keys[g], i) }
	return repo, raw, nil
}

// prepIncr: Generic.Incr by 1 of goroutine g's counter, without a TTL
// (twin: INCR) or with the repository's TTL (twin: INCR and PEXPIRE NX in
// one MULTI).
func prepIncr(ttl bool) func(context.Context, *env, int) (opFunc, opFunc, error) {
	return func(ctx context.Context, e *env, par int) (opFunc, opFunc, error) {
		kv, err := repos.NewGeneric(e.b, tenantRepo, e.opts(ttl))
		if err != nil {
			return nil, nil, err
		}
		keys, err := perGoroutine(par, func(g int) (twinKeys, error) {
			return learn(ctx, stringOnly, func(b store.Backend) error {
				kv, err := repos.NewGeneric(b, tenantRaw, e.opts(ttl))
				if err != nil {
					return err
				}
				_, err = kv.Incr(ctx, counterName(g), 1)
				return err
			})
		})
		if err != nil {
			return nil, nil, err
		}
		repo := func(ctx context.Context, g, _ int) error {
			_, err := kv.Incr(ctx, counterName(g), 1)
			return err
		}
		raw := func(ctx context.Context, g, _ int) error {
			if ttl {
				return e.twins.incrTTL(ctx, keys[g])
			}
			return e.twins.incr(ctx, keys[g])
		}
		return repo, raw, nil
	}
}

// enqueueKeys learns the keys Batch.Enqueue writes for tenant: the queue
// (list) and the service's pending set (set).
func enqueueKeys(ctx context.Context, e *env, tenant string) (twinKeys, error) {
	return learn(ctx, listAndSet, func(b store.Backend) error {
		bt, err := repos.NewBatch(b, tenant, e.opts(true))
		if err != nil {
			return err
		}
		return bt.Enqueue(ctx, enqueueQueue, payload)
	})
}

// enqueueQueue is the queue Batch.Enqueue writes.
var enqueueQueue = repos.Queue{Service: service, Batch: batchName, Action: action}

// prepEnqueue: Batch.Enqueue of one payload (repository TTL) onto one
// queue shared by every goroutine, against enqueue.
func prepEnqueue(ctx context.Context, e *env, par int) (opFunc, opFunc, error) {
	bt, err := repos.NewBatch(e.b, tenantRepo, e.opts(true))
	if err != nil {
		return nil, nil, err
	}
	keys, err := enqueueKeys(ctx, e, tenantRaw)
	if err != nil {
		return nil, nil, err
	}
	repo := func(ctx context.Context, _, _ int) error { return bt.Enqueue(ctx, enqueueQueue, payload) }
	raw := func(ctx context.Context, _, _ int) error { return e.twins.enqueue(ctx, keys) }
	return repo, raw, nil
}

// prepSetRow: Table.SetRow of goroutine g's primary key against setRow.
func prepSetRow(ctx context.Context, e *env, par int) (opFunc, opFunc, error) {
	tb, err := repos.NewTable(e.b, tenantRepo, e.opts(true))
	if err != nil {
		return nil, nil, err
	}
	keys, err := perGoroutine(par, func(g int) (twinKeys, error) {
		return learn(ctx, hashAndSet, func(b store.Backend) error {
			tb, err := repos.NewTable(b, tenantRaw, e.opts(true))
			if err != nil {
				return err
			}
			return tb.SetRow(ctx, tableName, rowKey(g), recordOf(g, 0))
		})
	})
	if err != nil {
		return nil, nil, err
	}
	repo := func(ctx context.Context, g, i int) error { return tb.SetRow(ctx, tableName, rowKey(g), recordOf(g, i)) }
	raw := func(ctx context.Context, g, i int) error { return e.twins.setRow(ctx, keys[g], recordOf(g, i)) }
	return repo, raw, nil
}

// prepSetTrigger: Triggers.Set of the trigger ident(g, i) names, due in
// the run's TTL, against setTrigger. Triggers.Set makes a new trigger at
// every operation (a new identifier); Triggers.Set/replace sets one
// trigger per goroutine again and again (the repository then also
// unschedules the one it replaces).
func prepSetTrigger(ident func(g, i int) string) func(context.Context, *env, int) (opFunc, opFunc, error) {
	return func(ctx context.Context, e *env, par int) (opFunc, opFunc, error) {
		tr, err := repos.NewTriggers(e.b, tenantRepo, e.opts(true))
		if err != nil {
			return nil, nil, err
		}
		repo := func(ctx context.Context, g, i int) error { return tr.Set(ctx, triggerAct, ident(g, i), payload) }
		raw := func(ctx context.Context, g, i int) error { return e.twins.setTrigger(ctx, ident(g, i)) }
		return repo, raw, nil
	}
}

// prepClaimAck: Batch.Claim of one item (1-minute lease) then Batch.Ack,
// every goroutine on one queue, against claimAck. When the queue is
// empty, both sides push refillSize items in one call (the repository
// with EnqueueAll, the twin with one RPUSH) and claim again (amortized:
// one push per 1024 operations).
func prepClaimAck(ctx context.Context, e *env, par int) (opFunc, opFunc, error) {
	bt, err := repos.NewBatch(e.b, tenantRepo, e.opts(true))
	if err != nil {
		return nil, nil, err
	}
	q := repos.Queue{Service: service, Batch: claimBatch, Action: action}
	repo := func(ctx context.Context, _, _ int) error {
		for range 3 {
			c, err := bt.Claim(ctx, q, 1, time.Minute)
			if err != nil {
				return err
			}
			if len(c.Items) > 0 {
				return bt.Ack(ctx, q, c.ID)
			}
			if err := bt.EnqueueAll(ctx, q, refillItems()); err != nil {
				return err
			}
		}
		return fmt.Errorf("claim: queue %v still empty after refills", q)
	}
	raw := func(ctx context.Context, g, i int) error {
		for range 3 {
			took, err := e.twins.claimAck(ctx, strconv.Itoa(g)+"."+strconv.Itoa(i))
			if err != nil || took {
				return err
			}
			if err := e.twins.refill(ctx); err != nil {
				return err
			}
		}
		return fmt.Errorf("claim: raw queue still empty after refills")
	}
	return repo, raw, nil
}

// resetQueues empties the queues Batch.Enqueue filled: the repository's
// with Batch.Trim, the twin's with Del of its learned key.
func resetQueues(ctx context.Context, e *env) error {
	bt, err := repos.NewBatch(e.b, tenantRepo, e.opts(true))
	if err != nil {
		return err
	}
	if err := bt.Trim(ctx, enqueueQueue, 1, 0); err != nil {
		return err
	}
	keys, err := enqueueKeys(ctx, e, tenantRaw)
	if err != nil {
		return err
	}
	_, err = e.b.Del(ctx, keys.List)
	return err
}

// resetTriggers deletes every trigger of the run: the repository's (its
// records, identifier sets and schedule: every key of the run's prefix
// holding "trg" or starting with "triggers") and the raw scheduler's.
func resetTriggers(ctx context.Context, e *env) error {
	p := glob.Escape(e.own.p)
	for _, pattern := range []string{p + "t:*trg*", p + "triggers*", glob.Escape(e.own.triggersTag()) + "*"} {
		if err := deleteMatching(ctx, e.b, pattern); err != nil {
			return err
		}
	}
	return nil
}
