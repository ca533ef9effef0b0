package memory

import (
	"math/rand/v2"

	"github.com/mimeiapify/store"
)

// zset is a sorted set: a map from member to score for ZScore and for
// finding a member's node, and a skiplist ordered by (score, member) for
// ranges, as Redis keeps one. ZAdd and ZRem cost O(log n) expected, a
// range read O(log n + the members it returns).
type zset struct {
	scores map[string]float64
	list   skiplist
}

func newZSet() *zset {
	return &zset{scores: make(map[string]float64), list: skiplist{head: &znode{next: make([]*znode, zMaxLevel)}, level: 1}}
}

// len returns the number of members.
func (z *zset) len() int { return len(z.scores) }

// add sets member's score, reporting whether it was new. With nx it only
// adds (an existing member is left as it is), with xx it only updates.
func (z *zset) add(member string, score float64, nx, xx bool) bool {
	old, ok := z.scores[member]
	switch {
	case ok && nx, !ok && xx:
		return false
	case ok && old == score:
		return false
	case ok:
		z.list.delete(old, member)
	}
	z.scores[member] = score
	z.list.insert(score, member)
	return !ok
}

// rem removes member and reports whether it was there.
func (z *zset) rem(member string) bool {
	old, ok := z.scores[member]
	if !ok {
		return false
	}
	delete(z.scores, member)
	z.list.delete(old, member)
	return true
}

// rangeByScore returns up to limit members with lo <= score <= hi,
// ascending by (score, member).
func (z *zset) rangeByScore(lo, hi float64, limit int) []store.ZMember {
	out := make([]store.ZMember, 0, min(limit, len(z.scores), 64))
	for n := z.list.first(lo); n != nil && n.score <= hi && len(out) < limit; n = n.next[0] {
		out = append(out, store.ZMember{Member: n.member, Score: n.score})
	}
	return out
}

// zMaxLevel bounds a node's height; with zP = 1/4 it suits up to 4^32
// members, as in Redis.
const (
	zMaxLevel = 32
	zP        = 0.25
)

// znode is one member of a skiplist; next[i] is the following node on
// level i.
type znode struct {
	member string
	score  float64
	next   []*znode
}

// skiplist is a probabilistic ordered list (Pugh's skiplist) of
// (score, member) pairs without duplicates.
type skiplist struct {
	head  *znode // sentinel: next has zMaxLevel levels
	level int    // levels in use, at least 1
}

// less orders (score, member) pairs as Redis does.
func less(s1 float64, m1 string, s2 float64, m2 string) bool {
	return s1 < s2 || (s1 == s2 && m1 < m2)
}

func randomLevel() int {
	l := 1
	for l < zMaxLevel && rand.Float64() < zP {
		l++
	}
	return l
}

// insert adds (score, member), which must not be in the list.
func (l *skiplist) insert(score float64, member string) {
	var update [zMaxLevel]*znode
	x := l.head
	for i := l.level - 1; i >= 0; i-- {
		for x.next[i] != nil && less(x.next[i].score, x.next[i].member, score, member) {
			x = x.next[i]
		}
		update[i] = x
	}
	lvl := randomLevel()
	for i := l.level; i < lvl; i++ {
		update[i] = l.head
	}
	if lvl > l.level {
		l.level = lvl
	}
	n := &znode{member: member, score: score, next: make([]*znode, lvl)}
	for i := range lvl {
		n.next[i] = update[i].next[i]
		update[i].next[i] = n
	}
}

// delete removes (score, member) if it is in the list.
func (l *skiplist) delete(score float64, member string) {
	var update [zMaxLevel]*znode
	x := l.head
	for i := l.level - 1; i >= 0; i-- {
		for x.next[i] != nil && less(x.next[i].score, x.next[i].member, score, member) {
			x = x.next[i]
		}
		update[i] = x
	}
	n := x.next[0]
	if n == nil || n.score != score || n.member != member {
		return
	}
	for i := range len(n.next) {
		update[i].next[i] = n.next[i]
	}
	for l.level > 1 && l.head.next[l.level-1] == nil {
		l.level--
	}
}

// first returns the first node whose score is at least lo, or nil.
func (l *skiplist) first(lo float64) *znode {
	x := l.head
	for i := l.level - 1; i >= 0; i-- {
		for x.next[i] != nil && x.next[i].score < lo {
			x = x.next[i]
		}
	}
	return x.next[0]
}
