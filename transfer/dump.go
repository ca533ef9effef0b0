package transfer

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/mimeiapify/store"
)

// The dump format's name and version, in its header line.
const (
	FormatName    = "mimeiapify-store-dump"
	FormatVersion = 1
)

// EncodingBase64 is the value of a record line's "encoding" field when its
// key and every string of its value are standard base64 (RFC 4648 with
// padding), used when one of them is not valid UTF-8.
const EncodingBase64 = "base64"

// ErrFormat is wrapped, inside a *LineError, by every error about a dump
// that does not parse. It also matches store.ErrInvalidArgument.
var ErrFormat = fmt.Errorf("transfer: malformed dump: %w", store.ErrInvalidArgument)

// LineError is a dump line that does not parse: its 1-based line number
// and what is wrong with it. It matches ErrFormat.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("dump line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause and ErrFormat.
func (e *LineError) Unwrap() []error { return []error{e.Err, ErrFormat} }

// Header is the first line of a dump.
type Header struct {
	// Format is FormatName; Version is FormatVersion.
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Created is when the dump was started (informative).
	Created time.Time `json:"created,omitzero"`
	// Prefix and Tenant say what was dumped (informative): the
	// application's key prefix and the one tenant of a tenant export.
	Prefix string `json:"prefix,omitempty"`
	Tenant string `json:"tenant,omitempty"`
}

// line is one record line of a dump.
type line struct {
	Key      string          `json:"key"`
	Type     string          `json:"type"`
	Encoding string          `json:"encoding,omitempty"`
	Value    json.RawMessage `json:"value"`
	TTLms    *int64          `json:"ttl_ms"`
}

// Encoder writes a dump: the header, then one line per record.
type Encoder struct {
	w *bufio.Writer
}

// NewEncoder writes the header to w (Format and Version are filled in) and
// returns an Encoder for the records. Call Flush at the end.
func NewEncoder(w io.Writer, h Header) (*Encoder, error) {
	h.Format, h.Version = FormatName, FormatVersion
	e := &Encoder{w: bufio.NewWriterSize(w, 64<<10)}
	if err := e.writeJSON(h); err != nil {
		return nil, err
	}
	return e, nil
}

// Encode writes one record line. A record whose key or value holds a
// string that is not valid UTF-8 is written with every string in base64
// and "encoding": "base64".
func (e *Encoder) Encode(rec Record) error {
	str := func(s string) string { return s }
	l := line{Key: rec.Key, Type: rec.Type.String()}
	if !validUTF8(rec) {
		l.Encoding = EncodingBase64
		str = func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
		l.Key = str(rec.Key)
	}
	var v any
	switch rec.Type {
	case store.TypeString:
		v = str(rec.String)
	case store.TypeHash:
		m := make(map[string]string, len(rec.Hash))
		for f, x := range rec.Hash {
			m[str(f)] = str(x)
		}
		v = m
	case store.TypeList, store.TypeSet:
		items := rec.List
		if rec.Type == store.TypeSet {
			items = sorted(rec.Set)
		}
		out := make([]string, len(items))
		for i, x := range items {
			out[i] = str(x)
		}
		v = out
	case store.TypeZSet:
		pairs := make([][2]string, len(rec.ZSet))
		for i, m := range sortedZ(rec.ZSet) {
			pairs[i] = [2]string{str(m.Member), formatScore(m.Score)}
		}
		v = pairs
	default:
		return fmt.Errorf("transfer: encode %q: %w: record has no type", rec.Key, store.ErrInvalidArgument)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("transfer: encode %q: %w", rec.Key, err)
	}
	l.Value = raw
	ttl := int64(-1)
	if rec.TTL > 0 {
		ttl, _ = store.TTLMillis(rec.TTL)
	}
	l.TTLms = &ttl
	return e.writeJSON(l)
}

// Flush writes what the Encoder buffers to the underlying writer.
func (e *Encoder) Flush() error {
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("transfer: write dump: %w", err)
	}
	return nil
}

