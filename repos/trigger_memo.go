package repos

import (
	"sync"
	"time"
)

// skipMemo remembers, per listener, the references its claims found
// leased by another listener or waiting for a retry, and until when, so
// that its next polls do not pay a claim on them before that time. It is
// only a hint: a reference is claimed again once its time has passed, and
// the claim decides.
type skipMemo struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// skip records that ref cannot be claimed before t.
func (m *skipMemo) skip(ref string, t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.until == nil {
		m.until = map[string]time.Time{}
	}
	m.until[ref] = t
}

// skipped reports whether ref is recorded as unclaimable at now.
func (m *skipMemo) skipped(ref string, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.until[ref]
	return ok && now.Before(t)
}

// prune forgets the references whose time has passed, so that the memo
// holds at most the references that are leased or backing off.
func (m *skipMemo) prune(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for ref, t := range m.until {
		if !now.Before(t) {
			delete(m.until, ref)
		}
	}
}

// refBatch collects the references whose triggers one poll finished
// (completed, or found stale for good), so that the poll removes them
// from the schedule in one call rather than one call each. Until then a
// finished reference is stale, which listeners tolerate: its claim finds
// no record.
type refBatch struct {
	mu   sync.Mutex
	refs []string
}

// add records a finished reference.
func (f *refBatch) add(ref string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refs = append(f.refs, ref)
}

// take returns the references recorded and forgets them.
func (f *refBatch) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	refs := f.refs
	f.refs = nil
	return refs
}
