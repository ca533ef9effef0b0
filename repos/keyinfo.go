package repos

// This file exports the key layout of keys.go to tools (cmd/storectl):
// Scan patterns of an application, a tenant and a user, and ParseKey,
// which decodes a key back into its shape and identifiers. It builds no
// key itself: keys.go stays the one place that does.

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mimeiapify/store/internal/glob"
)

// Shape names the kind of a key of the layout (see the table in keys.go).
type Shape string

// The shapes ParseKey recognises. ShapeTenantOther is a key under a
// tenant's base that matches none of the others (a layout of a newer
// version); its KeyInfo has only Tenant.
const (
	ShapeUser          Shape = "user"              // p t:T:{T:users:B}:user:U
	ShapeUsersBucket   Shape = "users-bucket"      // p t:T:{T:users:B}:ids
	ShapeUserField     Shape = "user-field"        // p t:T:{T:users:B}:by:F:V
	ShapeHandlerState  Shape = "handler-state"     // p t:T:{T:U}:state:H
	ShapeSharedState   Shape = "shared-state"      // p t:T:{T:U}:shared:N
	ShapeSharedIndex   Shape = "shared-index"      // p t:T:{T:U}:shared
	ShapeRow           Shape = "row"               // p t:T:{T:pk:K}:row:TB
	ShapePKTables      Shape = "pk-tables"         // p t:T:{T:pk:K}:tables
	ShapeQueue         Shape = "queue"             // p t:T:{T:q:S:B:A}:queue
	ShapeInflight      Shape = "inflight"          // p t:T:{T:q:S:B:A}:inflight (claims by lease end)
	ShapeClaim         Shape = "claim"             // p t:T:{T:q:S:B:A}:claim:C
	ShapeTrigger       Shape = "trigger"           // p t:T:{TG}:trg:I:A
	ShapeIdentTriggers Shape = "trigger-index"     // p t:T:{TG}:trgs:I
	ShapeGeneric       Shape = "generic"           // p t:T:kv:G
	ShapeLock          Shape = "lock"              // p t:T:lock:L
	ShapeTenantOther   Shape = "tenant-other"      // p t:T:... (unknown)
	ShapePending       Shape = "pending"           // p pending:{k.j}:S
	ShapeLeased        Shape = "leased-tenants"    // p pending:{k.j}:S:leased
	ShapeTenantLease   Shape = "tenant-lease"      // p pending:{k.j}:S:lease:T
	ShapeSchedule      Shape = "trigger-schedule"  // p triggers:{TG}:due
	ShapeDeadTriggers  Shape = "dead-triggers"     // p triggers:{TG}:dead
	ShapeWake          Shape = "trigger-wake"      // p triggers:{TG}:wake
	ShapeListeners     Shape = "trigger-listeners" // p triggers:{trg~live}:listeners
)

// KeyInfo is what ParseKey decodes from a key: its shape and the decoded
// identifiers the shape holds (the others are empty).
type KeyInfo struct {
	Shape   Shape
	Tenant  string // every t:T:... shape, tenant-lease
	User    string // user, handler-state, shared-state, shared-index
	Handler string // handler-state
	Name    string // shared-state (the state's name), generic (the key), lock, claim (the claim id)
	Field   string // user-field (the indexed field's name)
	Bucket  int    // user, users-bucket, user-field; the shard k of pending, leased-tenants, tenant-lease
	PK      string // row, pk-tables
	Table   string // row
	Service string // queue, inflight, claim, pending, leased-tenants, tenant-lease
	Batch   string // queue, inflight, claim
	Action  string // queue, inflight, claim, trigger
	Ident   string // trigger, trigger-index
	// Shard is the trigger shard of a trigger, trigger-index,
	// trigger-schedule, dead-triggers or trigger-wake key.
	Shard int
}

// AppPattern returns a Scan pattern matching every key of the application
// with key prefix prefix (as Options.Prefix; "" matches every key) and no
// key of an application with another prefix. It fails with
// ErrInvalidOption on a bad prefix.
func AppPattern(prefix string) (string, error) {
	s, err := (&Options{Prefix: prefix}).resolve()
	if err != nil {
		return "", err
	}
	return glob.Escape(s.keys.prefix) + "*", nil
}

// TenantPattern returns a Scan pattern matching every key of tenant under
// the key prefix prefix and no key of another tenant, whatever bytes the
// tenant id holds. It fails with ErrInvalidID or ErrInvalidOption.
func TenantPattern(prefix, tenant string) (string, error) {
	if err := checkID("tenant", tenant); err != nil {
		return "", err
	}
	s, err := (&Options{Prefix: prefix}).resolve()
	if err != nil {
		return "", err
	}
	return s.keys.tenantPattern(tenant), nil
}

