package luagroup

import "github.com/mimeiapify/store"

// Route is the way a backend sends one group that passed
// store.CheckGroup: all three are one round trip and all or nothing.
type Route int

const (
	// RouteScript sends the group as an EVALSHA of Script, the general
	// way: every check, then every op, decoded from ARGV.
	RouteScript Route = iota
	// RouteShape sends the group as an EVALSHA of the ShapeScript of its
	// shape (see EncodeShape): its checks and its commands, with nothing
	// to decode.
	RouteShape
	// RouteMulti sends the group's Commands in MULTI/EXEC. The group
	// needs no check and reads nothing, so no command of it can fail at
	// runtime and MULTI/EXEC, which does not roll back, is all or nothing.
	RouteMulti
)

// Choose returns the cheapest Route for a group that passed
// store.CheckGroup with checks.
//
// A group that needs no check and reads nothing goes as plain commands in
// MULTI/EXEC. Any other group needs a script: MULTI/EXEC runs every
// command even when one fails (a WRONGTYPE on the first write does not
// stop the next), and every op of a group writes or reads a key, so a
// failed check there would leave the other writes done. Scripts cost the
// server more than the commands they run, and Script more than the
// others, as it decodes its ARGV and checks every key (Redis 7.0, 64
// clients, BenchmarkShapeRoutes in internal/rediscore: a record write,
// its TTL and its index entry took about 10 us of server CPU in
// MULTI/EXEC, 15 us as a ShapeScript, 24 us as Script), so a group of at
// most one increment and a few ops gets the ShapeScript of its shape,
// which runs its commands and only the type checks its first write does
// not do itself. Other groups go through Script.
func Choose(ops []store.Op, checks store.GroupChecks) Route {
	if len(checks.Types) == 0 && len(checks.Incrs) == 0 && !readsResults(ops) {
		return RouteMulti
	}
	if _, ok := planShape(ops, checks); ok {
		return RouteShape
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
