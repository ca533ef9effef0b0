package redisnum

import "testing"

func TestIncrFloatMatchesRedis(t *testing.T) {
	// Answers of a Redis 7.0 server to HINCRBYFLOAT on a field holding cur.
	cases := []struct {
		cur    string
		exists bool
		delta  float64
		want   string
	}{
		{"", false, 0.1, "0.1"},
		{"0.1", true, 0.2, "0.3"},
		{"10.5", true, 0.1, "10.6"},
		{"5.0e3", true, 200, "5200"},
		{"3", true, -3, "0"},
		{"1", true, -1.5, "-0.5"},
		{"", false, 1e20, "100000000000000000000"},
	}
	for _, c := range cases {
		got, _, nf, of := IncrFloat(c.cur, c.exists, c.delta)
		if nf || of || got != c.want {
			t.Errorf("IncrFloat(%q, %v) = %q (notFloat=%v overflow=%v), want %q", c.cur, c.delta, got, nf, of, c.want)
		}
	}
}

func TestParseIntIsStrict(t *testing.T) {
	for _, bad := range []string{"", "+1", " 1", "1 ", "01", "-0", "1.0", "abc", "9223372036854775808", "-9223372036854775809", "-"} {
		if _, ok := ParseInt(bad); ok {
			t.Errorf("ParseInt(%q) accepted", bad)
		}
	}
	for s, want := range map[string]int64{"0": 0, "-1": -1, "9223372036854775807": 1<<63 - 1, "-9223372036854775808": -1 << 63} {
		if got, ok := ParseInt(s); !ok || got != want {
			t.Errorf("ParseInt(%q) = %d, %v", s, got, ok)
		}
	}
}
