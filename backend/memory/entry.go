package memory

import (
	"math"
	"time"

	"github.com/mimeiapify/store"
)

// entry is one key's value. Exactly one of str, hash, list, set and zset is in
// use, as typ says.
type entry struct {
	typ  store.Type
	exp  int64 // unix microseconds (far from overflow until year 294247); 0: no expiry
	str  string
	hash map[string]string
	list *list
	set  map[string]struct{}
	zset *zset
}

// clock is the time of one call, read from the system clock at most once
// and only when a key with a TTL is met. It also records whether the call
// met an expired key it could not delete (under a read lock).
type clock struct {
	us         int64
	sawExpired bool
}

// now returns the call's time in unix microseconds. Expiries are kept in
// microseconds, not nanoseconds, because a nanosecond count ends in
// 2262 and would shorten longer TTLs.
func (c *clock) now() int64 {
	if c.us == 0 {
		c.us = time.Now().UnixMicro()
	}
	return c.us
}

// expiry returns the unix microsecond time at which a TTL of ms
// milliseconds from now passes; ms must be positive. Beyond the int64
// range (year 294247) it saturates.
func (c *clock) expiry(ms int64) int64 {
	now := c.now()
	if ms > (math.MaxInt64-now)/1000 {
		return math.MaxInt64
	}
	return now + ms*1000
}

// expired reports whether e's TTL has passed at c's time.
func (e *entry) expired(c *clock) bool {
	return e.exp != 0 && e.exp <= c.now()
}

// live returns the entry at key, or nil when it is missing or expired.
// It never writes, so a read lock is enough; an expired entry is noted in
// c for read to delete.
func (s *shard) live(key string, c *clock) *entry {
	e := s.m[key]
	if e != nil && e.expired(c) {
		c.sawExpired = true
		return nil
	}
	return e
}

// liveOf is live for a key that must be missing or hold t.
func (s *shard) liveOf(key string, t store.Type, c *clock) (*entry, error) {
	e := s.live(key, c)
	if e != nil && e.typ != t {
		return nil, store.ErrWrongType
	}
	return e, nil
}

// get returns the entry at key, or nil when it is missing, deleting it if
// it has expired. The caller holds the write lock.
func (s *shard) get(key string, c *clock) *entry {
	e := s.m[key]
	if e != nil && e.expired(c) {
		delete(s.m, key)
		return nil
	}
	return e
}

// getOf is get for a key that must be missing or hold t.
func (s *shard) getOf(key string, t store.Type, c *clock) (*entry, error) {
	e := s.get(key, c)
	if e != nil && e.typ != t {
		return nil, store.ErrWrongType
	}
	return e, nil
}

// create returns the entry at key, which must be missing or hold t,
// storing a new empty one of type t (without TTL) when it is missing.
func (s *shard) create(key string, t store.Type, c *clock) (*entry, error) {
	e, err := s.getOf(key, t, c)
	if e != nil || err != nil {
		return e, err
	}
	e = &entry{typ: t}
	switch t {
	case store.TypeHash:
		e.hash = make(map[string]string)
	case store.TypeList:
		e.list = &list{}
	case store.TypeSet:
		e.set = make(map[string]struct{})
	case store.TypeZSet:
		e.zset = newZSet()
	}
	s.put(key, e)
	return e, nil
}

// dropIfEmpty deletes key, with its TTL, when e (its entry) is a hash,
// list, set or sorted set that has become empty, as Redis does.
func (s *shard) dropIfEmpty(key string, e *entry) {
	if e.len() == 0 && e.typ != store.TypeString {
		delete(s.m, key)
	}
}

// len returns the number of fields, elements or members of a collection.
func (e *entry) len() int {
	switch e.typ {
	case store.TypeHash:
		return len(e.hash)
	case store.TypeList:
		return e.list.len()
	case store.TypeSet:
		return len(e.set)
	case store.TypeZSet:
		return e.zset.len()
	}
	return 1
}

// setExp gives e the expiry exp (0: none), keeping the sweeper's lower
// bound right. The caller holds the write lock.
func (s *shard) setExp(e *entry, exp int64) {
	e.exp = exp
	if exp != 0 && (s.minExp == 0 || exp < s.minExp) {
		s.minExp = exp
	}
}

// reap deletes key if it has expired; read calls it after releasing its
// read lock.
func (s *shard) reap(key string) {
	var c clock
	s.mu.Lock()
	s.get(key, &c)
	s.mu.Unlock()
}
