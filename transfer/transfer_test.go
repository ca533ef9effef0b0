package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/transfer"
)

// sample are records of every type, with binary bytes and TTLs.
func sample() []transfer.Record {
	return []transfer.Record{
		{Key: "s", Type: store.TypeString, String: "plain"},
		{Key: "bin\xff\x00", Type: store.TypeString, String: "\x00\xfe", TTL: time.Hour},
		{Key: "", Type: store.TypeString, String: ""},
		{Key: "h", Type: store.TypeHash, Hash: map[string]string{"a": "1", "\xff": "\x00", "": "e"}, TTL: 2 * time.Hour},
		{Key: "l", Type: store.TypeList, List: []string{"x", "x", "", "y\xff"}},
		{Key: "set", Type: store.TypeSet, Set: []string{"", "a", "b\xc3"}, TTL: time.Minute},
		{Key: "t:a*:{x}", Type: store.TypeSet, Set: []string{"é"}},
		{Key: "z", Type: store.TypeZSet, TTL: 3 * time.Hour, ZSet: []store.ZMember{
			{Member: "low", Score: math.Inf(-1)}, {Member: "", Score: 1.5}, {Member: "a", Score: 1.5},
			{Member: "ms", Score: 1767225600123}, {Member: "top", Score: math.Inf(1)}}},
		{Key: "zbin", Type: store.TypeZSet, ZSet: []store.ZMember{{Member: "\xff\x00", Score: -0.25}}},
	}
}

func fill(t *testing.T, b store.Backend, recs []transfer.Record) {
	for _, r := range recs {
		require.NoError(t, transfer.Write(context.Background(), b, r, nil))
	}
}

func TestWriteThenReadKeyGivesTheRecordOnEveryBackend(t *testing.T) {
	for _, name := range []string{"memory", "bolt", "redis-miniredis", "valkey-miniredis", "redis-server", "redis-cluster"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			b := kinds[name](t)
			fill(t, b, sample())
			for _, want := range sample() {
				got, ok, err := transfer.ReadKey(ctx, b, want.Key)
				require.NoError(t, err)
				require.True(t, ok, want.Key)
				require.True(t, got.SameValue(want), "%q: %+v", want.Key, got)
				require.InDelta(t, want.TTL, got.TTL, float64(time.Second), want.Key)
			}
			_, ok, err := transfer.ReadKey(ctx, b, "missing")
			require.NoError(t, err)
			require.False(t, ok)
		})
	}
}

func TestWriteRefusesAnExistingKeyUnlessReplace(t *testing.T) {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	require.NoError(t, b.Set(ctx, "k", "old", 0))
	rec := transfer.Record{Key: "k", Type: store.TypeList, List: []string{"a", "b"}, TTL: time.Minute}
	err := transfer.Write(ctx, b, rec, nil)
	require.ErrorIs(t, err, transfer.ErrExists)
	require.ErrorContains(t, err, `"k"`)
	v, err := b.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, "old", v)

	require.NoError(t, transfer.Write(ctx, b, rec, &transfer.WriteOptions{Replace: true}))
	require.NoError(t, transfer.Write(ctx, b, rec, &transfer.WriteOptions{Replace: true}))
	items, err := b.LRange(ctx, "k", 0, -1)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, items, "a replaced list is written whole, not appended")
	ttl, err := b.TTL(ctx, "k")
	require.NoError(t, err)
	require.InDelta(t, time.Minute, ttl, float64(time.Second))
}

func TestWriteRejectsMalformedRecords(t *testing.T) {
	b := memory.New(nil)
	defer b.Close()
	for _, rec := range []transfer.Record{
		{Key: "a"},
		{Key: "a", Type: store.TypeHash},
		{Key: "a", Type: store.TypeList, List: []string{}},
		{Key: "a", Type: store.TypeZSet},
		{Key: "a", Type: store.TypeZSet, ZSet: []store.ZMember{{Member: "m", Score: math.NaN()}}},
		{Key: "a", Type: store.TypeString, TTL: -time.Second},
	} {
		err := transfer.Write(context.Background(), b, rec, nil)
		require.ErrorIs(t, err, store.ErrInvalidArgument, "%+v", rec)
	}
	require.Empty(t, keySet(t, b))
}

