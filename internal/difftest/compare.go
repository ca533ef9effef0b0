package difftest

import (
	"context"
	"errors"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// errAbort is the error the functions of Update steps return to abort:
// Update must return it as is.
var errAbort = errors.New("difftest: update aborted by its function")

// classes are the errors the two backends must agree on, matched with
// errors.Is in this order.
var classes = []error{store.ErrNotFound, store.ErrWrongType, store.ErrNotInteger, store.ErrNotFloat,
	store.ErrOverflow, store.ErrInvalidArgument, store.ErrConflict, store.ErrClosed,
	store.ErrUnsupported, errAbort}

// errClass names the class of err: "ok", the sentinel it wraps, or the
// whole message of an error that wraps none (which then has to match).
func errClass(err error) string {
	if err == nil {
		return "ok"
	}
	for _, c := range classes {
		if errors.Is(err, c) {
			return c.Error()
		}
	}
	return "unexpected: " + err.Error()
}

// outcome is the comparable answer of one call of a step that makes
// several: its value, or the class of its error.
func outcome(v any, err error) any {
	if err != nil {
		return "error: " + errClass(err)
	}
	return v
}

// compareStep runs s on reference, then on subject, and requires the same
// error class and the same answer.
func compareStep(ctx context.Context, t T, where string, s step, reference, subject store.Backend) {
	t.Helper()
	want, wantErr := s.do(ctx, reference)
	got, gotErr := s.do(ctx, subject)
	require.Equal(t, errClass(wantErr), errClass(gotErr), "%s: reference error %v, subject error %v", where, wantErr, gotErr)
	require.Equal(t, norm(want), norm(alignTTLs(want, got)), "%s: answers differ (expected: reference, actual: subject)", where)
}

// norm makes nil and empty slices and maps compare equal (the contract
// says "none" for both), through nested []any.
func norm(v any) any {
	switch x := v.(type) {
	case []string:
		if x == nil {
			return []string{}
		}
	case map[string]string:
		if x == nil {
			return map[string]string{}
		}
	case []store.ZMember:
		if x == nil {
			return []store.ZMember{}
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = norm(e)
		}
		return out
	}
	return v
}

// ttlSlack is how far apart the two backends' TTLs of one key may be: the
// time that passes between the two calls, and Redis' millisecond
// precision. The random TTLs are whole seconds apart, so a wrong TTL is
// still caught; none is short enough to pass during a run.
const ttlSlack = 500 * time.Millisecond

// alignTTLs returns got with each positive TTL that is within ttlSlack of
// the one at the same place in want replaced by want's, so that the two
// compare equal; anything else is left as it is.
func alignTTLs(want, got any) any {
	switch w := want.(type) {
	case time.Duration:
		if g, ok := got.(time.Duration); ok && w > 0 && g > 0 && (w-g).Abs() <= ttlSlack {
			return w
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return got
		}
		out := make([]any, len(g))
		for i := range g {
			out[i] = alignTTLs(w[i], g[i])
		}
		return out
	}
	return got
}
