package valkey_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	vkbackend "github.com/mimeiapify/store/backend/valkey"
)

func TestParseURLForms(t *testing.T) {
	opt, opts, err := vkbackend.ParseURL("valkey://u:secret@db.example:6390/3?dial_timeout=2s&client_name=app&scan_count=50")
	require.NoError(t, err)
	require.Equal(t, []string{"db.example:6390"}, opt.InitAddress)
	require.Equal(t, "u", opt.Username)
	require.Equal(t, "secret", opt.Password)
	require.Equal(t, 3, opt.SelectDB)
	require.Equal(t, 2*time.Second, opt.Dialer.Timeout)
	require.Equal(t, "app", opt.ClientName)
	require.Nil(t, opt.TLSConfig)
	require.True(t, opt.DisableCache)
	require.False(t, opt.ForceSingleClient)
	require.EqualValues(t, 50, opts.ScanCount)
	require.True(t, opts.CloseClient, "a backend opened by URL owns its client")

	opt, _, err = vkbackend.ParseURL("valkeys://cache.example/0?skip_verify=true")
	require.NoError(t, err)
	require.NotNil(t, opt.TLSConfig)
	require.Equal(t, "cache.example", opt.TLSConfig.ServerName)
	require.True(t, opt.TLSConfig.InsecureSkipVerify)
	require.Equal(t, []string{"cache.example:6379"}, opt.InitAddress)

	opt, _, err = vkbackend.ParseURL("valkey://10.0.0.1:7001?addr=10.0.0.2:7001&addr=10.0.0.3:7001")
	require.NoError(t, err)
	require.Equal(t, []string{"10.0.0.1:7001", "10.0.0.2:7001", "10.0.0.3:7001"}, opt.InitAddress)

	opt, _, err = vkbackend.ParseURL("valkey://h:1?standalone=true&max_retries=0")
	require.NoError(t, err)
	require.True(t, opt.ForceSingleClient)
	require.True(t, opt.DisableRetry)
}

func TestParseURLRejects(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"valkey://h:1?bogus=1&pool=2", `"bogus"`},
		{"valkey://h:1?client_cache=1", `client_cache="1" must be a size of at least 1KiB`},
		{"redis://h:1", "scheme"},
		{"valkey://h:1/x", "database"},
		{"valkey://h:1?scan_count=0", "scan_count"},
		{"valkey://h:1?standalone=maybe", "standalone"},
	} {
		_, _, err := vkbackend.ParseURL(tt.url)
		require.ErrorIs(t, err, store.ErrInvalidArgument, tt.url)
		require.ErrorContains(t, err, tt.want, tt.url)
	}
	_, _, err := vkbackend.ParseURL("valkey://u:secret@h:1?bogus=1")
	require.NotContains(t, err.Error(), "secret", "passwords are redacted")
}

func TestOpenByURL(t *testing.T) {
	mr := newMiniServer(t)
	ctx := context.Background()
	for _, scheme := range []string{vkbackend.Scheme} {
		b, err := store.Open(ctx, scheme+"://"+mr.Addr()+"/0?standalone=true")
		require.NoError(t, err)
		require.NoError(t, b.Set(ctx, "k", "v", 0))
		require.NoError(t, b.Close())
		_, err = b.Get(ctx, "k")
		require.ErrorIs(t, err, store.ErrClosed)
	}
	got, err := mr.Get("k")
	require.NoError(t, err)
	require.Equal(t, "v", got)
	require.Contains(t, store.Schemes(), vkbackend.SchemeTLS)
}

func TestOpenServerURL(t *testing.T) {
	u := serverURL(t)
	b, err := store.Open(context.Background(), u)
	require.NoError(t, err)
	require.NoError(t, b.Close())
}
