package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/bolt"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/backend/valkey"
	"github.com/mimeiapify/store/internal/glob"
)

// knownBackends are the values of -backends.
var knownBackends = []string{"memory", "bolt", "redis", "valkey"}

// newPrefix returns a key prefix of its own for one run:
// "benchcmp-" 8 random hex digits ":".
func newPrefix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "benchcmp-" + hex.EncodeToString(b[:]) + ":"
}

// openEnv opens backend name with the run's prefix and TTL; close
// deletes every key of the prefix (network backends) and closes it.
func openEnv(ctx context.Context, name string, cfg *config, prefix string) (e *env, close func() error, err error) {
	e = &env{name: name, own: ownKeys{p: prefix}, ttl: cfg.ttl}
	switch name {
	case "memory":
		e.b = memory.New(nil)
		e.twins = backendTwins{b: e.b, own: e.own, ttl: e.ttl}
		return e, e.b.Close, nil
	case "bolt":
		return openBolt(e)
	case "redis":
		if cfg.redisURL == "" {
			return nil, nil, errNoServer(name)
		}
		b, err := redis.Open(ctx, cfg.redisURL)
		if err != nil {
			return nil, nil, err
		}
		e.b, e.twins = b, goredisTwins{c: b.Client(), own: e.own, ttl: e.ttl}
	case "valkey":
		if cfg.valkeyURL == "" {
			return nil, nil, errNoServer(name)
		}
		sb, err := store.Open(ctx, cfg.valkeyURL)
		if err != nil {
			return nil, nil, err
		}
		b, ok := sb.(*valkey.Backend)
		if !ok {
			_ = sb.Close()
			return nil, nil, fmt.Errorf("-valkey %q opens a %T, not the valkey backend: use a valkey:// URL", cfg.valkeyURL, sb)
		}
		e.b, e.twins = b, valkeyTwins{c: b.Client(), own: e.own, ttl: e.ttl}
	default:
		return nil, nil, fmt.Errorf("unknown backend %q in -backends (known: %v)", name, knownBackends)
	}
	return e, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		return errors.Join(deleteMatching(ctx, e.b, glob.Escape(prefix)+"*"), e.b.Close())
	}, nil
}

// errNoServer is the error for a network backend named without its
// server's URL: benchcmp never picks a server by itself.
func errNoServer(name string) error {
	return fmt.Errorf("-backends names %s, but neither -%s nor STORE_TEST_%s_URL gives its server (benchcmp writes only to a server it is given)",
		name, name, strings.ToUpper(name))
}

// openBolt opens a bolt file in a new temporary directory, removed at
// close.
func openBolt(e *env) (*env, func() error, error) {
	dir, err := os.MkdirTemp("", "benchcmp-bolt-")
	if err != nil {
		return nil, nil, err
	}
	b, err := bolt.Open(filepath.Join(dir, "bench.db"), nil)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, nil, err
	}
	e.b = b
	e.twins = backendTwins{b: b, own: e.own, ttl: e.ttl}
	return e, func() error { return errors.Join(b.Close(), os.RemoveAll(dir)) }, nil
}

// deleteMatching deletes every key matching the glob pattern: Scan and
// Del in batches (no FLUSH: the server may be shared).
func deleteMatching(ctx context.Context, b store.Backend, pattern string) error {
	const batch = 500
	keys := make([]string, 0, batch)
	flush := func() error {
		if len(keys) == 0 {
			return nil
		}
		_, err := b.Del(ctx, keys...)
		keys = keys[:0]
		return err
	}
	for k, err := range b.Scan(ctx, pattern) {
		if err != nil {
			return fmt.Errorf("delete the run's keys (%q): %w", pattern, err)
		}
		if keys = append(keys, k); len(keys) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
