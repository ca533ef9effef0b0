package repos_test

import (
	"errors"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// level is an enum stored as its text.
type level int

const (
	levelLow level = iota
	levelHigh
)

func (l level) MarshalText() ([]byte, error) {
	switch l {
	case levelLow:
		return []byte("low"), nil
	case levelHigh:
		return []byte("high"), nil
	}
	return nil, errors.New("unknown level " + strconv.Itoa(int(l)))
}

func (l *level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*l = levelLow
	case "high":
		*l = levelHigh
	default:
		return errors.New("unknown level " + strconv.Quote(string(b)))
	}
	return nil
}

type address struct {
	City string `json:"city"`
	Zip  string `json:"zip,omitempty"`
}

type Base struct {
	ID      string `json:"id"`
	Shadow  string `json:"name"`
	private int
}

type kinds struct {
	Base
	Name     string            `json:"name"`
	Label    myString          `json:"label"`
	I        int               `json:"i"`
	I8       int8              `json:"i8"`
	I64      int64             `json:"i64"`
	U        uint              `json:"u"`
	U16      uint16            `json:"u16"`
	F32      float32           `json:"f32"`
	F64      float64           `json:"f64"`
	B        bool              `json:"b"`
	F        bool              `json:"f"`
	At       time.Time         `json:"at"`
	Wait     time.Duration     `json:"wait"`
	Level    level             `json:"level"`
	Addr     netip.Addr        `json:"addr"`
	Home     address           `json:"home"`
	Work     *address          `json:"work"`
	Tags     []string          `json:"tags"`
	Meta     map[string]int    `json:"meta"`
	Any      any               `json:"any"`
	Bytes    []byte            `json:"bytes"`
	PInt     *int              `json:"pint"`
	PTime    *time.Time        `json:"ptime"`
	Skip     string            `json:"-"`
	Untagged string            //
	Empty    string            `json:"empty,omitempty"`
	Zero     time.Time         `json:"zero,omitzero"`
	NilMap   map[string]string `json:"nilmap"`
	hidden   string
}

type myString string

func fullKinds() kinds {
	seven := 7
	at := time.Date(2024, 2, 29, 13, 4, 5, 123456789, time.FixedZone("x", 3600))
	return kinds{
		Base: Base{ID: "b1", Shadow: "shadowed", private: 3},
		Name: "Ada", Label: "lbl", I: -42, I8: -128, I64: math.MaxInt64,
		U: 42, U16: 65535, F32: 0.1, F64: 1e21, B: true, F: false,
		At: at, Wait: 1500 * time.Millisecond, Level: levelHigh,
		Addr: netip.MustParseAddr("10.0.0.1"),
		Home: address{City: "Lima"}, Work: &address{City: "Cusco", Zip: "08000"},
		Tags: []string{"a", "b"}, Meta: map[string]int{"x": 1}, Any: "s",
		Bytes: []byte{0, 1, 255}, PInt: &seven, PTime: &at,
		Skip: "skip", Untagged: "u", hidden: "h",
	}
}

func TestEncodeEveryKind(t *testing.T) {
	got, err := repos.Encode(fullKinds())
	require.NoError(t, err)
	require.Equal(t, map[string]string{
		"id": "b1", "name": "Ada", "label": "lbl",
		"i": "-42", "i8": "-128", "i64": "9223372036854775807",
		"u": "42", "u16": "65535", "f32": "0.1", "f64": "1e+21",
		"b": "1", "f": "0",
		"at":    "2024-02-29T13:04:05.123456789+01:00",
		"wait":  "1500000000",
		"level": "high", "addr": "10.0.0.1",
		"home": `{"city":"Lima"}`, "work": `{"city":"Cusco","zip":"08000"}`,
		"tags": `["a","b"]`, "meta": `{"x":1}`, "any": `"s"`,
		"bytes": `"AAH/"`, "pint": "7",
		"ptime":    "2024-02-29T13:04:05.123456789+01:00",
		"Untagged": "u", "nilmap": "null",
	}, got)
}