func (e *Encoder) writeJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("transfer: encode: %w", err)
	}
	b = append(b, '\n')
	if _, err := e.w.Write(b); err != nil {
		return fmt.Errorf("transfer: write dump: %w", err)
	}
	return nil
}

func validUTF8(rec Record) bool {
	ok := utf8.ValidString(rec.Key) && utf8.ValidString(rec.String)
	for f, v := range rec.Hash {
		ok = ok && utf8.ValidString(f) && utf8.ValidString(v)
	}
	for _, v := range rec.List {
		ok = ok && utf8.ValidString(v)
	}
	for _, v := range rec.Set {
		ok = ok && utf8.ValidString(v)
	}
	for _, m := range rec.ZSet {
		ok = ok && utf8.ValidString(m.Member)
	}
	return ok
}

// Decoder reads a dump written by Encoder (or by another tool following
// the format in the package documentation).
type Decoder struct {
	r      *bufio.Reader
	line   int
	header Header
}

// NewDecoder reads and checks the header line of the dump r holds. A
// missing header, another format or a version above FormatVersion fails
// with a *LineError for line 1.
func NewDecoder(r io.Reader) (*Decoder, error) {
	d := &Decoder{r: bufio.NewReaderSize(r, 64<<10)}
	raw, err := d.next()
	if err == io.EOF {
		return nil, &LineError{Line: 1, Err: errors.New("empty dump: no header line")}
	}
	if err != nil {
		return nil, err
	}
	if err := strictUnmarshal(raw, &d.header); err != nil {
		return nil, &LineError{Line: d.line, Err: fmt.Errorf("header: %w", err)}
	}
	if d.header.Format != FormatName {
		return nil, &LineError{Line: d.line, Err: fmt.Errorf("header: format %q, want %q", d.header.Format, FormatName)}
	}
	if d.header.Version < 1 || d.header.Version > FormatVersion {
		return nil, &LineError{Line: d.line, Err: fmt.Errorf("header: version %d, this reader knows 1 to %d", d.header.Version, FormatVersion)}
	}
	return d, nil
}

// Header returns the dump's header.
func (d *Decoder) Header() Header { return d.header }

// Line returns the number of the last line read (1 is the header).
func (d *Decoder) Line() int { return d.line }

// Next returns the next record, io.EOF after the last one, or a
// *LineError for a line that does not parse; after a *LineError, Next goes
// on with the following line (for callers that skip bad lines). Blank
// lines are ignored.
func (d *Decoder) Next() (Record, error) {
	raw, err := d.next()
	if err != nil {
		return Record{}, err
	}
	rec, err := parseLine(raw)
	if err != nil {
		return Record{}, &LineError{Line: d.line, Err: err}
	}
	return rec, nil
}

