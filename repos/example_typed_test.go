package repos_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
)

// Checkout is a handler state as an application types it.
type Checkout struct {
	Step  string   `json:"step"`
	Items []string `json:"items,omitempty"`
	Total float64  `json:"total,omitempty"`
}

// ExampleGetStateAs stores a typed handler state and reads it back typed.
func ExampleGetStateAs() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	h, _ := repos.NewStateHandler(b, "acme", "u1", nil)

	_ = h.Set(ctx, "checkout", Checkout{Step: "cart", Items: []string{"shoes"}})
	c, err := repos.GetStateAs[Checkout](ctx, h, "checkout")
	fmt.Printf("%+v %v\n", c, err)
	// Output:
	// {Step:cart Items:[shoes] Total:0} <nil>
}

// ExampleUpsertStateAs merges a few fields into a state and gets the whole
// merged state back, typed, in one atomic step.
func ExampleUpsertStateAs() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	h, _ := repos.NewStateHandler(b, "acme", "u1", nil)
	_ = h.Set(ctx, "checkout", Checkout{Step: "cart", Items: []string{"shoes"}})

	c, err := repos.UpsertStateAs[Checkout](ctx, h, "checkout", map[string]any{"step": "pay", "total": 59.9})
	fmt.Printf("%+v %v\n", c, err)
	// Output:
	// {Step:pay Items:[shoes] Total:59.9} <nil>
}

// ExampleGetFieldAs reads single fields of a shared state as Go types.
func ExampleGetFieldAs() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	ss, _ := repos.NewSharedState(b, "acme", "u1", nil)
	_ = ss.Set(ctx, "search", map[string]any{"query": "red shoes", "hits": 12, "took": 1500 * time.Millisecond})

	hits, _ := repos.GetFieldAs[int](ctx, ss, "search", "hits")
	took, _ := repos.GetFieldAs[time.Duration](ctx, ss, "search", "took")
	_, err := repos.GetFieldAs[int](ctx, ss, "search", "query")
	fmt.Println(hits+1, took)
	fmt.Println(err)
	// Output:
	// 13 1.5s
	// repos: shared state get field "search" field "query" of user "u1" of tenant "acme": repos: cannot decode value: int from "red shoes": not a number
}

// ExampleGetUserFieldAs reads one field of a user's record as a Go type.
func ExampleGetUserFieldAs() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	u, _ := repos.NewUser(b, "acme", "u1", nil)
	_ = u.Upsert(ctx, map[string]any{"name": "Ann", "premium": true})

	premium, err := repos.GetUserFieldAs[bool](ctx, u, "premium")
	fmt.Println(premium, err)
	// Output:
	// true <nil>
}

// Email is a batch payload as an application types it.
type Email struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
}

// ExampleEnqueueAs queues typed payloads (stored as JSON) and claims them
// back typed.
func ExampleEnqueueAs() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	bt, _ := repos.NewBatch(b, "acme", nil)
	q := repos.Queue{Service: "mailer", Batch: "welcome", Action: "send"}

	_ = repos.EnqueueAs(ctx, bt, q, Email{To: "ann@example.com", Subject: "Hi"})
	_ = repos.EnqueueAllAs(ctx, bt, q, []Email{{To: "bob@example.com", Subject: "Hello"}})
	raw, _ := bt.Chunk(ctx, q, 0, 0)
	fmt.Println(raw[0])

	c, err := repos.ClaimAs[Email](ctx, bt, q, 10, time.Minute)
	fmt.Printf("%+v %v\n", c.Values, err)
	_ = bt.Ack(ctx, q, c.ID)
	// Output:
	// {"to":"ann@example.com","subject":"Hi"}
	// [{To:ann@example.com Subject:Hi} {To:bob@example.com Subject:Hello}] <nil>
}

// ExampleChunkAs reads typed payloads of a queue without taking them.
func ExampleChunkAs() {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	bt, _ := repos.NewBatch(b, "acme", nil)
	q := repos.Queue{Service: "scorer", Batch: "daily", Action: "add"}
	_ = repos.EnqueueAllAs(ctx, bt, q, []int{3, 4, 5})

	scores, err := repos.ChunkAs[int](ctx, bt, q, 0, -1)
	fmt.Println(scores, err)
	// Output:
	// [3 4 5] <nil>
}

