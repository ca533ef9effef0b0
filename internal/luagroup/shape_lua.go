package luagroup

// This file writes the Lua source of a ShapeScript from its plan.

import (
	"fmt"
	"slices"
	"strings"
)

// wrongType is the error reply of a failed type check, Script's.
const wrongType = `WRONGTYPE Operation against a key holding the wrong kind of value`

// luaIntChecks are Script's Lua functions that check an increment as
// Redis does, on the decimal text: strict(s) reports whether s is an
// integer Redis accepts, overflows(a, b) whether a + b leaves the int64
// range. Script includes them too.
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
