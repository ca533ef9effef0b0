package main

// This file copies the key layout of package repos (repos/keys.go, whose
// functions are unexported) for the raw twins, so that a twin writes keys
// of the same shape, length and hash slot as the call it is measured
// against. The ids benchcmp uses hold only [A-Za-z0-9._-], which repos'
// enc keeps as they are, so no encoding is needed here. When the layout
// in repos/keys.go changes, change the function of the same name here.
//
// Keys of the raw twins' own designs (a scheduler's sorted set, a
// reliable queue's processing list) are at the end; they do not follow
// the repository's layout, since the twin does the job its own way.

import "strconv"

// layout builds the keys of one prefix (ending with ':').
type layout struct{ p string }

// userBucket is repos.userBucket: FNV-1a 32 of the user id modulo
// repos.UserBuckets (128).
func userBucket(user string) int {
	h := uint32(2166136261)
	for i := 0; i < len(user); i++ {
		h ^= uint32(user[i])
		h *= 16777619
	}
	return int(h % 128)
}

// usersTag is p t:T:{T:users:B}.
func (l layout) usersTag(t string, bucket int) string {
	return l.p + "t:" + t + ":{" + t + ":users:" + strconv.Itoa(bucket) + "}"
}

// user is the user record: p t:T:{T:users:B}:user:U (hash).
func (l layout) user(t, u string) string { return l.usersTag(t, userBucket(u)) + ":user:" + u }

// userIDs is the user's bucket of ids: p t:T:{T:users:B}:ids (set).
func (l layout) userIDs(t, u string) string { return l.usersTag(t, userBucket(u)) + ":ids" }

// userTag is p t:T:{T:U}.
func (l layout) userTag(t, u string) string { return l.p + "t:" + t + ":{" + t + ":" + u + "}" }

// handlerState is p t:T:{T:U}:state:H (hash).
func (l layout) handlerState(t, u, h string) string { return l.userTag(t, u) + ":state:" + h }

// sharedState is p t:T:{T:U}:shared:N (hash).
func (l layout) sharedState(t, u, n string) string { return l.userTag(t, u) + ":shared:" + n }

// sharedIndex is p t:T:{T:U}:shared (set of state names).
func (l layout) sharedIndex(t, u string) string { return l.userTag(t, u) + ":shared" }

// generic is p t:T:kv:G (string).
func (l layout) generic(t, g string) string { return l.p + "t:" + t + ":kv:" + g }

// queueTag is p t:T:{T:q:S:B:A}.
func (l layout) queueTag(t, s, b, a string) string {
	return l.p + "t:" + t + ":{" + t + ":q:" + s + ":" + b + ":" + a + "}"
}

// queue is a batch queue: p t:T:{T:q:S:B:A}:queue (list).
func (l layout) queue(t, s, b, a string) string { return l.queueTag(t, s, b, a) + ":queue" }

// pending is the service's pending tenants: p pending:{S} (set).
func (l layout) pending(s string) string { return l.p + "pending:{" + s + "}" }

// row is a table row: p t:T:{T:pk:K}:row:TB (hash).
func (l layout) row(t, tb, pk string) string { return l.pkTag(t, pk) + ":row:" + tb }

// pkTables is the primary key's tables: p t:T:{T:pk:K}:tables (set).
func (l layout) pkTables(t, pk string) string { return l.pkTag(t, pk) + ":tables" }

// pkTag is p t:T:{T:pk:K}.
func (l layout) pkTag(t, pk string) string { return l.p + "t:" + t + ":{" + t + ":pk:" + pk + "}" }

// rawSchedule is the raw scheduler's schedule: p raw:{p triggers}:due, a
// sorted set of trigger references by due time (a set on memory and
// bolt, which have no sorted sets). Not the repository's layout.
func (l layout) rawSchedule() string { return l.p + "raw:{" + l.p + "triggers}:due" }

// rawTrigger is the raw scheduler's record of a trigger, in its
// schedule's slot so that one MULTI writes both: p raw:{p
// triggers}:trg:T:I:A (hash). Not the repository's layout.
func (l layout) rawTrigger(t, ident, action string) string {
	return l.p + "raw:{" + l.p + "triggers}:trg:" + t + ":" + ident + ":" + action
}

// rawProcessing is the raw reliable queue's list of items in flight,
// beside its queue: p t:T:{T:q:S:B:A}:proc (list). Not the repository's
// layout.
func (l layout) rawProcessing(t, s, b, a string) string { return l.queueTag(t, s, b, a) + ":proc" }
