package repos_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/mimeiapify/store/repos"
)

// FuzzDecode feeds arbitrary stored text to every field kind: Decode must
// either succeed, and then Encode gives back a value that decodes to the
// same struct, or fail with ErrDecode leaving the destination unchanged;
// it never panics.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "0", "-1", "1e400", "abc", "2024-01-02T03:04:05Z", "high", `["x"]`, "{", "10.0.0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fields := map[string]string{}
		for _, name := range []string{"name", "email", "age", "score", "premium", "joined", "timeout", "level", "tags", "visits"} {
			fields[name] = s
		}
		for name, v := range fields {
			var dst, orig tenFields
			err := repos.Decode(map[string]string{name: v}, &dst)
			if err != nil {
				if !errors.Is(err, repos.ErrDecode) {
					t.Fatalf("field %s: %v does not wrap ErrDecode", name, err)
				}
				if !equalTen(dst, orig) {
					t.Fatalf("field %s: destination changed on error", name)
				}
				continue
			}
			enc, err := repos.Encode(dst)
			if err != nil {
				continue // NaN-free floats, valid times: only a bad level could fail here
			}
			var again tenFields
			if err := repos.Decode(enc, &again); err != nil {
				t.Fatalf("field %s: re-decode of %q: %v", name, enc, err)
			}
			if !equalTen(dst, again) {
				t.Fatalf("field %s: round trip changed %+v into %+v", name, dst, again)
			}
		}
	})
}

func equalTen(a, b tenFields) bool {
	if !a.Joined.Equal(b.Joined) || len(a.Tags) != len(b.Tags) {
		return false
	}
	for i := range a.Tags {
		if a.Tags[i] != b.Tags[i] {
			return false
		}
	}
	sameScore := a.Score == b.Score || (a.Score != a.Score && b.Score != b.Score)
	a.Joined, a.Tags, b.Tags, a.Score, b.Score = b.Joined, nil, nil, 0, 0
	return sameScore && reflect.DeepEqual(a, b)
}