// UserPattern returns a Scan pattern matching every key in one user's own
// hash slot (handler states, shared states and their index) and nothing
// else; the user's record lives in its users bucket instead (see
// UserRecordKey). It fails with ErrInvalidID or ErrInvalidOption.
func UserPattern(prefix, tenant, user string) (string, error) {
	if err := checkIDs("tenant", tenant, "user id", user); err != nil {
		return "", err
	}
	s, err := (&Options{Prefix: prefix}).resolve()
	if err != nil {
		return "", err
	}
	return glob.Escape(s.keys.userTag(tenant, user)+":") + "*", nil
}

// UserRecordKey returns the key of one user's record under the key prefix
// prefix. It fails with ErrInvalidID or ErrInvalidOption.
func UserRecordKey(prefix, tenant, user string) (string, error) {
	if err := checkIDs("tenant", tenant, "user id", user); err != nil {
		return "", err
	}
	s, err := (&Options{Prefix: prefix}).resolve()
	if err != nil {
		return "", err
	}
	return s.keys.user(tenant, user), nil
}

// DecodeClaim decodes a batch claim's record (a claim key, read with
// HGetAll): the end of the claim's lease and its items; ok is false for a
// malformed record.
func DecodeClaim(record map[string]string) (until time.Time, items []string, ok bool) {
	v, found := record[claimField]
	if !found {
		return time.Time{}, nil, false
	}
	return decodeClaim(v)
}

// ParseKey decodes a key of the layout under prefix (as Options.Prefix);
// ok is false for a key outside the prefix or of no known shape. A key
// under a tenant's base ("t:" T ":") whose rest is unknown gives
// ShapeTenantOther with its tenant, so that tools still count it.
func ParseKey(prefix, key string) (KeyInfo, bool) {
	s, err := (&Options{Prefix: prefix}).resolve()
	if err != nil {
		return KeyInfo{}, false
	}
	rest, ok := strings.CutPrefix(key, s.keys.prefix)
	if !ok {
		return KeyInfo{}, false
	}
	if r, ok := strings.CutPrefix(rest, "t:"); ok {
		return parseTenantKey(r)
	}
	if r, ok := strings.CutPrefix(rest, "pending:{"); ok {
		return parsePendingKey(r)
	}
	if r, ok := strings.CutPrefix(rest, "triggers:{"); ok {
		return parseScheduleKey(r)
	}
	return KeyInfo{}, false
}

// parseTenantKey parses what follows "t:" in a tenant's key.
func parseTenantKey(r string) (KeyInfo, bool) {
	encT, rest, found := strings.Cut(r, ":")
	tenant, ok := dec(encT)
	if !found || !ok || encT == "" {
		return KeyInfo{}, false
	}
	info := KeyInfo{Shape: ShapeTenantOther, Tenant: tenant}
	switch {
	case strings.HasPrefix(rest, "lock:"):
		if name, ok := dec(rest[5:]); ok && name != "" {
			info.Shape, info.Name = ShapeLock, name
		}
	case strings.HasPrefix(rest, "kv:"):
		if name, ok := dec(rest[3:]); ok && name != "" {
			info.Shape, info.Name = ShapeGeneric, name
		}
	case strings.HasPrefix(rest, "{trg~"):
		tag, suffix, _ := strings.Cut(rest[1:], "}")
		if shard, ok := shardOfTag(tag); ok {
			parseTriggerSuffix(&info, shard, suffix)
		}
	case strings.HasPrefix(rest, "{"):
		tag, suffix, found := strings.Cut(rest[1:], "}")
		parts := strings.Split(tag, ":")
		if found && len(parts) >= 2 && parts[0] == encT {
			parseTagged(&info, parts[1:], suffix)
		}
	}
	return info, true
}

// parseTagged fills in info from the parts of a hash tag after the tenant
// and the suffix after the tag; it leaves ShapeTenantOther when they fit
// no shape.
func parseTagged(info *KeyInfo, parts []string, suffix string) {
	ids, ok := decAll(parts)
	if !ok {
		return
	}
	switch {
	case len(ids) == 1:
		parseUserSuffix(info, ids[0], suffix)
	case len(ids) == 2 && parts[0] == "users":
		parseUsersSuffix(info, ids[1], suffix)
	case len(ids) == 2 && parts[0] == "pk":
		info.PK = ids[1]
		if t, ok := cutDec(suffix, ":row:"); ok {
			info.Shape, info.Table = ShapeRow, t
		} else if suffix == ":tables" {
			info.Shape = ShapePKTables
		}
	case len(ids) == 4 && parts[0] == "q":
		info.Service, info.Batch, info.Action = ids[1], ids[2], ids[3]
		switch suffix {
		case ":queue":
			info.Shape = ShapeQueue
		case ":inflight":
			info.Shape = ShapeInflight
		default:
			if id, ok := cutDec(suffix, ":claim:"); ok {
				info.Shape, info.Name = ShapeClaim, id
			}
		}
	}
	if info.Shape == ShapeTenantOther {
		*info = KeyInfo{Shape: ShapeTenantOther, Tenant: info.Tenant}
	}
}

