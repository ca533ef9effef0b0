package bolt

import (
	"context"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		raw, path string
		opts      Options
	}{
		{"bolt:///abs/file.db", "/abs/file.db", Options{}},
		{"bolt://rel/dir/file.db", "rel/dir/file.db", Options{}},
		{"bolt://file.db?timeout=250ms&nosync=true", "file.db", Options{Timeout: 250 * time.Millisecond, NoSync: true}},
		{"bolt:///f.db?sweep=1m&sweepbatch=10&maxbatch=7", "/f.db", Options{SweepInterval: time.Minute, SweepBatch: 10, MaxBatch: 7}},
	} {
		u, err := url.Parse(tc.raw)
		require.NoError(t, err)
		path, opts, err := ParseURL(u)
		require.NoError(t, err, tc.raw)
		require.Equal(t, tc.path, path, tc.raw)
		require.Equal(t, tc.opts, *opts, tc.raw)
	}
}

func TestParseURLRejects(t *testing.T) {
	for _, raw := range []string{
		"bolt:///f.db?color=red", "bolt:///f.db?timeout=soon", "bolt:///f.db?nosync=maybe",
		"bolt:///f.db?maxbatch=0", "bolt://", "bolt:rel.db", "bolt://u:p@host/f.db", "memory:///f.db",
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		_, _, err = ParseURL(u)
		require.ErrorIs(t, err, store.ErrInvalidArgument, raw)
	}
}

func TestOpenURL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "url.db")
	b, err := store.Open(context.Background(), "bolt://"+path+"?timeout=1s")
	require.NoError(t, err)
	require.NoError(t, b.Set(ctx, "k", "v", 0))
	require.NoError(t, b.Close())
	b, err = store.Open(context.Background(), "bolt://"+path)
	require.NoError(t, err)
	defer func() { require.NoError(t, b.Close()) }()
	v, err := b.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, "v", v)
}
