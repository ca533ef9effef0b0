package store_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	_ "github.com/mimeiapify/store/backend/bolt"
	_ "github.com/mimeiapify/store/backend/memory"
	_ "github.com/mimeiapify/store/backend/redis"
	_ "github.com/mimeiapify/store/backend/valkey"
)

// badURLs are URLs every registered backend must reject before any I/O,
// with store.ErrInvalidArgument.
var badURLs = map[string][]string{
	"memory":          {"memory://?colour=red", "memory://host", "memory://?shards=x"},
	"bolt":            {"bolt:///x.db?colour=red", "bolt://", "bolt:///x.db?timeout=soon", "bolt://u:secret@h/x.db"},
	"redis":           {"redis://h?colour=red", "redis://u:secret@h/x", "redis://h?pool_size=x"},
	"rediss":          {"rediss://h?colour=red"},
	"redis+cluster":   {"redis+cluster://h?colour=red", "redis+cluster://h?db=1"},
	"rediss+cluster":  {"rediss+cluster://h?colour=red"},
	"redis+sentinel":  {"redis+sentinel://h?colour=red&master_name=m", "redis+sentinel://h"},
	"rediss+sentinel": {"rediss+sentinel://h"},
	"valkey":          {"valkey://h?colour=red", "valkey://u:secret@h/x", "valkey://h?scan_count=0"},
	"valkeys":         {"valkeys://h?colour=red"},
}

// prefix is one "word: " of an error chain, as "redis: " or "store: ".
var prefix = regexp.MustCompile(`(?:^|: )([a-z+]+): `)

// TestEveryBackendRejectsBadURLsOnce: for every registered scheme, bad
// URLs fail with ErrInvalidArgument and a literal nil Backend, an unknown
// parameter is named with the known ones, no password is shown, and the
// chain names each package once (not "redis: open ...: store: invalid
// argument: redis: ...").
func TestEveryBackendRejectsBadURLsOnce(t *testing.T) {
	for _, scheme := range store.Schemes() {
		if strings.HasPrefix(scheme, "test") {
			continue
		}
		urls, ok := badURLs[scheme]
		require.True(t, ok, "scheme %q has no bad URLs in this test: add some", scheme)
		for _, raw := range urls {
			b, err := store.Open(context.Background(), raw)
			require.True(t, b == nil, "%s: a failed Open returned a non-nil %T", raw, b)
			require.ErrorIs(t, err, store.ErrInvalidArgument, raw)
			msg := err.Error()
			seen := map[string]bool{}
			for _, m := range prefix.FindAllStringSubmatch(msg, -1) {
				require.False(t, seen[m[1]], "%s: %q is said twice in %q", raw, m[1]+":", msg)
				seen[m[1]] = true
			}
			require.NotContains(t, msg, "secret", raw)
			if strings.Contains(raw, "colour") {
				require.Contains(t, msg, `unknown URL parameter "colour" (known: `, raw)
			}
		}
	}
}