func TestReadSkipsKeysThatVanished(t *testing.T) {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	fill(t, b, sample()[:2])
	keys := func(yield func(string, error) bool) {
		_ = yield("gone", nil) && yield("s", nil)
	}
	var got []string
	for rec, err := range transfer.Read(ctx, b, keys) {
		require.NoError(t, err)
		got = append(got, rec.Key)
	}
	require.Equal(t, []string{"s"}, got)
	boom := errors.New("boom")
	for _, err := range transfer.Read(ctx, b, func(yield func(string, error) bool) { yield("", boom) }) {
		require.ErrorIs(t, err, boom)
	}
}

func TestVerifyFindsEveryKindOfDifference(t *testing.T) {
	ctx := context.Background()
	a, b := memory.New(nil), memory.New(nil)
	defer a.Close()
	defer b.Close()
	fill(t, a, sample())
	fill(t, b, sample())
	rep, err := transfer.Verify(ctx, a, b, a.Scan(ctx, "*"))
	require.NoError(t, err)
	require.True(t, rep.OK(), "%+v", rep)
	require.Equal(t, rep.A, rep.B)
	require.Equal(t, int64(3), rep.A["string"].Count)

	_, err = b.RPush(ctx, "l", "extra")
	require.NoError(t, err)
	_, err = b.Del(ctx, "s")
	require.NoError(t, err)
	_, err = b.Expire(ctx, "h", time.Minute) // was 2 h
	require.NoError(t, err)
	_, err = b.ZAdd(ctx, "z", store.ZMember{Member: "a", Score: 1.25}) // was 1.5
	require.NoError(t, err)
	rep, err = transfer.Verify(ctx, a, b, a.Scan(ctx, "*"))
	require.NoError(t, err)
	require.False(t, rep.OK())
	require.Equal(t, []string{"h", "l", "s", "z"}, rep.Mismatches)
	require.NotEqual(t, rep.A["zset"].Checksum, rep.B["zset"].Checksum, "a changed score")
	require.NotEqual(t, rep.A["list"].Checksum, rep.B["list"].Checksum)
	require.Equal(t, rep.A["hash"].Checksum, rep.B["hash"].Checksum, "TTLs are not in the checksum")
}

func TestDumpRoundTripIsBinarySafe(t *testing.T) {
	var buf bytes.Buffer
	enc, err := transfer.NewEncoder(&buf, transfer.Header{Tenant: "acme"})
	require.NoError(t, err)
	for _, r := range sample() {
		require.NoError(t, enc.Encode(r))
	}
	require.NoError(t, enc.Flush())
	text := buf.String()
	require.True(t, strings.HasPrefix(text, `{"format":"mimeiapify-store-dump","version":1,`), text)
	require.Contains(t, text, `{"key":"s","type":"string","value":"plain","ttl_ms":-1}`)
	require.Contains(t, text, `"encoding":"base64"`)
	require.Contains(t, text, `{"key":"t:a*:{x}","type":"set","value":["é"],"ttl_ms":-1}`)
	require.Contains(t, text, `{"key":"z","type":"zset","value":[["low","-inf"],["","1.5"],["a","1.5"],["ms","1767225600123"],["top","+inf"]],"ttl_ms":108`)

	dec, err := transfer.NewDecoder(strings.NewReader(text))
	require.NoError(t, err)
	require.Equal(t, "acme", dec.Header().Tenant)
	var got []transfer.Record
	for rec, err := range dec.Records() {
		require.NoError(t, err)
		got = append(got, rec)
	}
	want := sample()
	require.Len(t, got, len(want))
	for i := range want {
		require.True(t, got[i].SameValue(want[i]), "%+v", got[i])
		require.InDelta(t, want[i].TTL, got[i].TTL, float64(time.Millisecond))
	}
}

