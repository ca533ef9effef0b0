package transfer_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/transfer"
)

// Copy every key of one backend to another, then check the copy.
func ExampleCopy() {
	ctx := context.Background()
	from, to := memory.New(nil), memory.New(nil)
	defer from.Close()
	defer to.Close()
	_, _ = from.RPush(ctx, "queue", "a", "b")
	_ = from.Set(ctx, "greeting", "hello", 0)

	st, err := transfer.Copy(ctx, from, to, from.Scan(ctx, "*"), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("written:", st.Written)
	// Run again (after an interruption, say): nothing is written twice.
	st, _ = transfer.Copy(ctx, from, to, from.Scan(ctx, "*"), nil)
	fmt.Println("skipped:", st.Skipped)
	rep, _ := transfer.Verify(ctx, from, to, from.Scan(ctx, "*"))
	fmt.Println("identical:", rep.OK())
	// Output:
	// written: 2
	// skipped: 2
	// identical: true
}

// Dump keys as JSON lines and read them back.
func ExampleEncoder() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	_, _ = b.HSet(ctx, "user", map[string]string{"name": "Ann"})
	_, _ = b.SAdd(ctx, "tags", "\xff") // not UTF-8: written in base64

	enc, _ := transfer.NewEncoder(os.Stdout, transfer.Header{})
	for rec, err := range transfer.Read(ctx, b, b.Scan(ctx, "*")) {
		if err != nil {
			panic(err)
		}
		_ = enc.Encode(rec)
	}
	_ = enc.Flush()

	dec, _ := transfer.NewDecoder(strings.NewReader(`{"format":"mimeiapify-store-dump","version":1}
{"key":"k","type":"list","value":["a","b"],"ttl_ms":-1}
`))
	for rec, err := range dec.Records() {
		fmt.Println(rec.Key, rec.Type, rec.List, err)
	}
	// Unordered output:
	// {"format":"mimeiapify-store-dump","version":1}
	// {"key":"user","type":"hash","value":{"name":"Ann"},"ttl_ms":-1}
	// {"key":"dGFncw==","type":"set","encoding":"base64","value":["/w=="],"ttl_ms":-1}
	// k list [a b] <nil>
}
