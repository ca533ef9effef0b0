package luagroup

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"
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
//     group's increment, else the first op on its key that fails on a
//     wrong type. A Redis command that fails writes nothing, so it is its
//     own check (INCRBY and HINCRBY check the type, the integer and the
//     overflow; an HIncrByOp is checked in Lua first on servers without
//     redis.REDIS_VERSION, see writeHIncrCheck); its error reply is
//     returned as Script's (HINCRBY's "ERR hash value is not an integer"
//     as "ERR value is not an integer or out of range"). It runs before
//     the ops that precede it in the group, which all touch other keys,
//     so the outcome is the group's;
//   - the other ops in group order, with redis.call: none of them can fail
//     once the checks passed. An ExpireOp NX followed by an ExpireOp GT of
//     the same key and TTL runs as PEXPIRE GT, then PEXPIRE NX only when
//     GT set nothing: the same outcome, one command fewer when GT extends
//     the TTL.
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
	ops   []store.Op
	keys  []string // KEYS: the group's keys in first-use order
	opKey [maxShapeOps]uint8
	self  int // index of the self-checking op, -1 if none
	// steps are the ops in the order the script runs them: the
	// self-checking op first, then the others in group order, an ExpireOp
	// NX followed by an ExpireOp GT of the same key and TTL as one step.
	steps  [maxShapeOps]shapeStep
	nsteps int
	checks [maxShapeOps]shapeCheck
	nchk   int
}

// shapeStep is one command of a ShapeScript: the op at index op of the
// group, run as code.
type shapeStep struct {
	op   uint8
	code shapeCode
}

// shapeCheck is one TYPE check: a KEYS index and the type it must have
// (or none).
type shapeCheck struct {
	key uint8
	typ string
}

// shapeCode names the command a step runs.
type shapeCode uint8

const (
	codeSet shapeCode = iota + 'a'
	codeSetPX
	codeDel
	codePExpire
	codePExpireNX
	codePExpireGT
	codeExtend // PEXPIRE GT, then PEXPIRE NX if GT set nothing
	codePersist
	codeIncrBy
	codeHIncrBy
	codeHGetAll
	codeLTrim
	codeHSet
	codeHDel
	codeRPush
	codeLPush
	codeSAdd
	codeSRem
)

// listNames are the commands of the steps whose arguments are a list.
var listNames = map[shapeCode]string{codeHSet: "HSET", codeHDel: "HDEL", codeRPush: "RPUSH",
	codeLPush: "LPUSH", codeSAdd: "SADD", codeSRem: "SREM"}

// planShape returns the plan of a group that passed store.CheckGroup with
// checks, or false when it does not fit a ShapeScript: too many ops, an
// op with no shape code or too many arguments, more than one increment,
// or an increment that is not the first op on its key.
func planShape(ops []store.Op, checks store.GroupChecks) (p shapePlan, ok bool) {
	if len(ops) == 0 || len(ops) > maxShapeOps || len(checks.Incrs) > 1 {
		return p, false
	}
	p.ops, p.self = ops, -1
	var first [maxShapeOps]bool // the op is the first on its key
	var codes [maxShapeOps]shapeCode
	for i, op := range ops {
		code, n, ok := opShape(op)
		if !ok || n > maxUnpack {
			return p, false
		}
		codes[i] = code
		k := op.OpKey()
		idx := slices.Index(p.keys, k)
		if idx < 0 {
			if p.keys == nil {
				p.keys = make([]string, 0, len(ops))
			}
			p.keys = append(p.keys, k)
			idx = len(p.keys) - 1
			first[i] = true
		}
		p.opKey[i] = uint8(idx + 1)
		if code == codeIncrBy || code == codeHIncrBy {
			if !first[i] {
				return p, false
			}
			p.self = i
		}
	}
	if p.self < 0 {
		for i, op := range ops {
			if first[i] && typed(codes[i]) && hasTypeCheck(checks, op.OpKey()) {
				p.self = i
				break
			}
		}
	}
	for _, c := range checks.Types {
		if p.self >= 0 && c.Key == ops[p.self].OpKey() {
			continue
		}
		idx := slices.Index(p.keys, c.Key)
		if idx < 0 || p.nchk == maxShapeOps {
			return p, false
		}
		p.checks[p.nchk] = shapeCheck{key: uint8(idx + 1), typ: c.Type.String()}
		p.nchk++
	}
	if p.self >= 0 {
		p.add(p.self, codes[p.self])
	}
	for i := 0; i < len(ops); i++ {
		if i == p.self {
			continue
		}
		if codes[i] == codePExpireNX && i+1 < len(ops) && codes[i+1] == codePExpireGT && sameTTL(ops[i], ops[i+1]) {
			p.add(i, codeExtend)
			i++
			continue
		}
		p.add(i, codes[i])
	}
	return p, true
}

