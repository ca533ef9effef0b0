package wrapcheck_test

import (
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store/internal/wrapcheck"
)

type readCloser interface {
	io.Reader
	io.Closer
}

// partial defines Read and gets Close from the embedded interface.
type partial struct{ readCloser }

func (p *partial) Read(b []byte) (int, error) { return p.readCloser.Read(b) }

// full defines both, one on the value.
type full struct{ readCloser }

func (f full) Read(b []byte) (int, error) { return f.readCloser.Read(b) }
func (f *full) Close() error              { return nil }

func TestPromotedFindsMethodsFromTheEmbeddedInterface(t *testing.T) {
	iface := reflect.TypeFor[readCloser]()
	require.Equal(t, []string{"Close"}, wrapcheck.Promoted(iface, &partial{}))
	require.Empty(t, wrapcheck.Promoted(iface, &full{}))
	require.Equal(t, []string{"Close", "Read"}, wrapcheck.Promoted(iface, 0), "a type without the methods")
	wrapcheck.Own(t, iface, &partial{}, "Close")
	fake := &recorder{}
	wrapcheck.Own(fake, iface, &partial{})
	require.Len(t, fake.errors, 1)
	require.Contains(t, fake.errors[0], "[Close]")
}

type recorder struct{ errors []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
