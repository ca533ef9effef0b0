package store

import (
	"fmt"
	"math"
	"time"
)

// Op is one step of an atomic group (Backend.Apply, Backend.Update). The
// set of ops is closed: a backend type-switches over the types below.
type Op interface {
	// OpKey returns the key the op touches.
	OpKey() string
	isOp()
}

// SetOp is Strings.Set inside a group.
type SetOp struct {
	Key, Value string
	TTL        time.Duration // zero: no expiry
}

// DelOp deletes Key inside a group.
type DelOp struct{ Key string }

// ExpireOp is Keys.Expire inside a group; TTL must be positive. With NX
// set it changes only a key that has no TTL (Redis' PEXPIRE NX): the way
// to give a counter or an index a TTL when it is created without renewing
// it on every write. With GT set it changes only a key whose current
// expiry is earlier than the new one (Redis' PEXPIRE GT): it extends a
// TTL and never shortens it; a key without TTL counts as an infinite TTL,
// so GT leaves it without one. NX and GT together are malformed
// ([CheckGroup] fails with [ErrInvalidArgument]). Either way a missing key
// is not created and nothing is reported.
type ExpireOp struct {
	Key string
	TTL time.Duration
	NX  bool
	GT  bool
}

// PersistOp is Keys.Persist inside a group.
type PersistOp struct{ Key string }

// IncrByOp is Strings.IncrBy inside a group; Result is filled in.
type IncrByOp struct {
	Key    string
	Delta  int64
	Result int64
}

// HSetOp is Hashes.HSet inside a group.
type HSetOp struct {
	Key    string
	Fields map[string]string
}

// HDelOp is Hashes.HDel inside a group.
type HDelOp struct {
	Key    string
	Fields []string
}

// HIncrByOp is Hashes.HIncrBy inside a group; Result is filled in.
type HIncrByOp struct {
	Key, Field string
	Delta      int64
	Result     int64
}

// HGetAllOp reads a whole hash inside a group, after the group's earlier
// writes; Result is filled in (empty for a missing key).
type HGetAllOp struct {
	Key    string
	Result map[string]string
}

// RPushOp is Lists.RPush inside a group.
type RPushOp struct {
	Key    string
	Values []string
}

// LPushOp is Lists.LPush inside a group.
type LPushOp struct {
	Key    string
	Values []string
}

// LTrimOp is Lists.LTrim inside a group.
type LTrimOp struct {
	Key         string
	Start, Stop int64
}

// SAddOp is Sets.SAdd inside a group.
type SAddOp struct {
	Key     string
	Members []string
}

// SRemOp is Sets.SRem inside a group.
type SRemOp struct {
	Key     string
	Members []string
}

// LPopOp is Lists.LPop inside a group: it removes up to Count (at least
// 1) elements from the left. Result is filled in with what was removed,
// after the group's earlier writes (empty for a missing key): it is a read
// op, as HGetAllOp.
type LPopOp struct {
	Key    string
	Count  int
	Result []string
}

// ZAddOp is SortedSets.ZAdd inside a group. With NX set it only adds new
// members (it never updates a score); with XX set it only updates members
// that exist (it never adds one). NX and XX together, an empty member list
// or a NaN score are malformed ([CheckGroup] fails with
// [ErrInvalidArgument]).
type ZAddOp struct {
	Key     string
	Members []ZMember
	NX, XX  bool
}

// ZRemOp is SortedSets.ZRem inside a group.
type ZRemOp struct {
	Key     string
	Members []string
}

// OpKey returns the key the op touches.
func (o *SetOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *DelOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *ExpireOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *PersistOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *IncrByOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *HSetOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *HDelOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *HIncrByOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *HGetAllOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *RPushOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *LPushOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *LTrimOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *SAddOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *SRemOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *LPopOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *ZAddOp) OpKey() string { return o.Key }

// OpKey returns the key the op touches.
func (o *ZRemOp) OpKey() string { return o.Key }

func (*SetOp) isOp()     {}
func (*DelOp) isOp()     {}
func (*ExpireOp) isOp()  {}
func (*PersistOp) isOp() {}
func (*IncrByOp) isOp()  {}
func (*HSetOp) isOp()    {}
func (*HDelOp) isOp()    {}
func (*HIncrByOp) isOp() {}
func (*HGetAllOp) isOp() {}
func (*RPushOp) isOp()   {}
func (*LPushOp) isOp()   {}
func (*LTrimOp) isOp()   {}
func (*SAddOp) isOp()    {}
func (*SRemOp) isOp()    {}
func (*LPopOp) isOp()    {}
func (*ZAddOp) isOp()    {}
func (*ZRemOp) isOp()    {}