func (p *shapePlan) add(op int, code shapeCode) {
	p.steps[p.nsteps] = shapeStep{op: uint8(op), code: code}
	p.nsteps++
}

// sameTTL reports whether two ExpireOps set the same TTL on the same key:
// then PEXPIRE NX followed by PEXPIRE GT does what PEXPIRE GT does, or
// PEXPIRE NX when GT set nothing (a key without TTL counts as never
// expiring for GT), one command fewer whenever GT extends the TTL.
func sameTTL(a, b store.Op) bool {
	x, y := a.(*store.ExpireOp), b.(*store.ExpireOp)
	return x.Key == y.Key && x.TTL == y.TTL
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

// typed reports whether a step's command fails on a key of the wrong
// type.
func typed(code shapeCode) bool {
	switch code {
	case codeSet, codeSetPX, codeDel, codePExpire, codePExpireNX, codePExpireGT, codePersist:
		return false
	}
	return true
}

// opShape returns the code of op's command, how many list arguments it
// passes with unpack (0 for fixed arguments), and false for an op a
// ShapeScript does not run.
func opShape(op store.Op) (shapeCode, int, bool) {
	switch o := op.(type) {
	case *store.SetOp:
		if ms, _ := Millis(o.TTL); ms == 0 {
			return codeSet, 0, true
		}
		return codeSetPX, 0, true
	case *store.DelOp:
		return codeDel, 0, true
	case *store.ExpireOp:
		switch {
		case o.NX:
			return codePExpireNX, 0, true
		case o.GT:
			return codePExpireGT, 0, true
		}
		return codePExpire, 0, true
	case *store.PersistOp:
		return codePersist, 0, true
	case *store.IncrByOp:
		return codeIncrBy, 0, true
	case *store.HIncrByOp:
		return codeHIncrBy, 0, true
	case *store.HGetAllOp:
		return codeHGetAll, 0, true
	case *store.LTrimOp:
		return codeLTrim, 0, true
	case *store.HSetOp:
		return codeHSet, 2 * len(o.Fields), true
	case *store.HDelOp:
		return codeHDel, len(o.Fields), true
	case *store.RPushOp:
		return codeRPush, len(o.Values), true
	case *store.LPushOp:
		return codeLPush, len(o.Values), true
	case *store.SAddOp:
		return codeSAdd, len(o.Members), true
	case *store.SRemOp:
		return codeSRem, len(o.Members), true
	}
	return 0, 0, false
}

// signature names the plan's shape: equal signatures, equal scripts.
func (p *shapePlan) signature(buf []byte) []byte {
	for _, c := range p.checks[:p.nchk] {
		buf = append(buf, 'T', c.key)
		buf = append(buf, c.typ...)
		buf = append(buf, ';')
	}
	if p.self >= 0 {
		// Where the self-checking op is in the group places its result.
		buf = append(buf, 'S', byte(p.self))
	}
	for _, s := range p.steps[:p.nsteps] {
		buf = append(buf, byte(s.code), p.opKey[s.op])
	}
	return buf
}

// shapes caches the scripts by signature.
var shapes struct {
	sync.RWMutex
	m map[string]*ShapeScript
}

// script returns the plan's ShapeScript, from the cache when it is there.
func (p *shapePlan) script() *ShapeScript {
	var arr [64]byte
	sig := p.signature(arr[:0])
	shapes.RLock()
	s := shapes.m[string(sig)]
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
		shapes.m[string(sig)] = s
	}
	return s
}

