package luagroup

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/mimeiapify/store"
)

// ShapeScript is a Lua script written for one shape of group (which ops,
// in which order, on which of the group's keys): the group's own commands
// with nothing to decode, preceded by the type checks the group needs.
// Choose routes a group to it (RouteShape) when at most one op of the
// group is an increment; EncodeShape returns it with its KEYS and ARGV.
//
// The script runs, in this order:
//   - a TYPE check of every key that needs one, except the self-checking
//     op's key (returning Script's WRONGTYPE error reply);
//   - the self-checking op, if the group has one, under redis.pcall: the
//     first op on its key that fails on a wrong type (or the group's
//     increment, which also fails on a non-integer or an overflow). A
//     Redis command that fails writes nothing, so it is its own check;
//     its error reply is returned as Script's (HINCRBY's "ERR hash value
//     is not an integer" as "ERR value is not an integer or out of
//     range"). It runs before the ops that precede it in the group, which
//     all touch other keys, so the outcome is the group's;
//   - the other ops in group order, with redis.call: none of them can fail
//     once the checks passed.
//
// The reply is Script's: the result of each result-bearing op, in op order
// (see Decode).
type ShapeScript struct {
	// Src is the Lua source.
	Src string
	// SHA1 is the hex SHA1 digest of Src, as EVALSHA names it.
	SHA1 string
}

// maxShapeOps bounds the ops of a group sent as a ShapeScript, which
// bounds how many scripts Choose can ask a server to cache: a longer
// group goes through Script.
const maxShapeOps = 8

// maxUnpack bounds the arguments of one op in a ShapeScript, which passes
// them with unpack, below Lua's C stack limit (LUAI_MAXCSTACK, 8000); an
// op with more goes through Script, which sends them in chunks.
const maxUnpack = 1000

// maxCachedShapes bounds the scripts kept in memory by shape; past it a
// script is built again for each group of a new shape (still correct).
const maxCachedShapes = 256

// wrongType is the error reply of a failed type check, Script's.
const wrongType = `WRONGTYPE Operation against a key holding the wrong kind of value`

// luaIntChecks are Script's Lua functions that check an increment as
// Redis does, on the decimal text: strict(s) reports whether s is an
// integer Redis accepts, overflows(a, b) whether a + b leaves the int64
// range. They are copied from Script (a test keeps them equal).
const luaIntChecks = `
local function strict(s)
  if s == '0' then return true end
  local d, lim = s, '9223372036854775807'
  if string.sub(s, 1, 1) == '-' then d, lim = string.sub(s, 2), '9223372036854775808' end
  if #d > 19 or not string.find(d, '^[1-9]%d*$') then return false end
  return #d < 19 or d <= lim
end

local function split(s)
  local sign, d = 1, s
  if string.sub(s, 1, 1) == '-' then sign, d = -1, string.sub(s, 2) end
  local n = #d
  if n <= 9 then return 0, sign * tonumber(d) end
  return sign * tonumber(string.sub(d, 1, n - 9)), sign * tonumber(string.sub(d, n - 8))
end

local function overflows(a, b)
  local ha, la = split(a)
  local hb, lb = split(b)
  local h, l = ha + hb, la + lb
  local e9 = 1000000000
  if l >= e9 then h, l = h + 1, l - e9 elseif l <= -e9 then h, l = h - 1, l + e9 end
  if h > 0 and l < 0 then h, l = h - 1, l + e9 elseif h < 0 and l > 0 then h, l = h + 1, l - e9 end
  if h > 9223372036 or (h == 9223372036 and l > 854775807) then return true end
  return h < -9223372036 or (h == -9223372036 and l < -854775808)
end
`

// shapePlan is how a group runs as a ShapeScript.
type shapePlan struct {
	ops    []store.Op
	keys   []string // KEYS: the group's keys in first-use order
	opKey  []int    // 1-based KEYS index of each op's key
	self   int      // index of the self-checking op, -1 if none
	checks []shapeCheck
}

// shapeCheck is one TYPE check: a KEYS index and the type it must have
// (or none).
type shapeCheck struct {
	key int
	typ string
}

