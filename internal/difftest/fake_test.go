package difftest

import (
	"context"
	"fmt"
	"strings"

	"github.com/mimeiapify/store"
)

// fakeT is a T that records failures instead of failing the real test.
type fakeT struct{ errors []string }

// failNow is what fakeT.FailNow panics with, to stop the harness.
type failNow struct{}

func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeT) FailNow()            { panic(failNow{}) }
func (f *fakeT) Helper()             {}
func (f *fakeT) Logf(string, ...any) {}
func (f *fakeT) Name() string        { return "TestFake" }

// failures returns everything f was told, in one string.
func (f *fakeT) failures() string { return strings.Join(f.errors, "\n") }

// runFake runs the harness on a fakeT and returns it.
func runFake(reference, subject store.Backend, opts Options) *fakeT {
	f := &fakeT{}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(failNow); !ok {
					panic(r)
				}
			}
		}()
		run(context.Background(), f, reference, subject, opts)
	}()
	return f
}

// cardOffByOne is a backend whose SCard counts one too many.
type cardOffByOne struct{ store.Backend }

func (b cardOffByOne) SCard(ctx context.Context, key string) (int64, error) {
	n, err := b.Backend.SCard(ctx, key)
	if n > 0 {
		n++
	}
	return n, err
}

// getWrongClass is a backend whose Get of a missing key fails with
// ErrWrongType instead of ErrNotFound.
type getWrongClass struct{ store.Backend }

func (b getWrongClass) Get(ctx context.Context, key string) (string, error) {
	v, err := b.Backend.Get(ctx, key)
	if err != nil {
		return "", fmt.Errorf("get %q: %w", key, store.ErrWrongType)
	}
	return v, nil
}