func TestCodecRoundTrip(t *testing.T) {
	in := fullKinds()
	fields, err := repos.Encode(&in)
	require.NoError(t, err)
	out, err := repos.DecodeAs[kinds](fields)
	require.NoError(t, err)

	require.True(t, in.At.Equal(out.At))
	require.True(t, in.PTime.Equal(*out.PTime))
	out.At, out.PTime, in.At, in.PTime = time.Time{}, nil, time.Time{}, nil
	in.Skip, in.hidden, in.private, in.Shadow = "", "", 0, "" // not stored
	require.Equal(t, in, out)
}

func TestCodecNilPointerIsAbsent(t *testing.T) {
	fields, err := repos.Encode(kinds{})
	require.NoError(t, err)
	require.NotContains(t, fields, "work")
	require.NotContains(t, fields, "pint")
	require.NotContains(t, fields, "empty")
	require.NotContains(t, fields, "zero")
	require.Equal(t, "null", fields["any"])

	out, err := repos.DecodeAs[kinds](fields)
	require.NoError(t, err)
	require.Nil(t, out.Work)
	require.Nil(t, out.PInt)
}

func TestCodecFloats(t *testing.T) {
	type F struct{ V float64 }
	for _, v := range []float64{0, 0.1, -2.5, 1e-7, 1e20, 1e21, math.MaxFloat64,
		math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1)} {
		fields, err := repos.Encode(F{v})
		require.NoError(t, err)
		out, err := repos.DecodeAs[F](fields)
		require.NoError(t, err)
		require.Equal(t, v, out.V, fields["V"])
	}
	fields, err := repos.Encode(F{math.NaN()})
	require.NoError(t, err)
	require.Equal(t, "NaN", fields["V"])
}