// planShape returns the plan of a group that passed store.CheckGroup with
// checks, or false when it does not fit a ShapeScript: too many ops, an
// op with no shape code or too many arguments, more than one increment,
// or an increment that is not the first op on its key.
func planShape(ops []store.Op, checks store.GroupChecks) (shapePlan, bool) {
	if len(ops) == 0 || len(ops) > maxShapeOps || len(checks.Incrs) > 1 {
		return shapePlan{}, false
	}
	p := shapePlan{ops: ops, opKey: make([]int, len(ops)), self: -1}
	first := make([]bool, len(ops)) // the op is the first on its key
	for i, op := range ops {
		n, ok := shapeArgs(op)
		if !ok || n > maxUnpack {
			return shapePlan{}, false
		}
		k := op.OpKey()
		idx := slicesIndex(p.keys, k)
		if idx < 0 {
			p.keys = append(p.keys, k)
			idx = len(p.keys) - 1
			first[i] = true
		}
		p.opKey[i] = idx + 1
	}
	for i, op := range ops {
		switch op.(type) {
		case *store.IncrByOp, *store.HIncrByOp:
			if !first[i] {
				return shapePlan{}, false
			}
			p.self = i
		}
	}
	if p.self < 0 {
		for i, op := range ops {
			if first[i] && typed(op) && hasTypeCheck(checks, op.OpKey()) {
				p.self = i
				break
			}
		}
	}
	for _, c := range checks.Types {
		if p.self >= 0 && c.Key == ops[p.self].OpKey() {
			continue
		}
		idx := slicesIndex(p.keys, c.Key)
		if idx < 0 {
			return shapePlan{}, false
		}
		p.checks = append(p.checks, shapeCheck{key: idx + 1, typ: c.Type.String()})
	}
	return p, true
}

func slicesIndex(keys []string, k string) int {
	for i, x := range keys {
		if x == k {
			return i
		}
	}
	return -1
}

// hasTypeCheck reports whether checks hold a type check of key.
func hasTypeCheck(checks store.GroupChecks, key string) bool {
	for _, c := range checks.Types {
		if c.Key == key {
			return true
		}
	}
	return false
}

// typed reports whether op's command fails on a key of the wrong type.
func typed(op store.Op) bool {
	switch op.(type) {
	case *store.SetOp, *store.DelOp, *store.ExpireOp, *store.PersistOp:
		return false
	}
	return true
}

// shapeArgs returns how many list arguments op passes with unpack (0 for
// an op with fixed arguments), and false for an op a ShapeScript does not
// run.
func shapeArgs(op store.Op) (int, bool) {
	switch o := op.(type) {
	case *store.SetOp, *store.DelOp, *store.ExpireOp, *store.PersistOp,
		*store.IncrByOp, *store.HIncrByOp, *store.HGetAllOp, *store.LTrimOp:
		return 0, true
	case *store.HSetOp:
		return 2 * len(o.Fields), true
	case *store.HDelOp:
		return len(o.Fields), true
	case *store.RPushOp:
		return len(o.Values), true
	case *store.LPushOp:
		return len(o.Values), true
	case *store.SAddOp:
		return len(o.Members), true
	case *store.SRemOp:
		return len(o.Members), true
	}
	return 0, false
}

// order returns the op indexes in the order the script runs them: the
// self-checking op first.
func (p shapePlan) order() []int {
	out := make([]int, 0, len(p.ops))
	if p.self >= 0 {
		out = append(out, p.self)
	}
	for i := range p.ops {
		if i != p.self {
			out = append(out, i)
		}
	}
	return out
}

// signature names the plan's shape: equal signatures, equal scripts.
func (p shapePlan) signature() string {
	var b strings.Builder
	for _, c := range p.checks {
		fmt.Fprintf(&b, "t%d%s,", c.key, c.typ)
	}
	for _, i := range p.order() {
		code, _ := shapeCode(p.ops[i])
		fmt.Fprintf(&b, "%s%d,", code, p.opKey[i])
	}
	if p.self >= 0 {
		fmt.Fprintf(&b, "s%d", p.self)
	}
	return b.String()
}

// shapeCode returns the name of op's command in the script, and the
// number of fixed ARGV elements it takes (a list op takes a count, then
// the list).
func shapeCode(op store.Op) (string, int) {
	switch o := op.(type) {
	case *store.SetOp:
		if ms, _ := Millis(o.TTL); ms == 0 {
			return "set", 1
		}
		return "setpx", 2
	case *store.DelOp:
		return "del", 0
	case *store.ExpireOp:
		switch {
		case o.NX:
			return "pexpirenx", 1
		case o.GT:
			return "pexpiregt", 1
		}
		return "pexpire", 1
	case *store.PersistOp:
		return "persist", 0
	case *store.IncrByOp:
		return "incrby", 1
	case *store.HIncrByOp:
		return "hincrby", 2
	case *store.HGetAllOp:
		return "hgetall", 0
	case *store.LTrimOp:
		return "ltrim", 2
	case *store.HSetOp:
		return "hset", 1
	case *store.HDelOp:
		return "hdel", 1
	case *store.RPushOp:
		return "rpush", 1
	case *store.LPushOp:
		return "lpush", 1
	case *store.SAddOp:
		return "sadd", 1
	case *store.SRemOp:
		return "srem", 1
	}
	return "", 0
}

