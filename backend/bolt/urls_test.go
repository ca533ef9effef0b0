package bolt

import (
	"context"
	"net/url"
	"os"
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

func TestOpenURLCreatesParentDirectories(t *testing.T) {
	dir := t.TempDir()
	b, err := store.Open(context.Background(), "bolt://"+dir+"/sub/dir/x.db")
	require.NoError(t, err)
	require.NoError(t, b.Close())
	info, err := os.Stat(filepath.Join(dir, "sub", "dir"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o755), info.Mode().Perm()&0o755)
}

func TestOpenURLWithoutPathIsNamed(t *testing.T) {
	for _, raw := range []string{"bolt://", "bolt:///", "bolt://?timeout=1s"} {
		b, err := store.Open(context.Background(), raw)
		require.ErrorIs(t, err, store.ErrInvalidArgument, raw)
		require.True(t, b == nil, raw)
		require.ErrorContains(t, err, "names no file", raw)
		require.NotContains(t, err.Error(), `"bolt:"`, raw)
	}
}

func TestOpenURLFailuresReturnLiteralNil(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	for _, raw := range []string{
		"bolt:///x.db?colour=red",        // unknown parameter
		"bolt://" + file + "/under/x.db", // parent is a file: mkdir fails
		"bolt://" + dir,                  // a directory, not a file: bbolt fails
	} {
		b, err := store.Open(context.Background(), raw)
		require.Error(t, err, raw)
		require.True(t, b == nil, "%s: got a non-nil %T", raw, b)
		u, err := url.Parse(raw)
		require.NoError(t, err)
		b, err = openURL(context.Background(), u) // the opener itself, not only store.Open
		require.Error(t, err, raw)
		require.True(t, b == nil, "%s: opener returned a non-nil %T", raw, b)
	}
}