// Nudge is a trigger payload as an application types it.
type Nudge struct {
	Text  string `json:"text"`
	Times int    `json:"times"`
}

// ExampleSetTriggerAs sets a trigger with a typed payload; PayloadAs
// decodes it in the handler.
func ExampleSetTriggerAs() {
	b := memory.New(nil)
	defer b.Close()
	tr, _ := repos.NewTriggers(b, "acme", nil)
	_ = repos.SetTriggerAs(context.Background(), tr, "nudge", "chat-42", Nudge{Text: "still there?", Times: 2},
		repos.WithTTL(20*time.Millisecond))

	ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	_ = tr.Listen(ctx, func(_ context.Context, f repos.Fired) error {
		defer stop()
		n, err := repos.PayloadAs[Nudge](f)
		fmt.Printf("%s %s: %+v %v\n", f.Action, f.Identifier, n, err)
		return err
	}, &repos.ListenOptions{Interval: 5 * time.Millisecond})
	// Output:
	// nudge chat-42: {Text:still there? Times:2} <nil>
}

// ExamplePayloadAs decodes the payload of a delivery; a payload that does
// not fit the type gives an error naming the trigger.
func ExamplePayloadAs() {
	n, err := repos.PayloadAs[Nudge](repos.Fired{Tenant: "acme", Action: "nudge", Identifier: "c1", Payload: `{"text":"hi","times":1}`})
	fmt.Printf("%+v %v\n", n, err)
	_, err = repos.PayloadAs[int](repos.Fired{Tenant: "acme", Action: "nudge", Identifier: "c1", Payload: "soon"})
	fmt.Println(err)
	// Output:
	// {Text:hi Times:1} <nil>
	// repos: trigger "nudge" of "c1" of tenant "acme": payload: repos: cannot decode value: int from "soon": not a number
}

// ExampleEncodeValue shows how single values (fields, payloads) are
// stored, and DecodeValueAs reads them back.
func ExampleEncodeValue() {
	for _, v := range []any{"text", 42, true, 2.5, 90 * time.Second, []string{"a", "b"}, Nudge{Text: "hi"}} {
		s, _ := repos.EncodeValue(v)
		fmt.Println(s)
	}
	d, err := repos.DecodeValueAs[time.Duration]("90000000000")
	fmt.Println(d, err)
	// Output:
	// text
	// 42
	// 1
	// 2.5
	// 90000000000
	// ["a","b"]
	// {"text":"hi","times":0}
	// 1m30s <nil>
}

// ExampleDecodeValueAs reads one stored value as a Go type.
func ExampleDecodeValueAs() {
	ok, err := repos.DecodeValueAs[bool]("1")
	fmt.Println(ok, err)
	_, err = repos.DecodeValueAs[uint8]("300")
	fmt.Println(err)
	// Output:
	// true <nil>
	// repos: cannot decode value: uint8 from "300": out of range
}

// ExampleDecode fills an existing value from the fields of a hash: fields
// it does not name keep their value.
func ExampleDecode() {
	c := Checkout{Step: "cart", Total: 10}
	err := repos.Decode(map[string]string{"step": "pay", "items": `["shoes"]`}, &c)
	fmt.Printf("%+v %v\n", c, err)
	var m map[string]string
	_ = repos.Decode(map[string]string{"step": "pay"}, &m)
	fmt.Println(m)
	// Output:
	// {Step:pay Items:[shoes] Total:10} <nil>
	// map[step:pay]
}

// ExampleDecodeAs decodes the fields of a hash into a new value.
func ExampleDecodeAs() {
	c, err := repos.DecodeAs[Checkout](map[string]string{"step": "pay", "total": "59.9"})
	fmt.Printf("%+v %v\n", c, err)
	// Output:
	// {Step:pay Items:[] Total:59.9} <nil>
}
