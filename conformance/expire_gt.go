package conformance

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// expireGTCases cover ExpireOp with GT (Redis' PEXPIRE ... GT): it extends
// a TTL and never shortens it; a key without TTL counts as never expiring;
// a missing key stays missing. They run in the Atomic group.
var expireGTCases = []testCase{
	{"ApplyExpireGTExtendsAShorterTTL", testApplyExpireGTExtendsAShorterTTL},
	{"ApplyExpireGTNeverShortens", testApplyExpireGTNeverShortens},
	{"ApplyExpireGTLeavesAKeyWithoutTTL", testApplyExpireGTLeavesAKeyWithoutTTL},
	{"ApplyExpireGTOnMissingKey", testApplyExpireGTOnMissingKey},
	{"ApplyExpireGTAfterCreateInGroup", testApplyExpireGTAfterCreateInGroup},
	{"ApplyExpireNXThenGTExtendsOnly", testApplyExpireNXThenGTExtendsOnly},
	{"ApplyRejectsExpireNXAndGT", testApplyRejectsExpireNXAndGT},
	{"UpdateAppliesExpireGT", testUpdateAppliesExpireGT},
}

func testApplyExpireGTExtendsAShorterTTL(t *testing.T, e *env) {
	e.set(ka, "v", time.Minute)
	e.hset(kb, "f", "1")
	e.expire(kb, time.Minute)
	e.applyAll(
		&store.ExpireOp{Key: ka, TTL: hour, GT: true},
		&store.HSetOp{Key: kb, Fields: pairsMap("g", "2")},
		&store.ExpireOp{Key: kb, TTL: hour, GT: true},
	)
	e.requireTTL(ka, hour)
	e.requireTTL(kb, hour)
	require.Equal(t, pairsMap("f", "1", "g", "2"), e.hgetAll(kb))
}

func testApplyExpireGTNeverShortens(t *testing.T, e *env) {
	e.set(ka, "v", hour)
	e.sadd(kb, "m")
	e.expire(kb, hour)
	e.applyAll(&store.ExpireOp{Key: ka, TTL: time.Minute, GT: true})
	e.applyAll(&store.SAddOp{Key: kb, Members: []string{"n"}}, &store.ExpireOp{Key: kb, TTL: time.Minute, GT: true})
	e.requireTTL(ka, hour)
	e.requireTTL(kb, hour)
	require.ElementsMatch(t, []string{"m", "n"}, e.smembers(kb))
}

// testApplyExpireGTLeavesAKeyWithoutTTL: a key without TTL counts as one
// that never expires, which no TTL exceeds.
func testApplyExpireGTLeavesAKeyWithoutTTL(t *testing.T, e *env) {
	e.set(ka, "v", 0)
	e.rpush(kb, "x")
	e.applyAll(&store.ExpireOp{Key: ka, TTL: hour, GT: true})
	e.applyAll(&store.RPushOp{Key: kb, Values: []string{"y"}}, &store.ExpireOp{Key: kb, TTL: hour, GT: true})
	e.requireNoExpiry(ka)
	e.requireNoExpiry(kb)
}

func testApplyExpireGTOnMissingKey(t *testing.T, e *env) {
	e.applyAll(&store.ExpireOp{Key: ka, TTL: hour, GT: true}, &store.SetOp{Key: kb, Value: "v"})
	e.requireGone(ka)
	require.Equal(t, "v", e.get(kb))
	e.requireNoExpiry(kb)
	e.applyAll(&store.ExpireOp{Key: kc, TTL: hour, GT: true})
	e.requireGone(kc)
}

// testApplyExpireGTAfterCreateInGroup: a key created earlier in the group
// has no TTL when GT runs, so GT leaves it without one (Redis' answer).
func testApplyExpireGTAfterCreateInGroup(t *testing.T, e *env) {
	e.applyAll(&store.SAddOp{Key: ka, Members: []string{"m"}}, &store.ExpireOp{Key: ka, TTL: hour, GT: true})
	require.Equal(t, []string{"m"}, e.smembers(ka))
	e.requireNoExpiry(ka)
	e.applyAll(
		&store.SetOp{Key: kb, Value: "v"},
		&store.SAddOp{Key: kc, Members: []string{"m"}},
		&store.ExpireOp{Key: kc, TTL: hour, GT: true},
	)
	e.requireNoExpiry(kc)
}

// testApplyExpireNXThenGTExtendsOnly: NX then GT with one TTL gives a key
// without TTL that TTL and extends a shorter one, and never shortens a
// longer one: the shape of an index that must outlive its records.
func testApplyExpireNXThenGTExtendsOnly(t *testing.T, e *env) {
	e.sadd(kb, "m")
	e.expire(kb, time.Minute)
	e.sadd(kc, "m")
	e.expire(kc, 2*hour)
	for _, k := range []string{ka, kb, kc} {
		e.applyAll(
			&store.SAddOp{Key: k, Members: []string{"n"}},
			&store.ExpireOp{Key: k, TTL: hour, NX: true},
			&store.ExpireOp{Key: k, TTL: hour, GT: true},
		)
	}
	e.requireTTL(ka, hour)
	e.requireTTL(kb, hour)
	e.requireTTL(kc, 2*hour)
}

func testApplyRejectsExpireNXAndGT(t *testing.T, e *env) {
	e.set(kb, "old", time.Minute)
	before := e.dumpAll(ka, kb)
	err := e.b.Apply(e.ctx, &store.SetOp{Key: ka, Value: "v"}, &store.ExpireOp{Key: kb, TTL: hour, NX: true, GT: true})
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.ErrorContains(t, err, "NX and GT")
	e.requireUnchanged(before)
}

func testUpdateAppliesExpireGT(t *testing.T, e *env) {
	e.set(ka, "v", time.Minute)
	e.set(kb, "w", hour)
	err := e.b.Update(e.ctx, []string{ka, kb}, func(r store.Reader) ([]store.Op, error) {
		if _, err := r.Get(e.ctx, ka); err != nil {
			return nil, err
		}
		return []store.Op{
			&store.ExpireOp{Key: ka, TTL: hour, GT: true},
			&store.ExpireOp{Key: kb, TTL: time.Minute, GT: true},
			&store.ExpireOp{Key: kc, TTL: hour, GT: true},
		}, nil
	})
	require.NoError(t, err)
	e.requireTTL(ka, hour)
	e.requireTTL(kb, hour)
	e.requireGone(kc)
}