// source writes the plan's Lua script. ARGV holds each step's arguments in
// the order the script runs the steps; p is the cursor.
func (p *shapePlan) source() string {
	var b strings.Builder
	b.WriteString("local A, K, p, out, r = ARGV, KEYS, 1, {}\n")
	for _, c := range p.checks[:p.nchk] {
		fmt.Fprintf(&b, "r = redis.call('TYPE', K[%d]); if type(r) == 'table' then r = r.ok or r['ok'] end\n", c.key)
		fmt.Fprintf(&b, "if r ~= 'none' and r ~= %q then return redis.error_reply(%q) end\n", c.typ, wrongType)
	}
	steps := p.steps[:p.nsteps]
	if p.self >= 0 {
		s, k := steps[0], int(p.opKey[steps[0].op])
		steps = steps[1:]
		if s.code == codeHIncrBy {
			writeHIncrCheck(&b, k)
		}
		b.WriteString("local s = ")
		writeCall(&b, "redis.pcall", s.code, k)
		b.WriteString("if type(s) == 'table' and s.err then\n")
		if s.code == codeHIncrBy {
			// Script's text for a non-integer, as for INCRBY.
			b.WriteString("  if string.find(s.err, 'hash value is not an integer', 1, true) then return redis.error_reply('ERR value is not an integer or out of range') end\n")
		}
		b.WriteString("  return s\nend\n")
		switch s.code {
		case codeIncrBy:
			// An integer reply is a Lua double: exact below 2^53, else
			// read back as text.
			fmt.Fprintf(&b, "if s > -9007199254740992 and s < 9007199254740992 then s = string.format('%%d', s) else s = redis.call('GET', K[%d]) end\n", k)
		case codeHIncrBy:
			fmt.Fprintf(&b, "if s > -9007199254740992 and s < 9007199254740992 then s = string.format('%%d', s) else s = redis.call('HGET', K[%d], A[1]) end\n", k)
		}
	}
	for i := range p.ops {
		if i == p.self {
			switch p.steps[0].code {
			case codeIncrBy, codeHIncrBy:
				b.WriteString("out[#out + 1] = s\n")
			case codeHGetAll:
				b.WriteString("out[#out + 1] = tostring(#s / 2); for i = 1, #s do out[#out + 1] = s[i] end\n")
			}
			continue
		}
		j := slices.IndexFunc(steps, func(s shapeStep) bool { return int(s.op) == i })
		if j < 0 {
			continue // the ExpireOp GT of an extend step
		}
		s, k := steps[j], int(p.opKey[i])
		if s.code == codeHGetAll {
			fmt.Fprintf(&b, "r = redis.call('HGETALL', K[%d]); out[#out + 1] = tostring(#r / 2); for i = 1, #r do out[#out + 1] = r[i] end\n", k)
			continue
		}
		writeCall(&b, "redis.call", s.code, k)
	}
	b.WriteString("return out\n")
	return b.String()
}

// writeHIncrCheck writes the check of the group's HIncrByOp on KEYS[k]
// (its field and delta are ARGV[1] and ARGV[2]) for servers whose HINCRBY
// does not check it as Redis does: HGET under redis.pcall, which fails on
// a key of the wrong type, then Script's integer and overflow checks of
// the field's text. Redis 7+ and Valkey, which name their version in
// redis.REDIS_VERSION, skip it: their HINCRBY checks the type, the text
// and the overflow before it writes. Others (miniredis, whose HINCRBY
// wraps around on overflow) run it.
func writeHIncrCheck(b *strings.Builder, k int) {
	b.WriteString(luaIntChecks)
	b.WriteString("if not redis.REDIS_VERSION then\n")
	fmt.Fprintf(b, "  r = redis.pcall('HGET', K[%d], A[1])\n", k)
	b.WriteString("  if type(r) == 'table' and r.err then return r end\n")
	b.WriteString("  if r then\n")
	b.WriteString("    if not strict(r) then return redis.error_reply('ERR value is not an integer or out of range') end\n")
	b.WriteString("    if overflows(r, A[2]) then return redis.error_reply('ERR increment or decrement would overflow') end\n")
	b.WriteString("  end\n")
	b.WriteString("end\n")
}