// shapes caches the scripts by signature.
var shapes struct {
	sync.RWMutex
	m map[string]*ShapeScript
}

// script returns the plan's ShapeScript, from the cache when it is there.
func (p shapePlan) script() *ShapeScript {
	sig := p.signature()
	shapes.RLock()
	s := shapes.m[sig]
	shapes.RUnlock()
	if s != nil {
		return s
	}
	src := p.source()
	sum := sha1.Sum([]byte(src))
	s = &ShapeScript{Src: src, SHA1: hex.EncodeToString(sum[:])}
	shapes.Lock()
	defer shapes.Unlock()
	if shapes.m == nil {
		shapes.m = make(map[string]*ShapeScript)
	}
	if len(shapes.m) < maxCachedShapes {
		shapes.m[sig] = s
	}
	return s
}

// source writes the plan's Lua script. ARGV holds each op's arguments in
// the order the script runs the ops; p is the cursor.
func (p shapePlan) source() string {
	var b strings.Builder
	b.WriteString("local A, K, p, out, r = ARGV, KEYS, 1, {}\n")
	for _, c := range p.checks {
		fmt.Fprintf(&b, "r = redis.call('TYPE', K[%d]); if type(r) == 'table' then r = r.ok or r['ok'] end\n", c.key)
		fmt.Fprintf(&b, "if r ~= 'none' and r ~= %q then return redis.error_reply(%q) end\n", c.typ, wrongType)
	}
	if p.self >= 0 {
		op := p.ops[p.self]
		if _, ok := op.(*store.HIncrByOp); ok {
			writeHIncrCheck(&b, p.opKey[p.self])
		}
		b.WriteString("local s = ")
		writeCall(&b, "redis.pcall", op, p.opKey[p.self])
		b.WriteString("if type(s) == 'table' and s.err then return s end\n")
		k := p.opKey[p.self]
		switch op.(type) {
		case *store.IncrByOp:
			// An integer reply is a Lua double: exact below 2^53, else
			// read back as text.
			fmt.Fprintf(&b, "if s > -9007199254740992 and s < 9007199254740992 then s = string.format('%%d', s) else s = redis.call('GET', K[%d]) end\n", k)
		case *store.HIncrByOp:
			fmt.Fprintf(&b, "if s > -9007199254740992 and s < 9007199254740992 then s = string.format('%%d', s) else s = redis.call('HGET', K[%d], A[1]) end\n", k)
		}
	}
	for i, op := range p.ops {
		if i == p.self {
			switch op.(type) {
			case *store.IncrByOp, *store.HIncrByOp:
				b.WriteString("out[#out + 1] = s\n")
			case *store.HGetAllOp:
				b.WriteString("out[#out + 1] = tostring(#s / 2); for i = 1, #s do out[#out + 1] = s[i] end\n")
			}
			continue
		}
		if _, ok := op.(*store.HGetAllOp); ok {
			fmt.Fprintf(&b, "r = redis.call('HGETALL', K[%d]); out[#out + 1] = tostring(#r / 2); for i = 1, #r do out[#out + 1] = r[i] end\n", p.opKey[i])
			continue
		}
		b.WriteString("r = ")
		writeCall(&b, "redis.call", op, p.opKey[i])
	}
	b.WriteString("return out\n")
	return b.String()
}

// writeHIncrCheck writes the check of the group's HIncrByOp on KEYS[k]
// (its field and delta are ARGV[1] and ARGV[2]): HGET under redis.pcall,
// which fails on a key of the wrong type, then Script's integer and
// overflow checks of the field's text. HINCRBY does them too on Redis and
// Valkey, but with another error text for a non-integer, and other
// servers (miniredis) wrap around on overflow.
func writeHIncrCheck(b *strings.Builder, k int) {
	b.WriteString(luaIntChecks)
	fmt.Fprintf(b, "r = redis.pcall('HGET', K[%d], A[1])\n", k)
	b.WriteString("if type(r) == 'table' and r.err then return r end\n")
	b.WriteString("if r then\n")
	b.WriteString("  if not strict(r) then return redis.error_reply('ERR value is not an integer or out of range') end\n")
	b.WriteString("  if overflows(r, A[2]) then return redis.error_reply('ERR increment or decrement would overflow') end\n")
	b.WriteString("end\n")
}

