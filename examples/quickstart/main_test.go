package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const want = `user: Ann on pro since 2026-11-25, visit 1
checkout: step pay, 3 items
shared states: [search], search query "red shoes"
after tenant "acme*" cleared its states, acme still has [search]
`

func TestQuickstartOnEmbeddedBackends(t *testing.T) {
	for _, url := range []string{"memory://", "bolt://" + filepath.Join(t.TempDir(), "quickstart.db")} {
		var out strings.Builder
		require.NoError(t, run(context.Background(), &out, url), url)
		require.Equal(t, want, out.String(), url)
	}
}

func TestQuickstartRejectsUnknownSchemes(t *testing.T) {
	err := run(context.Background(), &strings.Builder{}, "nope://")
	require.ErrorContains(t, err, `unknown scheme "nope"`)
	require.ErrorContains(t, err, "memory")
}