// writeCall writes the Lua call of a step's command on KEYS[k] with fn
// (redis.call or redis.pcall), reading its arguments at the cursor and
// moving it on.
func writeCall(b *strings.Builder, fn string, code shapeCode, k int) {
	switch code {
	case codeSet:
		fmt.Fprintf(b, "%s('SET', K[%d], A[p]); p = p + 1\n", fn, k)
	case codeSetPX:
		fmt.Fprintf(b, "%s('SET', K[%d], A[p], 'PX', A[p + 1]); p = p + 2\n", fn, k)
	case codeDel:
		fmt.Fprintf(b, "%s('DEL', K[%d])\n", fn, k)
	case codePersist:
		fmt.Fprintf(b, "%s('PERSIST', K[%d])\n", fn, k)
	case codeHGetAll:
		fmt.Fprintf(b, "%s('HGETALL', K[%d])\n", fn, k)
	case codePExpire:
		fmt.Fprintf(b, "%s('PEXPIRE', K[%d], A[p]); p = p + 1\n", fn, k)
	case codePExpireNX:
		fmt.Fprintf(b, "%s('PEXPIRE', K[%d], A[p], 'NX'); p = p + 1\n", fn, k)
	case codePExpireGT:
		fmt.Fprintf(b, "%s('PEXPIRE', K[%d], A[p], 'GT'); p = p + 1\n", fn, k)
	case codeExtend:
		fmt.Fprintf(b, "if %s('PEXPIRE', K[%d], A[p], 'GT') == 0 then %s('PEXPIRE', K[%d], A[p], 'NX') end; p = p + 1\n", fn, k, fn, k)
	case codeIncrBy:
		fmt.Fprintf(b, "%s('INCRBY', K[%d], A[p]); p = p + 1\n", fn, k)
	case codeHIncrBy:
		fmt.Fprintf(b, "%s('HINCRBY', K[%d], A[p], A[p + 1]); p = p + 2\n", fn, k)
	case codeLTrim:
		fmt.Fprintf(b, "%s('LTRIM', K[%d], A[p], A[p + 1]); p = p + 2\n", fn, k)
	default: // a list: its count, then its elements
		fmt.Fprintf(b, "%s('%s', K[%d], unpack(A, p + 1, p + tonumber(A[p]))); p = p + 1 + tonumber(A[p])\n", fn, listNames[code], k)
	}
}

// EncodeShape returns the ShapeScript of a group that passed
// store.CheckGroup with checks and that Choose routed to RouteShape, with
// its KEYS (the group's keys in first-use order) and ARGV (each command's
// arguments in the order the script runs them; a list after its count).
func EncodeShape(ops []store.Op, checks store.GroupChecks) (s *ShapeScript, keys, args []string, err error) {
	p, ok := planShape(ops, checks)
	if !ok {
		return nil, nil, nil, fmt.Errorf("luagroup: %w: the group has no shape script", store.ErrInvalidArgument)
	}
	n := 0
	for _, st := range p.steps[:p.nsteps] {
		_, l, _ := opShape(ops[st.op])
		n += 2 + l
	}
	args = make([]string, 0, n)
	for _, st := range p.steps[:p.nsteps] {
		if args, err = appendShapeArgs(args, ops[st.op]); err != nil {
			i := st.op
			return nil, nil, nil, fmt.Errorf("luagroup: op %d (%T) on key %q: %w", i, ops[i], ops[i].OpKey(), err)
		}
	}
	return p.script(), p.keys, args, nil
}

// appendShapeArgs appends op's ARGV elements. A hash's fields go in map
// order: HSET of distinct fields does not depend on their order.
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
	case *store.HSetOp:
		args = append(args, strconv.Itoa(2*len(o.Fields)))
		for f, v := range o.Fields {
			args = append(args, f, v)
		}
		return args, nil
	case *store.HDelOp:
		return appendList(args, o.Fields), nil
	case *store.RPushOp:
		return appendList(args, o.Values), nil
	case *store.LPushOp:
		return appendList(args, o.Values), nil
	case *store.SAddOp:
		return appendList(args, o.Members), nil
	case *store.SRemOp:
		return appendList(args, o.Members), nil
	}
	return args, nil
}

func appendList(args, list []string) []string {
	args = append(args, strconv.Itoa(len(list)))
	return append(args, list...)
}
