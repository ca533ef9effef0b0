package store_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/mimeiapify/store"
	"github.com/stretchr/testify/require"
)

// openerFor registers a scheme whose opener records the URL it got.
func openerFor(t *testing.T, scheme string) *url.URL {
	t.Helper()
	got := &url.URL{}
	store.Register(scheme, func(_ context.Context, u *url.URL) (store.Backend, error) {
		if err := store.CheckURLParams(u, "size"); err != nil {
			return nil, err
		}
		*got = *u
		return nil, nil
	})
	return got
}

func TestOpenDispatchesToTheRegisteredScheme(t *testing.T) {
	got := openerFor(t, "testopen")
	_, err := store.Open(context.Background(), "testopen://host/path?size=3")
	require.NoError(t, err)
	require.Equal(t, "host", got.Host)
	require.Equal(t, "3", got.Query().Get("size"))
	require.Contains(t, store.Schemes(), "testopen")
}

func TestOpenUnknownSchemeListsTheKnownOnes(t *testing.T) {
	openerFor(t, "testknown")
	_, err := store.Open(context.Background(), "nope://x")
	require.ErrorContains(t, err, `unknown scheme "nope"`)
	require.ErrorContains(t, err, "testknown")
	require.ErrorContains(t, err, "did you forget to import")
}

func TestOpenWithoutSchemeSaysSoAndListsTheSchemes(t *testing.T) {
	openerFor(t, "testlisted")
	for _, raw := range []string{"just-a-path", "localhost:6379", "127.0.0.1:6379", "/tmp/x.db", "redis:6379/0", "user:pw@host:1", ""} {
		b, err := store.Open(context.Background(), raw)
		require.True(t, b == nil, raw)
		require.ErrorIs(t, err, store.ErrInvalidArgument, raw)
		require.ErrorContains(t, err, "missing URL scheme", raw)
		require.ErrorContains(t, err, "testlisted://", raw)
		require.NotContains(t, err.Error(), "did you forget to import", raw)
	}
	_, err := store.Open(context.Background(), "localhost:6379")
	require.ErrorContains(t, err, "looks like [user:password@]host:port")
}

func TestOpenReturnsLiteralNilWhenTheOpenerReturnsATypedNil(t *testing.T) {
	type fake struct{ store.Backend }
	store.Register("testtypednil", func(context.Context, *url.URL) (store.Backend, error) {
		var p *fake
		return p, errors.New("boom")
	})
	b, err := store.Open(context.Background(), "testtypednil://x")
	require.EqualError(t, err, "boom")
	require.True(t, b == nil)
}

func TestOpenRedactsPasswords(t *testing.T) {
	_, err := store.Open(context.Background(), "secretless://user:hunter2@host")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "hunter2")
}

func TestCheckURLParamsNamesTheUnknownParameter(t *testing.T) {
	openerFor(t, "testparams")
	_, err := store.Open(context.Background(), "testparams://x?size=1&colour=red")
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	require.ErrorContains(t, err, `"colour"`)
}

func TestRegisterPanicsOnNilOrDuplicate(t *testing.T) {
	require.Panics(t, func() { store.Register("testnil", nil) })
	openerFor(t, "testdup")
	require.Panics(t, func() { openerFor(t, "testdup") })
	require.Panics(t, func() { openerFor(t, "Upper") })
}