// GroupChecks are what a backend must verify against the state before an
// atomic group, all of them before it writes anything. For a group that
// passed CheckGroup, these checks fail exactly when applying the ops one
// after the other, as Redis would, would fail at some op.
type GroupChecks struct {
	// Types: each Key must be missing or hold Type (else ErrWrongType).
	Types []TypeCheck
	// Incrs: each value must be missing or an integer (ErrNotInteger),
	// and adding Delta must not overflow (ErrOverflow).
	Incrs []IncrCheck
}

// TypeCheck asks that Key be missing or of type Type.
type TypeCheck struct {
	Key  string
	Type Type
}

// IncrCheck asks that Key (or, when Hash is set, Field of hash Key) be
// missing or an integer that Delta can be added to without overflow.
type IncrCheck struct {
	Key, Field string
	Hash       bool
	Delta      int64
}

// groupKey is the per-key state CheckGroup walks through.
type groupKey struct {
	key      string
	family   Type            // type of the current run of typed ops; TypeNone before any
	reset    bool            // a SetOp or DelOp came before: no type check needed
	checked  bool            // a TypeCheck was emitted
	written  bool            // the whole value was written (Set, Del, IncrBy, list or set op)
	fieldsWr map[string]bool // hash fields written; tracked only when the group has an HIncrByOp
}

// groupState is what CheckGroup knows of a group's keys so far. Groups are
// small, so keys are found by a linear search until there are many.
type groupState struct {
	keys        []groupKey
	index       map[string]int // used once keys outgrow linearKeys
	trackFields bool
}

const linearKeys = 16

func (g *groupState) get(key string) *groupKey {
	if g.index != nil {
		if i, ok := g.index[key]; ok {
			return &g.keys[i]
		}
	} else {
		for i := range g.keys {
			if g.keys[i].key == key {
				return &g.keys[i]
			}
		}
	}
	g.keys = append(g.keys, groupKey{key: key})
	if g.index == nil && len(g.keys) > linearKeys {
		g.index = make(map[string]int, 2*len(g.keys))
		for i := range g.keys {
			g.index[g.keys[i].key] = i
		}
	} else if g.index != nil {
		g.index[key] = len(g.keys) - 1
	}
	return &g.keys[len(g.keys)-1]
}

// CheckGroup validates an atomic group and returns the checks a backend
// must run before applying it. It fails with ErrInvalidArgument when the
// group is empty, holds a nil op or a malformed one (negative TTL, an empty
// field, value or member list), uses one key as two types without a SetOp
// or DelOp between them, or increments a key or hash field that an earlier
// op of the group writes. Every backend calls it first, so that all of them
// accept and reject the same groups.
func CheckGroup(ops []Op) (GroupChecks, error) {
	var gc GroupChecks
	if len(ops) == 0 {
		return gc, fmt.Errorf("%w: empty atomic group", ErrInvalidArgument)
	}
	g := groupState{keys: make([]groupKey, 0, min(len(ops), linearKeys))}
	for _, op := range ops {
		if _, ok := op.(*HIncrByOp); ok {
			g.trackFields = true
			break
		}
	}
	for i, op := range ops {
		if op == nil {
			return gc, fmt.Errorf("%w: op %d of the group is nil", ErrInvalidArgument, i)
		}
		if err := checkOp(&gc, &g, op); err != nil {
			return GroupChecks{}, fmt.Errorf("op %d (%T) on key %q: %w", i, op, op.OpKey(), err)
		}
	}
	return gc, nil
}

func checkOp(gc *GroupChecks, g *groupState, op Op) error {
	if err := checkOpArgs(op); err != nil {
		return err
	}
	k := g.get(op.OpKey())
	switch o := op.(type) {
	case *SetOp:
		*k = groupKey{key: k.key, family: TypeString, reset: true, written: true}
		return nil
	case *DelOp:
		*k = groupKey{key: k.key, reset: true, written: true}
		return nil
	case *ExpireOp, *PersistOp:
		return nil
	case *IncrByOp:
		if k.written {
			return fmt.Errorf("%w: increments a key an earlier op of the group writes", ErrInvalidArgument)
		}
		gc.Incrs = append(gc.Incrs, IncrCheck{Key: o.Key, Delta: o.Delta})
		k.written = true
		return k.use(gc, o.Key, TypeString)
	case *HIncrByOp:
		if k.written || k.fieldsWr[o.Field] {
			return fmt.Errorf("%w: increments a hash field an earlier op of the group writes", ErrInvalidArgument)
		}
		gc.Incrs = append(gc.Incrs, IncrCheck{Key: o.Key, Field: o.Field, Hash: true, Delta: o.Delta})
		k.writeFields(o.Field)
		return k.use(gc, o.Key, TypeHash)
	case *HSetOp:
		if g.trackFields {
			for f := range o.Fields {
				k.writeFields(f)
			}
		}
		return k.use(gc, o.Key, TypeHash)
	case *HDelOp:
		if g.trackFields {
			k.writeFields(o.Fields...)
		}
		return k.use(gc, o.Key, TypeHash)
	case *HGetAllOp:
		return k.use(gc, o.Key, TypeHash)
	case *RPushOp, *LPushOp, *LTrimOp, *LPopOp:
		k.written = true
		return k.use(gc, op.OpKey(), TypeList)
	case *SAddOp, *SRemOp:
		k.written = true
		return k.use(gc, op.OpKey(), TypeSet)
	case *ZAddOp, *ZRemOp:
		k.written = true
		return k.use(gc, op.OpKey(), TypeZSet)
	}
	return fmt.Errorf("%w: unknown op type", ErrInvalidArgument)
}

