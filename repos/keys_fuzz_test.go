package repos

import (
	"testing"

	"github.com/mimeiapify/store/internal/glob"
)

// FuzzKeyEncoding checks that enc is injective and that the Scan pattern
// of one tenant never matches a key of another tenant.
func FuzzKeyEncoding(f *testing.F) {
	seeds := [][3]string{
		{"a", "a*", "u"}, {"a", "a:b", "u"}, {"a:b", "a", "b:u"}, {"*", "x", "u"},
		{"?", "a", ""}, {"[a-z]", "b", "{x}"}, {"\\", "\\\\", "u"}, {"a b", "a\x00b", "é"},
		{"%41", "A", "u"}, {"{t}", "t", "}"}, {"a", "a", "u"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, u string) {
		if (enc(a) == enc(b)) != (a == b) {
			t.Fatalf("enc(%q)=%q enc(%q)=%q", a, enc(a), b, enc(b))
		}
		for _, prefix := range []string{"", "app:"} {
			k := keyspace{prefix: prefix}
			if a == b {
				continue
			}
			p := k.tenantPattern(a)
			for _, key := range []string{
				k.user(b, u), k.userIDs(b, userBucket(u)), k.userField(b, 1, a, u), k.handlerState(b, u, a), k.sharedState(b, u, a),
				k.sharedIndex(b, u), k.row(b, a, u), k.pkTables(b, u), k.batch(b, a, u, a),
				k.trigger(b, u, a), k.identTriggers(b, u), k.generic(b, a),
			} {
				if glob.Match(p, key) {
					t.Fatalf("pattern %q of tenant %q matches %q of tenant %q", p, a, key, b)
				}
			}
			if k.user(a, u) == k.user(b, u) || k.generic(a, u) == k.generic(b, u) {
				t.Fatalf("tenants %q and %q share a key", a, b)
			}
		}
	})
}