// Records yields the records until the end of the dump or the first error
// (a *LineError or a read error), which it yields before it stops.
func (d *Decoder) Records() iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for {
			rec, err := d.Next()
			if err == io.EOF {
				return
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// next returns the next non-blank line, io.EOF at the end.
func (d *Decoder) next() ([]byte, error) {
	for {
		raw, err := d.r.ReadBytes('\n')
		if len(raw) == 0 && err == io.EOF {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("transfer: read dump after line %d: %w", d.line, err)
		}
		d.line++
		if raw = bytes.TrimSpace(raw); len(raw) > 0 {
			return raw, nil
		}
	}
}

func strictUnmarshal(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// parseLine decodes one record line.
func parseLine(raw []byte) (Record, error) {
	var l line
	if err := strictUnmarshal(raw, &l); err != nil {
		return Record{}, err
	}
	str := func(s string) (string, error) { return s, nil }
	switch l.Encoding {
	case "":
	case EncodingBase64:
		str = func(s string) (string, error) {
			b, err := base64.StdEncoding.DecodeString(s)
			return string(b), err
		}
	default:
		return Record{}, fmt.Errorf("unknown encoding %q", l.Encoding)
	}
	key, err := str(l.Key)
	if err != nil {
		return Record{}, fmt.Errorf("key: %w", err)
	}
	rec := Record{Key: key}
	if l.TTLms == nil || (*l.TTLms != -1 && *l.TTLms <= 0) {
		return Record{}, fmt.Errorf("key %q: ttl_ms must be -1 (no expiry) or positive", clip(key))
	}
	if *l.TTLms > 0 {
		rec.TTL = time.Duration(min(*l.TTLms, int64(maxTTL/time.Millisecond))) * time.Millisecond
	}
	if err := parseValue(&rec, l, str); err != nil {
		return Record{}, fmt.Errorf("key %q: %w", clip(key), err)
	}
	return rec, nil
}

// maxTTL caps a dumped TTL so that it fits a time.Duration.
const maxTTL = 100 * 365 * 24 * time.Hour

// parseValue decodes l's value into rec according to l's type.
func parseValue(rec *Record, l line, str func(string) (string, error)) error {
	if len(l.Value) == 0 {
		return errors.New("no value")
	}
	var err error
	switch l.Type {
	case "string":
		rec.Type = store.TypeString
		var s string
		if err = json.Unmarshal(l.Value, &s); err == nil {
			rec.String, err = str(s)
		}
	case "hash":
		rec.Type = store.TypeHash
		var m map[string]string
		if err = json.Unmarshal(l.Value, &m); err == nil {
			rec.Hash, err = decodeMap(m, str)
		}
	case "list", "set":
		var items []string
		if err = json.Unmarshal(l.Value, &items); err == nil {
			items, err = decodeItems(items, str)
		}
		rec.Type, rec.List = store.TypeList, items
		if l.Type == "set" {
			rec.Type, rec.List, rec.Set = store.TypeSet, nil, items
			slices.Sort(rec.Set)
			rec.Set = slices.Compact(rec.Set)
		}
	case "zset":
		rec.Type = store.TypeZSet
		var pairs [][]string
		if err = json.Unmarshal(l.Value, &pairs); err == nil {
			rec.ZSet, err = decodeZSet(pairs, str)
		}
	default:
		return fmt.Errorf("unknown type %q (want string, hash, list, set or zset)", l.Type)
	}
	if err != nil {
		return fmt.Errorf("%s value: %w", l.Type, err)
	}
	if rec.Type != store.TypeString && len(rec.Hash)+len(rec.List)+len(rec.Set)+len(rec.ZSet) == 0 {
		return fmt.Errorf("empty %s", l.Type)
	}
	return nil
}

func decodeMap(m map[string]string, str func(string) (string, error)) (map[string]string, error) {
	out := make(map[string]string, len(m))
	for f, v := range m {
		df, err := str(f)
		if err != nil {
			return nil, err
		}
		if out[df], err = str(v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeItems(items []string, str func(string) (string, error)) ([]string, error) {
	for i, v := range items {
		d, err := str(v)
		if err != nil {
			return nil, err
		}
		items[i] = d
	}
	return items, nil
}

// decodeZSet reads a sorted set's [member, score] pairs, in the sorted
// set's order; a NaN score or a member named twice is an error.
func decodeZSet(pairs [][]string, str func(string) (string, error)) ([]store.ZMember, error) {
	out := make([]store.ZMember, 0, len(pairs))
	seen := make(map[string]bool, len(pairs))
	for i, p := range pairs {
		if len(p) != 2 {
			return nil, fmt.Errorf("element %d is not a [member, score] pair", i)
		}
		m, err := str(p[0])
		if err != nil {
			return nil, err
		}
		s, err := strconv.ParseFloat(p[1], 64)
		if err != nil || math.IsNaN(s) {
			return nil, fmt.Errorf("member %q: score %q is not a number", clip(m), p[1])
		}
		if seen[m] {
			return nil, fmt.Errorf("member %q is named twice", clip(m))
		}
		seen[m] = true
		out = append(out, store.ZMember{Member: m, Score: s})
	}
	return sortedZ(out), nil
}

// clip shortens a key quoted in an error.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	return s[:64] + "..."
}
