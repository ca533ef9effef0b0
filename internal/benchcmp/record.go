package main

import (
	"fmt"
	"strconv"
	"time"
)

// The two tenants: the repository calls write tenant tenantRepo, the raw
// twins tenantRaw, so that neither reads or grows the other's keys.
const (
	tenantRepo = "rp"
	tenantRaw  = "rw"
)

// Ids and values shared by the calls and their twins (all in
// [A-Za-z0-9._-], see layout.go).
const (
	handlerName = "h"
	sharedName  = "n"
	sharedField = "f"
	tableName   = "tb"
	service     = "svc"
	action      = "a"
	batchName   = "b"     // the queue Batch.Enqueue writes
	claimBatch  = "claim" // the queue Batch.Claim+Ack drains
	triggerAct  = "act"   // the action of every trigger
	refillSize  = 1024    // items pushed when a claimed queue is empty
	payload     = "payload-0123456789abcdef0123456789"
	retention   = time.Hour // Triggers' Retention
)

// record is the value the user, handler-state and table calls write and
// read: three fields, as repos.Encode stores them ("Name", "Age",
// "Email").
type record struct {
	Name  string
	Age   int
	Email string
}

// recordOf returns the record goroutine g writes at its i-th operation.
func recordOf(g, i int) record {
	return record{Name: "user-" + strconv.Itoa(g), Age: i & 127, Email: "someone@example.com"}
}

// fields returns r's fields as repos.Encode writes them.
func (r record) fields() map[string]string {
	return map[string]string{"Name": r.Name, "Age": strconv.Itoa(r.Age), "Email": r.Email}
}

// decodeRecord is the hand-written decoding of a record read with
// HGETALL; a missing record (no field) is an error, as for the
// repository.
func decodeRecord(m map[string]string) (record, error) {
	if len(m) == 0 {
		return record{}, fmt.Errorf("record not found")
	}
	age, err := strconv.Atoi(m["Age"])
	if err != nil {
		return record{}, fmt.Errorf("record field Age: %w", err)
	}
	return record{Name: m["Name"], Age: age, Email: m["Email"]}, nil
}

// userID, counterName, rowKey and triggerIdent are goroutine g's ids;
// each goroutine has its own, so that parallel runs measure throughput,
// not contention on one key. A trigger's ident also holds the operation
// number i: every Triggers.Set makes a new trigger.
func userID(g int) string          { return "u" + strconv.Itoa(g) }
func counterName(g int) string     { return "c" + strconv.Itoa(g) }
func rowKey(g int) string          { return "k" + strconv.Itoa(g) }
func triggerIdent(g, i int) string { return "i" + strconv.Itoa(g) + "." + strconv.Itoa(i) }

// refillItems returns the items pushed onto an empty claimed queue.
func refillItems() []string {
	items := make([]string, refillSize)
	for i := range items {
		items[i] = payload
	}
	return items
}
