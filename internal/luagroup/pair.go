package luagroup

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"

	"github.com/mimeiapify/store"
)

// PairScript applies a group of one write op on a key, optionally followed
// by an ExpireOp or PersistOp on the same key: the shape of most writes
// with a TTL. KEYS[1] is the key; ARGV holds the write's command name, the
// TTL op ("pexpire", "pexpirenx", "pexpiregt", "persist" or ""), the TTL in
// milliseconds and the write's arguments (see EncodePair).
//
// The write is the group's only op that can fail, and a Redis command
// that fails writes nothing, so the write is its own check: it runs under
// redis.pcall, and its error reply (WRONGTYPE ..., ERR value is not an
// integer or out of range, ERR increment or decrement would overflow) is
// returned as it is, before the TTL op runs. The reply is the new value
// for INCRBY (read back with GET, since Lua numbers are doubles), else
// empty, as Script's.
const PairScript = `
local k, cmd, ttl = KEYS[1], ARGV[1], ARGV[2]
local r = redis.pcall(cmd, k, unpack(ARGV, 4))
if type(r) == 'table' and r.err then return r end
if ttl == 'pexpire' then redis.call('PEXPIRE', k, ARGV[3])
elseif ttl == 'pexpirenx' then redis.call('PEXPIRE', k, ARGV[3], 'NX')
elseif ttl == 'pexpiregt' then redis.call('PEXPIRE', k, ARGV[3], 'GT')
elseif ttl == 'persist' then redis.call('PERSIST', k) end
if cmd == 'INCRBY' then return {redis.call('GET', k)} end
return {}
`

// PairSHA1 is the hex SHA1 digest of PairScript, as EVALSHA names it.
var PairSHA1 string

func init() {
	sum := sha1.Sum([]byte(PairScript))
	PairSHA1 = hex.EncodeToString(sum[:])
}

// maxPairArgs bounds the write's arguments in PairScript, which passes
// them with unpack, below Lua's C stack limit (LUAI_MAXCSTACK, 8000);
// larger groups go through Script, which sends them in chunks.
const maxPairArgs = 1000

// pairShape reports whether ops fit PairScript: one HSetOp, HDelOp,
// RPushOp, LPushOp, SAddOp, SRemOp or IncrByOp, then at most an ExpireOp
// or PersistOp on the same key. HIncrByOp is left to Script, whose error
// text for a non-integer field differs from HINCRBY's.
func pairShape(ops []store.Op) bool {
	if len(ops) == 0 || len(ops) > 2 {
		return false
	}
	n := 0
	switch o := ops[0].(type) {
	case *store.HSetOp:
		n = 2 * len(o.Fields)
	case *store.HDelOp:
		n = len(o.Fields)
	case *store.RPushOp:
		n = len(o.Values)
	case *store.LPushOp:
		n = len(o.Values)
	case *store.SAddOp:
		n = len(o.Members)
	case *store.SRemOp:
		n = len(o.Members)
	case *store.IncrByOp:
		n = 1
	default:
		return false
	}
	if n == 0 || n > maxPairArgs {
		return false
	}
	if len(ops) == 1 {
		return true
	}
	switch ops[1].(type) {
	case *store.ExpireOp, *store.PersistOp:
		return ops[1].OpKey() == ops[0].OpKey()
	}
	return false
}

// EncodePair returns the key and ARGV of PairScript for a group that
// passed store.CheckGroup and for which Choose returned RoutePair.
func EncodePair(ops []store.Op) (key string, args []string, err error) {
	if !pairShape(ops) {
		return "", nil, fmt.Errorf("luagroup: %w: the group is not a write and its TTL", store.ErrInvalidArgument)
	}
	key = ops[0].OpKey()
	ttl, ms := "", "0"
	if len(ops) == 2 {
		switch o := ops[1].(type) {
		case *store.ExpireOp:
			n, err := Millis(o.TTL)
			if err != nil {
				return "", nil, fmt.Errorf("luagroup: %w", err)
			}
			ttl, ms = "pexpire", strconv.FormatInt(n, 10)
			switch {
			case o.NX:
				ttl = "pexpirenx"
			case o.GT:
				ttl = "pexpiregt"
			}
		case *store.PersistOp:
			ttl = "persist"
		}
	}
	switch o := ops[0].(type) {
	case *store.HSetOp:
		args = make([]string, 3, 3+2*len(o.Fields))
		args[0] = "HSET"
		fields := make([]string, 0, len(o.Fields))
		for f := range o.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			args = append(args, f, o.Fields[f])
		}
	case *store.IncrByOp:
		args = []string{"INCRBY", "", "", strconv.FormatInt(o.Delta, 10)}
	case *store.HDelOp:
		args = pairList("HDEL", o.Fields)
	case *store.RPushOp:
		args = pairList("RPUSH", o.Values)
	case *store.LPushOp:
		args = pairList("LPUSH", o.Values)
	case *store.SAddOp:
		args = pairList("SADD", o.Members)
	case *store.SRemOp:
		args = pairList("SREM", o.Members)
	}
	args[1], args[2] = ttl, ms
	return key, args, nil
}

// pairList is the ARGV of a write whose arguments are list, with room
// for the TTL op and milliseconds.
func pairList(cmd string, list []string) []string {
	args := make([]string, 3, 3+len(list))
	args[0] = cmd
	return append(args, list...)
}
