package main

// This file gives the raw twins their keys. A twin that writes what its
// repository call writes learns the call's keys from the call itself:
// learn runs the call for tenant rw on a scratch memory backend, with the
// run's prefix, and reads back the key of each type it wrote. So no twin
// copies the repositories' key layout (repos/keys.go), and a change of
// that layout (a key renamed, sharded or moved to another slot) moves the
// twin's keys with it. The twins of their own design (a sorted-set
// scheduler, a reliable queue) have keys of their own, below.

import (
	"context"
	"fmt"
	"slices"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
)

// twinKeys are the keys one call writes for one goroutine, by type.
type twinKeys struct {
	Hash, Set, List, String string
}

// learn runs do (a repository call on the backend it is given) on a
// scratch memory backend and returns the key it wrote of each type. It
// fails unless do wrote exactly one key of each type of want, and
// nothing else.
func learn(ctx context.Context, want []store.Type, do func(b store.Backend) error) (twinKeys, error) {
	b := memory.New(nil)
	defer b.Close()
	if err := do(b); err != nil {
		return twinKeys{}, fmt.Errorf("learn the call's keys: %w", err)
	}
	var k twinKeys
	var got []store.Type
	for key, err := range b.Scan(ctx, "*") {
		if err != nil {
			return twinKeys{}, err
		}
		t, err := b.Type(ctx, key)
		if err != nil {
			return twinKeys{}, err
		}
		slot := map[store.Type]*string{store.TypeHash: &k.Hash, store.TypeSet: &k.Set,
			store.TypeList: &k.List, store.TypeString: &k.String}[t]
		if slot == nil || *slot != "" || !slices.Contains(want, t) {
			return twinKeys{}, fmt.Errorf("the call wrote %q (a %v) besides %+v; its twin writes one key of each of %v", key, t, k, want)
		}
		*slot, got = key, append(got, t)
	}
	if len(got) != len(want) {
		return twinKeys{}, fmt.Errorf("the call wrote %+v; its twin writes one key of each of %v", k, want)
	}
	return k, nil
}

// The keys of the twins of their own design, under the run's prefix p.
// The keys of one MULTI share a hash tag.
type ownKeys struct{ p string }

// schedule is the raw scheduler's schedule: p raw:{p triggers}:due, a
// sorted set of triggers by due time.
func (o ownKeys) schedule() string { return o.triggersTag() + ":due" }

// trigger is the raw scheduler's record of a trigger, in the schedule's
// slot: p raw:{p triggers}:trg:I:A (hash).
func (o ownKeys) trigger(ident, action string) string {
	return o.triggersTag() + ":trg:" + ident + ":" + action
}

// triggersTag is p raw:{p triggers}, the start of every raw trigger key.
func (o ownKeys) triggersTag() string { return o.p + "raw:{" + o.p + "triggers}" }

// queue is the raw reliable queue: p raw:{p q}:queue (list).
func (o ownKeys) queue() string { return o.p + "raw:{" + o.p + "q}:queue" }

// processing is the raw reliable queue's items in flight, in its slot:
// p raw:{p q}:proc (a list on Redis; a hash of claim id to item on memory
// and bolt).
func (o ownKeys) processing() string { return o.p + "raw:{" + o.p + "q}:proc" }
