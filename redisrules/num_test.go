package redisrules

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

func TestParseFloatAcceptsWhatRedisAccepts(t *testing.T) {
	// Each verdict is a Redis 7.0 server's: HINCRBYFLOAT on a field
	// holding the text fails with "hash value is not a float" or not.
	accepted := []string{"0x10", "0x1p3", "0x1.8", "-0x10", ".5", "5.", "+.5e1", "1e4932", "inf", "-INF", "infinity", "1e-4000"}
	rejected := []string{"", " 1", "1 ", "1e", "0b11", "1_0", "1e5000", "1.2e4932", "1e-5000", "nan", "+-1", "abc"}
	for _, s := range accepted {
		if _, ok := ParseFloat(s); !ok {
			t.Errorf("ParseFloat(%q) rejected; Redis accepts it", s)
		}
	}
	for _, s := range rejected {
		if _, ok := ParseFloat(s); ok {
			t.Errorf("ParseFloat(%q) accepted; Redis rejects it", s)
		}
	}
}

func TestIncrFloatOverflowAndBadInput(t *testing.T) {
	if _, _, nf, _ := IncrFloat("abc", true, 1); !nf {
		t.Error("a non-number was accepted")
	}
	if _, _, _, of := IncrFloat("inf", true, 1); !of {
		t.Error("inf + 1 did not overflow")
	}
	if _, _, _, of := IncrFloat("1.1e4932", true, 1e308); of {
		t.Error("a finite sum was reported as overflow")
	}
	if got, _, _, _ := IncrFloat("0x10", true, 1); got != "17" {
		t.Errorf("0x10 + 1 = %q, want 17", got)
	}
}