func TestDecoderNamesTheBadLine(t *testing.T) {
	head := `{"format":"mimeiapify-store-dump","version":1}` + "\n"
	good := `{"key":"a","type":"string","value":"1","ttl_ms":-1}` + "\n"
	for _, c := range []struct{ dump, want string }{
		{"", "line 1: empty dump"},
		{`{"format":"other","version":1}`, "line 1: header: format"},
		{`{"format":"mimeiapify-store-dump","version":2}`, "line 1: header: version 2"},
		{head + good + "{not json\n", "line 3:"},
		{head + "\n" + good + `{"key":"b","type":"stream","value":[],"ttl_ms":-1}`, "line 4: key \"b\": unknown type \"stream\""},
		{head + `{"key":"b","type":"zset","value":[],"ttl_ms":-1}`, "line 2: key \"b\": empty zset"},
		{head + `{"key":"b","type":"zset","value":[["m"]],"ttl_ms":-1}`, "line 2: key \"b\": zset value: element 0 is not a [member, score] pair"},
		{head + `{"key":"b","type":"zset","value":[["m","nan"]],"ttl_ms":-1}`, "line 2: key \"b\": zset value: member \"m\": score \"nan\" is not a number"},
		{head + `{"key":"b","type":"zset","value":[["m","x"]],"ttl_ms":-1}`, "not a number"},
		{head + `{"key":"b","type":"zset","value":[["m","1"],["m","2"]],"ttl_ms":-1}`, "member \"m\" is named twice"},
		{head + `{"key":"b","type":"list","value":[],"ttl_ms":-1}`, "line 2: key \"b\": empty list"},
		{head + `{"key":"b","type":"string","value":"x","ttl_ms":0}`, "line 2: key \"b\": ttl_ms"},
		{head + `{"key":"b","type":"string","value":"x"}`, "line 2: key \"b\": ttl_ms"},
		{head + `{"key":"b","type":"string","value":"x","ttl_ms":-1,"extra":1}`, "line 2: json: unknown field"},
		{head + `{"key":"b","type":"hash","value":["x"],"ttl_ms":-1}`, "line 2: key \"b\": hash value"},
		{head + `{"key":"Yg==","type":"string","encoding":"base64","value":"!!","ttl_ms":-1}`, "line 2: key \"b\": string value"},
	} {
		var err error
		dec, err := transfer.NewDecoder(strings.NewReader(c.dump))
		if err == nil {
			for _, e := range dec.Records() {
				if e != nil {
					err = e
				}
			}
		}
		require.Error(t, err, c.dump)
		require.ErrorIs(t, err, transfer.ErrFormat, c.dump)
		require.ErrorIs(t, err, store.ErrInvalidArgument, c.dump)
		require.ErrorContains(t, err, c.want, c.dump)
	}
}

func TestWriteAllWritesNothingFromTheBadLineOn(t *testing.T) {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	dump := `{"format":"mimeiapify-store-dump","version":1}` + "\n" +
		`{"key":"a","type":"string","value":"1","ttl_ms":-1}` + "\n" +
		`{"key":"b","type":"list","value":["x"],"ttl_ms":60000}` + "\n" +
		"garbage\n" +
		`{"key":"c","type":"string","value":"3","ttl_ms":-1}` + "\n"
	dec, err := transfer.NewDecoder(strings.NewReader(dump))
	require.NoError(t, err)
	st, err := transfer.WriteAll(ctx, b, dec.Records(), nil)
	var le *transfer.LineError
	require.ErrorAs(t, err, &le)
	require.Equal(t, 4, le.Line)
	require.Equal(t, int64(2), st.Written)
	require.Equal(t, map[string]bool{"a": true, "b": true}, keySet(t, b))

	// The decoder goes on after a bad line, for callers that skip them.
	dec, err = transfer.NewDecoder(strings.NewReader(dump))
	require.NoError(t, err)
	var keys []string
	for {
		rec, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			continue
		}
		keys = append(keys, rec.Key)
	}
	require.Equal(t, []string{"a", "b", "c"}, keys)
}

