package repos_test

import (
	"fmt"
	"time"

	"github.com/mimeiapify/store/repos"
)

// ExampleEncode shows how a struct becomes the fields of a hash and back.
func ExampleEncode() {
	type Profile struct {
		Name    string        `json:"name"`
		Age     int           `json:"age"`
		Premium bool          `json:"premium"`
		Joined  time.Time     `json:"joined"`
		Timeout time.Duration `json:"timeout"`
		Tags    []string      `json:"tags,omitempty"`
		Secret  string        `json:"-"`
	}
	fields, err := repos.Encode(Profile{
		Name: "Ada", Age: 36, Premium: true,
		Joined:  time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		Timeout: 90 * time.Second, Tags: []string{"vip"}, Secret: "x",
	})
	if err != nil {
		panic(err)
	}
	for _, k := range []string{"name", "age", "premium", "joined", "timeout", "tags"} {
		fmt.Printf("%s=%s\n", k, fields[k])
	}

	p, err := repos.DecodeAs[Profile](fields)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Name, p.Age, p.Timeout, p.Tags)

	_, err = repos.DecodeAs[Profile](map[string]string{"age": "old"})
	fmt.Println(err)
	// Output:
	// name=Ada
	// age=36
	// premium=1
	// joined=2024-01-02T03:04:05Z
	// timeout=90000000000
	// tags=["vip"]
	// Ada 36 1m30s [vip]
	// repos: cannot decode value: field "age" (int) from "old": not a number
}
