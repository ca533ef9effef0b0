package rediserr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/rediserr"
)

// clientError stands for a client's error type (redis.Error,
// *valkey.ValkeyError): its text is the server's reply.
type clientError string

func (e clientError) Error() string { return string(e) }

func TestMap(t *testing.T) {
	tests := []struct {
		reply string
		want  error // nil: left unchanged
	}{
		{"WRONGTYPE Operation against a key holding the wrong kind of value", store.ErrWrongType},
		{"WRONGTYPE Operation against a key holding the wrong kind of value script: abc, on @user_script:1.", store.ErrWrongType},
		{"ERR value is not an integer or out of range", store.ErrNotInteger},
		{"ERR hash value is not an integer", store.ErrNotInteger},
		{"ERR value is not a valid float", store.ErrNotFloat},
		{"ERR hash value is not a float", store.ErrNotFloat},
		{"ERR value is NaN or Infinity", store.ErrNotFloat},
		{"ERR increment or decrement would overflow", store.ErrOverflow},
		{"ERR increment would produce NaN or Infinity", store.ErrOverflow},
		{"ERR invalid expire time in 'set' command", store.ErrInvalidArgument},
		// valkey-go strips the "ERR " code from its errors' text.
		{"value is not an integer or out of range", store.ErrNotInteger},
		{"hash value is not an integer", store.ErrNotInteger},
		{"value is not a valid float", store.ErrNotFloat},
		{"hash value is not a float", store.ErrNotFloat},
		{"increment or decrement would overflow", store.ErrOverflow},
		{"increment would produce NaN or Infinity", store.ErrOverflow},
		{"ERR syntax error", nil},
		{"syntax error", nil},
		{"NOSCRIPT No matching script. Please use EVAL.", nil},
		{"MOVED 3999 127.0.0.1:6381", nil},
		{"WRONGTYPEX", nil},
		{"err value is not an integer or out of range", nil},
		{"ERR the value is not an integer or out of range", nil},
	}
	for _, tt := range tests {
		t.Run(tt.reply, func(t *testing.T) {
			orig := clientError(tt.reply)
			got := rediserr.Map(orig)
			require.Equal(t, tt.reply, got.Error(), "the server's text is kept")
			require.ErrorIs(t, got, orig, "the client's error is still there")
			var ce clientError
			require.ErrorAs(t, got, &ce)
			for _, s := range []error{store.ErrWrongType, store.ErrNotInteger, store.ErrNotFloat, store.ErrOverflow} {
				require.Equal(t, s == tt.want, errors.Is(got, s), "errors.Is(%v)", s)
			}
			if tt.want == nil {
				require.Equal(t, error(orig), got, "unrecognised replies are unchanged")
			}
		})
	}
}

func TestMapNil(t *testing.T) {
	require.NoError(t, rediserr.Map(nil))
}

func TestMapWrapped(t *testing.T) {
	err := fmt.Errorf("client: hincrby: %w", clientError("ERR hash value is not an integer"))
	got := rediserr.Map(err)
	require.ErrorIs(t, got, store.ErrNotInteger)
	require.Equal(t, err.Error(), got.Error())
}

func TestMapIdempotent(t *testing.T) {
	once := rediserr.Map(clientError("WRONGTYPE Operation against a key holding the wrong kind of value"))
	require.Same(t, once, rediserr.Map(once))
}

func TestSentinel(t *testing.T) {
	require.ErrorIs(t, rediserr.Sentinel("ERR increment or decrement would overflow"), store.ErrOverflow)
	require.NoError(t, rediserr.Sentinel("ERR unknown command"))
}