// writeCall writes the Lua call of op on KEYS[k] with fn (redis.call or
// redis.pcall), reading its arguments at the cursor and moving it on.
func writeCall(b *strings.Builder, fn string, op store.Op, k int) {
	code, fixed := shapeCode(op)
	switch code {
	case "set":
		fmt.Fprintf(b, "%s('SET', K[%d], A[p]); p = p + 1\n", fn, k)
	case "setpx":
		fmt.Fprintf(b, "%s('SET', K[%d], A[p], 'PX', A[p + 1]); p = p + 2\n", fn, k)
	case "del", "persist", "hgetall":
		fmt.Fprintf(b, "%s('%s', K[%d])\n", fn, strings.ToUpper(code), k)
	case "pexpire":
		fmt.Fprintf(b, "%s('PEXPIRE', K[%d], A[p]); p = p + 1\n", fn, k)
	case "pexpirenx":
		fmt.Fprintf(b, "%s('PEXPIRE', K[%d], A[p], 'NX'); p = p + 1\n", fn, k)
	case "pexpiregt":
		fmt.Fprintf(b, "%s('PEXPIRE', K[%d], A[p], 'GT'); p = p + 1\n", fn, k)
	case "incrby":
		fmt.Fprintf(b, "%s('INCRBY', K[%d], A[p]); p = p + 1\n", fn, k)
	case "hincrby", "ltrim":
		fmt.Fprintf(b, "%s('%s', K[%d], A[p], A[p + 1]); p = p + %d\n", fn, strings.ToUpper(code), k, fixed)
	default: // a list: its count, then its elements
		fmt.Fprintf(b, "%s('%s', K[%d], unpack(A, p + 1, p + tonumber(A[p]))); p = p + 1 + tonumber(A[p])\n", fn, strings.ToUpper(code), k)
	}
}

// EncodeShape returns the ShapeScript of a group that passed
// store.CheckGroup with checks and that Choose routed to RouteShape, with
// its KEYS (the group's keys in first-use order) and ARGV (each op's
// arguments in the order the script runs them; a list after its count).
func EncodeShape(ops []store.Op, checks store.GroupChecks) (s *ShapeScript, keys, args []string, err error) {
	p, ok := planShape(ops, checks)
	if !ok {
		return nil, nil, nil, fmt.Errorf("luagroup: %w: the group has no shape script", store.ErrInvalidArgument)
	}
	for _, i := range p.order() {
		if args, err = appendShapeArgs(args, ops[i]); err != nil {
			return nil, nil, nil, fmt.Errorf("luagroup: op %d (%T) on key %q: %w", i, ops[i], ops[i].OpKey(), err)
		}
	}
	return p.script(), p.keys, args, nil
}

// appendShapeArgs appends op's ARGV elements.
func appendShapeArgs(args []string, op store.Op) ([]string, error) {
	switch o := op.(type) {
	case *store.SetOp:
		ms, err := Millis(o.TTL)
		if err != nil {
			return nil, err
		}
		if ms == 0 {
			return append(args, o.Value), nil
		}
		return append(args, o.Value, strconv.FormatInt(ms, 10)), nil
	case *store.ExpireOp:
		ms, err := Millis(o.TTL)
		if err != nil {
			return nil, err
		}
		return append(args, strconv.FormatInt(ms, 10)), nil
	case *store.IncrByOp:
		return append(args, strconv.FormatInt(o.Delta, 10)), nil
	case *store.HIncrByOp:
		return append(args, o.Field, strconv.FormatInt(o.Delta, 10)), nil
	case *store.LTrimOp:
		return append(args, strconv.FormatInt(o.Start, 10), strconv.FormatInt(o.Stop, 10)), nil
	case *store.HSetOp, *store.HDelOp, *store.RPushOp, *store.LPushOp, *store.SAddOp, *store.SRemOp:
		cmd, err := command(op)
		if err != nil {
			return nil, err
		}
		args = append(args, strconv.Itoa(len(cmd)-2))
		return append(args, cmd[2:]...), nil
	}
	return args, nil
}
