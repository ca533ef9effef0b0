package difftest

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// gen draws the random parts of calls from one seeded source. Each step
// draws everything it needs when it is made, never when it runs, so that
// both backends get the same call.
type gen struct{ r *rand.Rand }

// area is the kind of value a key is mostly used for: typed steps mostly
// pick keys of their own area, so that values grow, and sometimes shared
// or odd ones, to meet the other types.
type area byte

// The areas, named by the first byte of their keys.
const (
	areaString area = 's'
	areaHash   area = 'h'
	areaList   area = 'l'
	areaSet    area = 'z'
	areaZSet   area = 'o' // ordered: sorted sets
)

var areas = []area{areaString, areaHash, areaList, areaSet, areaZSet}

// Key spaces: hotKeys keys per area, sharedKeys keys of any type.
const (
	hotKeys    = 4
	sharedKeys = 200
)

// pick returns a random element of xs.
func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// oneIn reports true once in n draws.
func (g *gen) oneIn(n int) bool { return g.r.IntN(n) == 0 }

// area returns a random area.
func (g *gen) area() area { return pick(g, areas) }

// key returns a key, mostly one of a's hot keys or a shared one.
func (g *gen) key(a area) string {
	switch n := g.r.IntN(20); {
	case n < 11:
		return string(a) + strconv.Itoa(g.r.IntN(hotKeys))
	case n < 17:
		return "k" + strconv.Itoa(g.r.IntN(sharedKeys))
	default:
		return pick(g, oddKeys)
	}
}

// anyKey returns a key of a random area.
func (g *gen) anyKey() string { return g.key(g.area()) }

// keyList returns 1 to 3 keys (repeats possible) of random areas.
func (g *gen) keyList() []string {
	out := make([]string, 1+g.r.IntN(3))
	for i := range out {
		out[i] = g.anyKey()
	}
	return out
}

// field returns a hash field, mostly f0..f5.
func (g *gen) field() string {
	if g.oneIn(5) {
		return pick(g, oddFields)
	}
	return "f" + strconv.Itoa(g.r.IntN(6))
}

// fieldList returns n fields (repeats possible).
func (g *gen) fieldList(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.field()
	}
	return out
}

// someFields returns 1 to 3 fields (repeats possible); rarely none,
// which every call must refuse.
func (g *gen) someFields() []string {
	if g.oneIn(30) {
		return nil
	}
	return g.fieldList(1 + g.r.IntN(3))
}

// fieldMap returns 1 to 3 fields with values; rarely none, which every
// call must refuse.
func (g *gen) fieldMap() map[string]string {
	m := map[string]string{}
	if g.oneIn(30) {
		return m
	}
	for range 1 + g.r.IntN(3) {
		m[g.field()] = g.value()
	}
	return m
}

// value returns a string or hash value.
func (g *gen) value() string { return pick(g, values) }

// member returns a list element or set member, mostly m0..m11 so that
// they repeat.
func (g *gen) member() string {
	if g.oneIn(4) {
		return g.value()
	}
	return "m" + strconv.Itoa(g.r.IntN(12))
}

// members returns 1 to 3 members (repeats possible); rarely none, which
// every call must refuse.
func (g *gen) members() []string {
	if g.oneIn(30) {
		return nil
	}
	out := make([]string, 1+g.r.IntN(3))
	for i := range out {
		out[i] = g.member()
	}
	return out
}

// delta returns an integer increment.
func (g *gen) delta() int64 { return pick(g, deltas) }

// floatDelta returns a float increment.
func (g *gen) floatDelta() float64 { return pick(g, floatDeltas) }

// ttl returns a valid TTL: whole seconds apart (see ttlSlack), with a
// sub-millisecond part to round, and long enough not to pass during a
// run.
func (g *gen) ttl() time.Duration {
	if g.oneIn(5) {
		return time.Hour
	}
	return time.Duration(600+g.r.IntN(600))*time.Second + time.Duration(g.r.IntN(1000))*time.Microsecond
}

// requiredTTL returns a TTL for a call that needs a positive one: rarely
// zero or negative, which it must refuse.
func (g *gen) requiredTTL() time.Duration {
	if g.oneIn(20) {
		return pick(g, append([]time.Duration{0}, badTTLs...))
	}
	return g.ttl()
}

// optionalTTL returns a TTL for a call where zero means none: often zero,
// rarely negative, which it must refuse.
func (g *gen) optionalTTL() time.Duration {
	switch n := g.r.IntN(40); {
	case n == 0:
		return pick(g, badTTLs)
	case n < 20:
		return 0
	default:
		return g.ttl()
	}
}

// index returns a list index, mostly small, sometimes at the limits.
func (g *gen) index() int64 {
	if g.oneIn(15) {
		return pick(g, indexes)
	}
	return int64(g.r.IntN(13) - 6)
}

// popCount returns an LPop count: rarely one below 1, which LPop must
// refuse.
func (g *gen) popCount() int {
	if g.oneIn(15) {
		return pick(g, badPopCounts)
	}
	return pick(g, popCounts)
}
