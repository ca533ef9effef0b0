package store_test

import (
	"context"
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

func TestOpenWithoutSchemeFails(t *testing.T) {
	_, err := store.Open(context.Background(), "just-a-path")
	require.ErrorContains(t, err, "no scheme")
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
