package luagroup

import "github.com/mimeiapify/store"

// Route is the way a backend sends one group that passed
// store.CheckGroup: all three are one round trip and all or nothing.
type Route int

const (
	// RouteScript sends the group as an EVALSHA of Script, the general
	// way: every check, then every op.
	RouteScript Route = iota
	// RoutePair sends the group as an EVALSHA of PairScript (see
	// EncodePair): one write, which is its own check, and its TTL.
	RoutePair
	// RouteMulti sends the group's Commands in MULTI/EXEC. The group
	// needs no check and reads nothing, so no command of it can fail at
	// runtime and MULTI/EXEC, which does not roll back, is all or nothing.
	RouteMulti
)

// Choose returns the cheapest Route for a group that passed
// store.CheckGroup with checks. The scripts cost the server far more than
// the commands they run (measured on Redis 7.0: about 1 us per EVALSHA,
// 1 us per redis.call, and 3 us more for Script to decode its ARGV), so
// groups that need no check go as plain commands and the common
// write-then-TTL pair gets a script that does nothing else.
func Choose(ops []store.Op, checks store.GroupChecks) Route {
	if pairShape(ops) {
		return RoutePair
	}
	if len(checks.Types) == 0 && len(checks.Incrs) == 0 && !readsResults(ops) {
		return RouteMulti
	}
	return RouteScript
}

// readsResults reports whether a group has an op with a Result to fill in.
func readsResults(ops []store.Op) bool {
	for _, op := range ops {
		switch op.(type) {
		case *store.IncrByOp, *store.HIncrByOp, *store.HGetAllOp, *store.LPopOp:
			return true
		}
	}
	return false
}
