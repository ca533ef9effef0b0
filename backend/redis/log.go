package redis

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	goredis "github.com/redis/go-redis/v9"
)

// go-redis writes its log lines ("failed to dial after 5 attempts", ...)
// through one process-wide logger, which prints to stderr by default. A
// library must not write there, so this package replaces it when it is
// imported (goredis.SetLogger) with an adapter that hands every line to
// the Options.Logger of each live Backend (and of each Open in progress),
// once per distinct logger, at level Warn. With no such logger a line is
// dropped. go-redis gives no way to tell which client a line is about, so
// a process with several backends and loggers sees each line in all of
// them. An application that wants go-redis' lines elsewhere may call
// goredis.SetLogger after importing this package; the backends' loggers
// then receive nothing.
func init() { goredis.SetLogger(logSinks) }

// logSinks is the adapter installed as go-redis' logger.
var logSinks = &sinks{byBackend: make(map[*Backend]func())}

type sinks struct {
	mu        sync.Mutex
	next      int
	loggers   map[int]*slog.Logger
	byBackend map[*Backend]func()
}

// add registers l (nil: nothing) until the returned release is called.
func (s *sinks) add(l *slog.Logger) (release func()) {
	if l == nil {
		return func() {}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loggers == nil {
		s.loggers = make(map[int]*slog.Logger)
	}
	s.next++
	id := s.next
	s.loggers[id] = l
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			delete(s.loggers, id)
		})
	}
}

// track registers b's logger until untrack(b), called by Close.
func (s *sinks) track(b *Backend, l *slog.Logger) {
	if l == nil {
		return
	}
	release := s.add(l)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byBackend[b] = release
}

func (s *sinks) untrack(b *Backend) {
	s.mu.Lock()
	release := s.byBackend[b]
	delete(s.byBackend, b)
	s.mu.Unlock()
	if release != nil {
		release()
	}
}

// Printf implements go-redis' logging interface.
func (s *sinks) Printf(ctx context.Context, format string, v ...any) {
	s.mu.Lock()
	targets := make([]*slog.Logger, 0, len(s.loggers))
	for _, l := range s.loggers {
		if !containsLogger(targets, l) {
			targets = append(targets, l)
		}
	}
	s.mu.Unlock()
	if len(targets) == 0 {
		return
	}
	msg := fmt.Sprintf(format, v...)
	for _, l := range targets {
		l.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("library", "go-redis"))
	}
}

func containsLogger(ls []*slog.Logger, l *slog.Logger) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}