// TestCopyIsResumableWithoutDuplicates interrupts a copy after a few
// thousand keys and runs it again: the target ends identical to the source.
// miniredis is slow under the race detector, and the real servers are
// shared: they copy fewer keys (STORE_TEST_TRANSFER_KEYS=100000 by hand).
func TestCopyIsResumableWithoutDuplicates(t *testing.T) {
	for _, c := range []struct {
		target string
		n      int
	}{{"memory", 20000}, {"redis-miniredis", 5000}, {"redis-server", 10000}, {"redis-cluster", 10000}} {
		t.Run(c.target, func(t *testing.T) {
			ctx := context.Background()
			n, cancelAt := c.n, int64(min(3000, c.n/3))
			if v := os.Getenv("STORE_TEST_TRANSFER_KEYS"); v != "" { // 100000 for the by-hand run
				var err error
				n, err = strconv.Atoi(v)
				require.NoError(t, err)
			}
			src := memory.New(nil)
			defer src.Close()
			for i := range n {
				key := fmt.Sprintf("k%06d", i)
				var err error
				switch i % 4 {
				case 0:
					_, err = src.RPush(ctx, key, "a", "b", "a")
				case 1:
					err = src.Set(ctx, key, "v\xff", time.Hour)
				case 2:
					_, err = src.HSet(ctx, key, map[string]string{"f": key})
				case 3:
					_, err = src.SAdd(ctx, key, "m", key)
				}
				require.NoError(t, err)
			}
			dst := kinds[c.target](t)
			cctx, cancel := context.WithCancel(ctx)
			st, err := transfer.Copy(cctx, src, dst, src.Scan(ctx, "*"), &transfer.CopyOptions{
				BatchSize: 500,
				Progress: func(s transfer.Stats) {
					if s.Keys >= cancelAt {
						cancel()
					}
				},
			})
			cancel()
			require.ErrorIs(t, err, context.Canceled)
			require.GreaterOrEqual(t, st.Written, cancelAt)
			require.Less(t, st.Written, int64(n))

			st, err = transfer.Copy(ctx, src, dst, src.Scan(ctx, "*"), nil)
			require.NoError(t, err)
			require.Equal(t, int64(n), st.Keys)
			require.GreaterOrEqual(t, st.Skipped, cancelAt, "the second run skips what the first wrote")
			require.Equal(t, int64(n), st.Skipped+st.Written)

			rep, err := transfer.Verify(ctx, src, dst, src.Scan(ctx, "*"))
			require.NoError(t, err)
			require.True(t, rep.OK(), "%+v", rep)
			require.Len(t, keySet(t, dst), n)
			for i := 0; i < n; i += 4 {
				l, err := dst.LLen(ctx, fmt.Sprintf("k%06d", i))
				require.NoError(t, err)
				require.Equal(t, int64(3), l, "no list item duplicated")
			}
		})
	}
}

func TestCopyStopsOnAKeyWithAnotherValueUnlessReplace(t *testing.T) {
	ctx := context.Background()
	src, dst := memory.New(nil), memory.New(nil)
	defer src.Close()
	defer dst.Close()
	fill(t, src, sample())
	require.NoError(t, dst.Set(ctx, "l", "other", 0))
	_, err := transfer.Copy(ctx, src, dst, src.Scan(ctx, "*"), nil)
	require.ErrorIs(t, err, transfer.ErrExists)
	require.ErrorContains(t, err, `"l"`)
	st, err := transfer.Copy(ctx, src, dst, src.Scan(ctx, "*"), &transfer.CopyOptions{Replace: true})
	require.NoError(t, err)
	require.Equal(t, int64(len(sample())), st.Keys)
	rep, err := transfer.Verify(ctx, src, dst, src.Scan(ctx, "*"))
	require.NoError(t, err)
	require.True(t, rep.OK(), "%+v", rep)
}

func TestReadYieldsInListingOrderAcrossBatches(t *testing.T) {
	ctx := context.Background()
	b := memory.New(nil)
	defer b.Close()
	var want []string
	for i := range 2500 {
		key := fmt.Sprintf("k%d", 2500-i)
		if i%10 != 3 { // every tenth listed key is missing
			require.NoError(t, b.Set(ctx, key, key, 0))
			want = append(want, key)
		}
	}
	listing := func(yield func(string, error) bool) {
		for i := range 2500 {
			if !yield(fmt.Sprintf("k%d", 2500-i), nil) {
				return
			}
		}
	}
	var got []string
	for rec, err := range transfer.Read(ctx, b, listing) {
		require.NoError(t, err)
		require.Equal(t, rec.Key, rec.String)
		got = append(got, rec.Key)
	}
	require.Equal(t, want, got)
	n := 0
	for range transfer.Read(ctx, b, listing) {
		if n++; n == 1500 {
			break // stopping early is fine
		}
	}
}
