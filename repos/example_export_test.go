package repos_test

import (
	"context"
	"fmt"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// ExampleExportTenant streams one tenant's data, and none of another's.
func ExampleExportTenant() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	for _, tenant := range []string{"acme", "acme*"} {
		u, _ := repos.NewUser(b, tenant, "ann", nil)
		_ = u.Upsert(ctx, map[string]any{"name": "Ann of " + tenant})
	}
	for rec, err := range repos.ExportTenant(ctx, b, "acme", nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if rec.Type.String() == "hash" && rec.Hash["name"] != "" {
			fmt.Println(rec.Type, rec.Hash["name"])
		}
	}
	// Output:
	// hash Ann of acme
}
