package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// opHandlers are the packages that switch on the type of a store.Op:
// a type switch with a default case compiles whatever Op it misses, so
// this test reads them (see CONTRIBUTING.md for the whole checklist).
var opHandlers = []string{
	"backend/memory",    // Apply and Update run each op
	"backend/bolt",      // the same, in a bbolt transaction
	"internal/luagroup", // the Lua script of the Redis-protocol backends: encoding, decoding, routes
	"prefix",            // prefixes each op's key
	"internal/difftest", // generates every op for the differential tests
	"conformance",       // one behaviour per op, run on every backend
}

// TestEveryOpIsHandledEverywhere: every type in ops.go that implements
// store.Op is named in each package of opHandlers.
func TestEveryOpIsHandledEverywhere(t *testing.T) {
	ops := opTypes(t)
	require.NotEmpty(t, ops)
	for _, dir := range opHandlers {
		src := packageSource(t, dir)
		for _, op := range ops {
			named := regexp.MustCompile(`store\.` + op + `\b`).MatchString(src)
			require.True(t, named, "%s does not handle store.%s: every Op must be handled there", dir, op)
		}
	}
}

// opTypes returns the types that ops.go gives the isOp marker method.
func opTypes(t *testing.T) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "ops.go", nil, 0)
	require.NoError(t, err)
	var ops []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "isOp" || fn.Recv == nil {
			continue
		}
		recv := fn.Recv.List[0].Type
		if star, ok := recv.(*ast.StarExpr); ok {
			recv = star.X
		}
		ops = append(ops, recv.(*ast.Ident).Name)
	}
	return ops
}

// packageSource is the text of dir's non-test Go files.
func packageSource(t *testing.T, dir string) string {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	var b strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		b.Write(data)
	}
	require.NotZero(t, b.Len(), "no Go files in %s", dir)
	return b.String()
}
