package repos_test

import (
	"testing"
	"time"

	"github.com/mimeiapify/store/repos"
)

// tenFields is the 10-field struct of the codec benchmarks.
type tenFields struct {
	Name    string        `json:"name"`
	Email   string        `json:"email"`
	Age     int           `json:"age"`
	Score   float64       `json:"score"`
	Premium bool          `json:"premium"`
	Joined  time.Time     `json:"joined"`
	Timeout time.Duration `json:"timeout"`
	Level   level         `json:"level"`
	Tags    []string      `json:"tags"`
	Visits  uint32        `json:"visits"`
}

func benchValue() tenFields {
	return tenFields{
		Name: "Ada", Email: "ada@example.com", Age: 36, Score: 97.5, Premium: true,
		Joined: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), Timeout: time.Minute,
		Level: levelHigh, Tags: []string{"a", "b"}, Visits: 1234,
	}
}

func BenchmarkEncode10Fields(b *testing.B) {
	v := benchValue()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := repos.Encode(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode10Fields(b *testing.B) {
	fields, err := repos.Encode(benchValue())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var v tenFields
		if err := repos.Decode(fields, &v); err != nil {
			b.Fatal(err)
		}
	}
}