func TestCodecBoolsAndDurationsReadLeniently(t *testing.T) {
	type R struct {
		B bool
		D time.Duration
	}
	for in, want := range map[[2]string]R{
		{"1", "5"}:         {true, 5},
		{"0", "-3"}:        {false, -3},
		{"true", "1m30s"}:  {true, 90 * time.Second},
		{"false", "250ms"}: {false, 250 * time.Millisecond},
	} {
		got, err := repos.DecodeAs[R](map[string]string{"B": in[0], "D": in[1]})
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

func TestDecodeErrorsNameFieldAndType(t *testing.T) {
	cases := []struct {
		field, value, want string
	}{
		{"i", "abc", `field "i" (int) from "abc": not a number`},
		{"i8", "300", `field "i8" (int8) from "300": out of range`},
		{"u16", "-1", `field "u16" (uint16)`},
		{"f32", "1e40", `field "f32" (float32) from "1e40": out of range`},
		{"b", "yes", `field "b" (bool)`},
		{"at", "yesterday", `field "at" (time.Time)`},
		{"wait", "soon", `field "wait" (time.Duration)`},
		{"level", "medium", `field "level" (repos_test.level)`},
		{"home", "{", `field "home" (repos_test.address)`},
		{"pint", "x", `field "pint" (*int)`},
		{"addr", "not-an-ip", `field "addr" (netip.Addr)`},
	}
	for _, c := range cases {
		t.Run(c.field, func(t *testing.T) {
			dst := fullKinds()
			before := dst
			err := repos.Decode(map[string]string{"name": "changed", c.field: c.value}, &dst)
			require.ErrorIs(t, err, repos.ErrDecode)
			require.ErrorContains(t, err, c.want)
			require.Equal(t, before, dst, "dst must be unchanged on error")
		})
	}
}

func TestEncodeErrorsNameFieldAndType(t *testing.T) {
	type withChan struct{ C chan int }
	type withFunc struct {
		Name string
		F    func() `json:"fn"`
	}
	type withComplex struct{ C complex128 }
	type withBadJSON struct{ M map[string]any }
	type withBadText struct {
		L level `json:"lvl"`
	}
	cases := []struct {
		v    any
		want string
	}{
		{withChan{}, `field "C" (chan int): type chan int cannot be stored`},
		{withFunc{}, `field "fn" (func())`},
		{withComplex{}, `field "C" (complex128)`},
		{withBadJSON{M: map[string]any{"c": make(chan int)}}, `field "M" (map[string]interface {})`},
		{withBadText{L: 9}, `field "lvl" (repos_test.level): unknown level 9`},
		{map[string]any{"ch": make(chan int)}, `map entry "ch" (chan int)`},
		{42, "int is not a struct"},
		{map[int]string{}, "keys that are not strings"},
		{nil, "nil value"},
		{(*address)(nil), "nil *repos_test.address"},
	}
	for _, c := range cases {
		fields, err := repos.Encode(c.v)
		require.ErrorIs(t, err, repos.ErrEncode)
		require.ErrorIs(t, err, store.ErrInvalidArgument)
		require.ErrorContains(t, err, c.want)
		require.Nil(t, fields, "no partial output")
	}
}

func TestCodecMaps(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	fields, err := repos.Encode(map[string]any{
		"s": "x", "n": 3, "b": false, "t": at, "l": levelLow, "m": map[string]int{"a": 1},
		"nil": nil, "nilp": (*int)(nil),
	})
	require.NoError(t, err)
	require.Equal(t, map[string]string{
		"s": "x", "n": "3", "b": "0", "t": "2025-01-02T03:04:05Z", "l": "low", "m": `{"a":1}`,
	}, fields)

	asAny, err := repos.DecodeAs[map[string]any](fields)
	require.NoError(t, err)
	require.Equal(t, map[string]any{
		"s": "x", "n": "3", "b": "0", "t": "2025-01-02T03:04:05Z", "l": "low", "m": `{"a":1}`,
	}, asAny, "map values are the stored strings")

	asStr, err := repos.DecodeAs[map[string]string](fields)
	require.NoError(t, err)
	require.Equal(t, fields, asStr)

	copied, err := repos.Encode(asStr)
	require.NoError(t, err)
	require.Equal(t, fields, copied)
}

func TestDecodeRejectsBadDestinations(t *testing.T) {
	var s kinds
	for _, dst := range []any{s, nil, (*kinds)(nil), new(int), new(map[int]string), new(map[string]int)} {
		require.ErrorIs(t, repos.Decode(map[string]string{"a": "1"}, dst), repos.ErrDecode)
	}
	_, err := repos.DecodeAs[int](nil)
	require.ErrorIs(t, err, repos.ErrDecode)
}

func TestDecodeKeepsFieldsNotStored(t *testing.T) {
	dst := address{City: "Lima", Zip: "15001"}
	require.NoError(t, repos.Decode(map[string]string{"city": "Cusco", "other": "x"}, &dst))
	require.Equal(t, address{City: "Cusco", Zip: "15001"}, dst)
}

func TestCodecEmbeddedPointerAndShadowing(t *testing.T) {
	type Inner struct {
		A string `json:"a"`
		B string `json:"b"`
	}
	type Outer struct {
		*Inner
		B string `json:"b"`
	}
	fields, err := repos.Encode(Outer{B: "outer"})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"b": "outer"}, fields, "nil embedded pointer: its fields absent")

	fields, err = repos.Encode(Outer{Inner: &Inner{A: "1", B: "inner"}, B: "outer"})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"a": "1", "b": "outer"}, fields, "the shallower field wins")

	out, err := repos.DecodeAs[Outer](fields)
	require.NoError(t, err)
	require.Equal(t, "1", out.A)
	require.Equal(t, "outer", out.B)
}

func TestCodecAmbiguousFieldsFail(t *testing.T) {
	type A struct{ X string }
	type B struct{ X string }
	type C struct {
		A
		B
	}
	_, err := repos.Encode(C{})
	require.ErrorIs(t, err, repos.ErrEncode)
	require.ErrorContains(t, err, `two fields named "X"`)
}

func TestCodecLongValueClippedInError(t *testing.T) {
	type R struct{ N int }
	err := repos.Decode(map[string]string{"N": strings.Repeat("9", 1000)}, &R{})
	require.ErrorIs(t, err, repos.ErrDecode)
	require.Less(t, len(err.Error()), 200)
}

func TestCodecConcurrentPlans(t *testing.T) {
	type P struct {
		A int    `json:"a"`
		B string `json:"b"`
	}
	done := make(chan error, 32)
	for i := range 32 {
		go func() {
			f, err := repos.Encode(P{A: i, B: "x"})
			if err == nil {
				var p P
				err = repos.Decode(f, &p)
				if err == nil && p.A != i {
					err = errors.New("wrong value")
				}
			}
			done <- err
		}()
	}
	for range 32 {
		require.NoError(t, <-done)
	}
}
