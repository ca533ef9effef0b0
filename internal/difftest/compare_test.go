package difftest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

func TestErrClass(t *testing.T) {
	require.Equal(t, "ok", errClass(nil))
	require.Equal(t, store.ErrNotFound.Error(), errClass(fmt.Errorf("get %q: %w", "k", store.ErrNotFound)))
	require.Equal(t, errAbort.Error(), errClass(errAbort))
	require.Equal(t, "unexpected: boom", errClass(errors.New("boom")))
}

func TestAlignTTLs(t *testing.T) {
	const want = 10 * time.Minute
	require.Equal(t, want, alignTTLs(want, want-ttlSlack), "within the slack")
	require.Equal(t, want-time.Second, alignTTLs(want, want-time.Second), "beyond it")
	require.Equal(t, store.NoExpiry, alignTTLs(want, store.NoExpiry), "no expiry is never aligned")
	require.Equal(t, []any{"x", want}, alignTTLs([]any{"x", want}, []any{"x", want + time.Millisecond}), "nested")
}

func TestNorm(t *testing.T) {
	require.Equal(t, norm([]string{}), norm([]string(nil)))
	require.Equal(t, norm(map[string]string{}), norm(map[string]string(nil)))
	require.Equal(t, norm([]any{[]string{}}), norm([]any{[]string(nil)}))
	require.NotEqual(t, norm([]string{"a"}), norm([]string(nil)))
}