func (k *groupKey) writeFields(fields ...string) {
	if k.fieldsWr == nil {
		k.fieldsWr = make(map[string]bool, len(fields))
	}
	for _, f := range fields {
		k.fieldsWr[f] = true
	}
}

// use records a typed op on the key and emits its type check if it is the
// first typed op before any SetOp or DelOp.
func (k *groupKey) use(gc *GroupChecks, key string, t Type) error {
	if k.family != TypeNone && k.family != t {
		return fmt.Errorf("%w: uses the key as a %s after using it as a %s", ErrInvalidArgument, t, k.family)
	}
	k.family = t
	if !k.reset && !k.checked {
		k.checked = true
		gc.Types = append(gc.Types, TypeCheck{Key: key, Type: t})
	}
	return nil
}

func checkOpArgs(op Op) error {
	switch o := op.(type) {
	case *SetOp:
		return checkTTL(o.TTL, false)
	case *ExpireOp:
		if o.NX && o.GT {
			return fmt.Errorf("%w: expire with both NX and GT", ErrInvalidArgument)
		}
		return checkTTL(o.TTL, true)
	case *HSetOp:
		return nonEmpty(len(o.Fields), "fields")
	case *HDelOp:
		return nonEmpty(len(o.Fields), "fields")
	case *RPushOp:
		return nonEmpty(len(o.Values), "values")
	case *LPushOp:
		return nonEmpty(len(o.Values), "values")
	case *SAddOp:
		return nonEmpty(len(o.Members), "members")
	case *SRemOp:
		return nonEmpty(len(o.Members), "members")
	case *LPopOp:
		if o.Count < 1 {
			return fmt.Errorf("%w: lpop count %d must be at least 1", ErrInvalidArgument, o.Count)
		}
	case *ZAddOp:
		if o.NX && o.XX {
			return fmt.Errorf("%w: zadd with both NX and XX", ErrInvalidArgument)
		}
		return CheckZMembers(o.Members)
	case *ZRemOp:
		return nonEmpty(len(o.Members), "members")
	}
	return nil
}

// CheckZMembers checks the members of a ZAdd: at least one, and no NaN
// score (ErrInvalidArgument naming the member otherwise).
func CheckZMembers(members []ZMember) error {
	if err := nonEmpty(len(members), "members"); err != nil {
		return err
	}
	for _, m := range members {
		if math.IsNaN(m.Score) {
			return fmt.Errorf("%w: score of member %q is NaN", ErrInvalidArgument, m.Member)
		}
	}
	return nil
}

// CheckScoreRange checks the arguments of a ZRangeByScore: bounds that
// are not NaN and a positive limit (ErrInvalidArgument otherwise).
func CheckScoreRange(lo, hi float64, limit int) error {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return fmt.Errorf("%w: score range [%v, %v] has a NaN bound", ErrInvalidArgument, lo, hi)
	}
	if limit < 1 {
		return fmt.Errorf("%w: limit %d must be positive", ErrInvalidArgument, limit)
	}
	return nil
}

func nonEmpty(n int, what string) error {
	if n == 0 {
		return fmt.Errorf("%w: no %s given", ErrInvalidArgument, what)
	}
	return nil
}

func checkTTL(ttl time.Duration, required bool) error {
	if ttl < 0 || (required && ttl == 0) {
		return fmt.Errorf("%w: TTL %v must be positive", ErrInvalidArgument, ttl)
	}
	return nil
}

// TTLMillis converts a TTL to whole milliseconds as backends store it: a
// positive TTL below 1 ms becomes 1 ms, and sub-millisecond remainders are
// rounded up. A negative TTL fails with ErrInvalidArgument; zero gives 0.
func TTLMillis(ttl time.Duration) (int64, error) {
	if ttl < 0 {
		return 0, fmt.Errorf("%w: TTL %v is negative", ErrInvalidArgument, ttl)
	}
	ms := int64(ttl / time.Millisecond)
	if ttl%time.Millisecond != 0 {
		ms++
	}
	return ms, nil
}