// parseUsersSuffix fills in the shape of a key in a users bucket's tag.
func parseUsersSuffix(info *KeyInfo, bucket, suffix string) {
	b, err := strconv.Atoi(bucket)
	if err != nil || b < 0 || b >= UserBuckets || strconv.Itoa(b) != bucket {
		return
	}
	info.Bucket = b
	switch {
	case suffix == ":ids":
		info.Shape = ShapeUsersBucket
	case strings.HasPrefix(suffix, ":user:"):
		if u, ok := cutDec(suffix, ":user:"); ok {
			info.Shape, info.User = ShapeUser, u
		}
	case strings.HasPrefix(suffix, ":by:"):
		f, _, found := strings.Cut(suffix[len(":by:"):], ":")
		if name, ok := dec(f); found && ok && name != "" {
			info.Shape, info.Field = ShapeUserField, name
		}
	}
}

// parseUserSuffix fills in the shape of a key in user's tag.
func parseUserSuffix(info *KeyInfo, user, suffix string) {
	info.User = user
	switch {
	case suffix == ":shared":
		info.Shape = ShapeSharedIndex
	default:
		if h, ok := cutDec(suffix, ":state:"); ok {
			info.Shape, info.Handler = ShapeHandlerState, h
		} else if n, ok := cutDec(suffix, ":shared:"); ok {
			info.Shape, info.Name = ShapeSharedState, n
		}
	}
}

// parsePendingKey parses what follows "pending:{": a shard's tag, then
// ":" S, and ":leased" or ":lease:" T or nothing.
func parsePendingKey(r string) (KeyInfo, bool) {
	tag, rest, found := strings.Cut(r, "}:")
	shard := slices.Index(pendingTags[:], tag)
	if !found || shard < 0 {
		return KeyInfo{}, false
	}
	parts := strings.Split(rest, ":")
	service, ok := dec(parts[0])
	if !ok || parts[0] == "" {
		return KeyInfo{}, false
	}
	info := KeyInfo{Service: service, Bucket: shard}
	switch {
	case len(parts) == 1:
		info.Shape = ShapePending
	case len(parts) == 2 && parts[1] == "leased":
		info.Shape = ShapeLeased
	case len(parts) == 3 && parts[1] == "lease":
		tenant, ok := dec(parts[2])
		if !ok || parts[2] == "" || tenantShard(tenant) != shard {
			return KeyInfo{}, false
		}
		info.Shape, info.Tenant = ShapeTenantLease, tenant
	default:
		return KeyInfo{}, false
	}
	return info, true
}

// parseTriggerSuffix fills in the shape of a tenant's key in a trigger
// shard's tag: a trigger (:trg:I:A) or an identifier's index (:trgs:I).
func parseTriggerSuffix(info *KeyInfo, shard int, suffix string) {
	if rest, ok := strings.CutPrefix(suffix, ":trg:"); ok {
		encI, encA, _ := strings.Cut(rest, ":")
		ids, ok := decAll([]string{encI, encA})
		if ok && !strings.ContainsAny(encA, ":{}") && triggerShard(info.Tenant, ids[0]) == shard {
			info.Shape, info.Ident, info.Action, info.Shard = ShapeTrigger, ids[0], ids[1], shard
		}
	} else if ident, ok := cutDec(suffix, ":trgs:"); ok && triggerShard(info.Tenant, ident) == shard {
		info.Shape, info.Ident, info.Shard = ShapeIdentTriggers, ident, shard
	}
}

// parseScheduleKey parses what follows "triggers:{": a shard's key or
// the listener registry.
func parseScheduleKey(r string) (KeyInfo, bool) {
	tag, suffix, found := strings.Cut(r, "}")
	if !found {
		return KeyInfo{}, false
	}
	if tag == listenersTag {
		return KeyInfo{Shape: ShapeListeners}, suffix == ":listeners"
	}
	shard, ok := shardOfTag(tag)
	if !ok {
		return KeyInfo{}, false
	}
	shapes := map[string]Shape{":due": ShapeSchedule, ":dead": ShapeDeadTriggers, ":wake": ShapeWake}
	if sh, ok := shapes[suffix]; ok {
		return KeyInfo{Shape: sh, Shard: shard}, true
	}
	return KeyInfo{}, false
}

// decAll decodes every part with dec; ok is false if one is not an
// output of enc or is empty.
func decAll(parts []string) ([]string, bool) {
	out := make([]string, len(parts))
	for i, p := range parts {
		d, ok := dec(p)
		if !ok || p == "" {
			return nil, false
		}
		out[i] = d
	}
	return out, true
}

// cutDec cuts the fixed head off s and decodes the rest, which must be a
// non-empty output of enc.
func cutDec(s, head string) (string, bool) {
	rest, ok := strings.CutPrefix(s, head)
	if !ok || rest == "" || strings.ContainsAny(rest, ":{}") {
		return "", false
	}
	return dec(rest)
}
