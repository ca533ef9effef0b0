package luagroup

import (
	"sync"
	"testing"
	"time"

	"github.com/mimeiapify/store"
)

func BenchmarkEncodeShapeSetField(b *testing.B) {
	ops := []store.Op{&store.HSetOp{Key: "t:u:s", Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: "t:u:s", TTL: time.Hour},
		&store.SAddOp{Key: "t:u:idx", Members: []string{"s"}}, &store.ExpireOp{Key: "t:u:idx", TTL: time.Hour, NX: true}, &store.ExpireOp{Key: "t:u:idx", TTL: time.Hour, GT: true}}
	b.ReportAllocs()
	for b.Loop() {
		checks, _ := store.CheckGroup(ops)
		_ = Choose(ops, checks)
		_, _, _, _ = EncodeShape(ops, checks)
	}
}

// TestShapeSignatureNamesTheScript: groups of every combination of up to
// three ops on two keys whose plans have one signature get one script, so
// the cache never hands a group another shape's script.
func TestShapeSignatureNamesTheScript(t *testing.T) {
	var menu []func() store.Op
	for _, k := range []string{"a", "b"} {
		menu = append(menu,
			func() store.Op { return &store.SetOp{Key: k, Value: "v"} },
			func() store.Op { return &store.SetOp{Key: k, Value: "v", TTL: time.Second} },
			func() store.Op { return &store.DelOp{Key: k} },
			func() store.Op { return &store.ExpireOp{Key: k, TTL: time.Second} },
			func() store.Op { return &store.ExpireOp{Key: k, TTL: time.Second, NX: true} },
			func() store.Op { return &store.ExpireOp{Key: k, TTL: time.Second, GT: true} },
			func() store.Op { return &store.PersistOp{Key: k} },
			func() store.Op { return &store.IncrByOp{Key: k, Delta: 1} },
			func() store.Op { return &store.HIncrByOp{Key: k, Field: "f", Delta: 1} },
			func() store.Op { return &store.HGetAllOp{Key: k} },
			func() store.Op { return &store.LTrimOp{Key: k, Start: 0, Stop: 1} },
			func() store.Op { return &store.HSetOp{Key: k, Fields: map[string]string{"f": "v"}} },
			func() store.Op { return &store.SAddOp{Key: k, Members: []string{"m"}} },
			func() store.Op { return &store.HDelOp{Key: k, Fields: []string{"f"}} },
		)
	}
	sources := map[string]string{}
	planned := 0
	var walk func(ops []store.Op)
	walk = func(ops []store.Op) {
		if len(ops) > 0 {
			if checks, err := store.CheckGroup(ops); err == nil {
				if p, ok := planShape(ops, checks); ok {
					planned++
					sig, src := string(p.signature(nil)), p.source()
					if prev, seen := sources[sig]; seen && prev != src {
						t.Fatalf("signature %q names two scripts:\n%s\n%s", sig, prev, src)
					}
					sources[sig] = src
				}
			}
		}
		if len(ops) == 3 {
			return
		}
		for _, op := range menu {
			walk(append(ops[:len(ops):len(ops)], op()))
		}
	}
	walk(nil)
	if planned == 0 {
		t.Fatal("no group was planned")
	}
	t.Logf("%d groups, %d shapes", planned, len(sources))
}

// TestShapeCacheUnderConcurrentUse: goroutines planning groups of several
// shapes at once all get the script of their shape (run with -race).
func TestShapeCacheUnderConcurrentUse(t *testing.T) {
	groups := [][]store.Op{
		{&store.HSetOp{Key: "c1", Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: "c1", TTL: time.Minute}, &store.SAddOp{Key: "c2", Members: []string{"m"}}},
		{&store.IncrByOp{Key: "c1", Delta: 1}, &store.PersistOp{Key: "c1"}, &store.SRemOp{Key: "c2", Members: []string{"m"}}},
		{&store.HGetAllOp{Key: "c1"}, &store.RPushOp{Key: "c2", Values: []string{"x"}}, &store.PersistOp{Key: "c2"}},
	}
	want := make([]string, len(groups))
	for i, ops := range groups {
		checks, err := store.CheckGroup(ops)
		if err != nil {
			t.Fatal(err)
		}
		p, ok := planShape(ops, checks)
		if !ok {
			t.Fatalf("group %d has no shape", i)
		}
		want[i] = p.source()
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				ops := groups[(g+i)%len(groups)]
				checks, _ := store.CheckGroup(ops)
				s, _, _, err := EncodeShape(ops, checks)
				if err != nil || s.Src != want[(g+i)%len(groups)] {
					t.Errorf("group %d: got another script (%v)", (g+i)%len(groups), err)
					return
				}
			}
		})
	}
	wg.Wait()
}
