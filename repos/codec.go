package repos

// This file is the value codec: how a Go value becomes the fields of a
// hash and back. The per-type plans are in codec_plan.go, the per-field
// conversions in codec_value.go.

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/mimeiapify/store"
)

// ErrEncode is wrapped by every error of Encode (and of a repository write
// whose value cannot be encoded): the value holds a field of a type the
// codec cannot store (a channel, a func, a complex number, a value that
// JSON rejects), or is not a struct or a map. It also matches
// store.ErrInvalidArgument. Nothing is written when it occurs.
var ErrEncode = fmt.Errorf("repos: cannot encode value: %w", store.ErrInvalidArgument)

// ErrDecode is wrapped by every error of Decode: a stored field does not
// parse as the destination field's type ("abc" into an int, "300" into an
// int8), or the destination is not a pointer to a struct or a map. The
// destination is left unchanged when it occurs.
var ErrDecode = errors.New("repos: cannot decode value")

// Encode turns v into the fields of a hash, one field per top-level field.
//
// v is a struct, a pointer to one, a map[string]string (copied) or a
// map[string]any (each value converted by the rules below; nil values
// skipped). Field names come from `json` tags as encoding/json reads them:
// `json:"name"` renames, `json:"-"` skips, `omitempty` skips a false,
// 0, "", nil or empty value and `omitzero` a zero one; unexported fields
// are skipped and embedded structs without a tag name are flattened.
//
// Values are stored as:
//
//	string kinds                 as they are
//	ints, uints                  decimal ("-42")
//	floats                       shortest decimal that reads back exactly ("0.1", "1e+21")
//	bool                         "1" or "0"
//	time.Time                    RFC 3339 with nanoseconds (time.RFC3339Nano)
//	time.Duration                integer count of nanoseconds in decimal ("1500000000")
//	encoding.TextMarshaler       its text (enums, netip.Addr, ...)
//	structs, maps, slices,       JSON
//	arrays, interfaces
//	pointers                     nil: no field at all; else as the value pointed to
//
// Durations are stored as integers so that HIncrBy can add to them. On
// any value it cannot encode Encode fails with an error wrapping
// ErrEncode that names the field and its type, and returns no fields.
func Encode(v any) (map[string]string, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, fmt.Errorf("%w: nil %s", ErrEncode, rv.Type())
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Struct:
		return encodeStruct(rv)
	case reflect.Map:
		return encodeMap(rv)
	case reflect.Invalid:
		return nil, fmt.Errorf("%w: nil value", ErrEncode)
	}
	return nil, fmt.Errorf("%w: %s is not a struct or a map with string keys", ErrEncode, rv.Type())
}

// Decode fills dst from the fields of a hash, reversing Encode.
//
// dst is a pointer to a struct, a *map[string]string or a
// *map[string]any. Into a struct, stored fields without a matching struct
// field are ignored and struct fields without a stored field keep their
// value (as encoding/json does); a bool reads "1", "0" and what
// strconv.ParseBool accepts; a time.Duration reads an integer count of
// nanoseconds or, leniently, time.ParseDuration's form ("1m30s"). Into a
// map, every stored field becomes an entry holding the stored string as
// it is (no JSON decoding: the codec cannot know which strings were JSON).
//
// On a field it cannot decode Decode fails with an error wrapping
// ErrDecode that names the field and its type, and leaves dst unchanged.
func Decode(fields map[string]string, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("%w: destination %T is not a non-nil pointer", ErrDecode, dst)
	}
	target := rv.Elem()
	switch target.Kind() {
	case reflect.Struct:
		return decodeStruct(fields, target)
	case reflect.Map:
		return decodeMap(fields, target)
	}
	return fmt.Errorf("%w: destination %T is not a pointer to a struct or a map", ErrDecode, dst)
}

// DecodeAs decodes fields into a new value of type T (a struct or a map
// type as Decode accepts) and returns it.
func DecodeAs[T any](fields map[string]string) (T, error) {
	var v T
	if err := Decode(fields, &v); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

func encodeStruct(rv reflect.Value) (map[string]string, error) {
	p, err := planFor(rv.Type())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEncode, err)
	}
	out := make(map[string]string, len(p.fields))
	for i := range p.fields {
		f := &p.fields[i]
		fv, ok := fieldByIndex(rv, f.index)
		if !ok || f.omit(fv) {
			continue
		}
		s, present, err := encodeValue(f.conv, fv)
		if err != nil {
			return nil, fmt.Errorf("%w: field %q (%s): %w", ErrEncode, f.name, f.typ, err)
		}
		if present {
			out[f.name] = s
		}
	}
	return out, nil
}

func encodeMap(rv reflect.Value) (map[string]string, error) {
	if rv.Type().Key().Kind() != reflect.String {
		return nil, fmt.Errorf("%w: %s has keys that are not strings", ErrEncode, rv.Type())
	}
	out := make(map[string]string, rv.Len())
	iter := rv.MapRange()
	for iter.Next() {
		name, val := iter.Key().String(), iter.Value()
		for val.Kind() == reflect.Interface && !val.IsNil() {
			val = val.Elem()
		}
		if !val.IsValid() || (val.Kind() == reflect.Interface && val.IsNil()) {
			continue
		}
		c, err := convFor(val.Type())
		if err == nil {
			var s string
			var present bool
			s, present, err = encodeValue(c, val)
			if present && err == nil {
				out[name] = s
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%w: map entry %q (%s): %w", ErrEncode, name, val.Type(), err)
		}
	}
	return out, nil
}

// decodeStruct decodes into a copy of target and stores it only when
// every field decoded, so that a failure leaves target unchanged.
func decodeStruct(fields map[string]string, target reflect.Value) error {
	p, err := planFor(target.Type())
	if err != nil {
		return fmt.Errorf("%w: %w", ErrDecode, err)
	}
	tmp := reflect.New(target.Type()).Elem()
	tmp.Set(target)
	for i := range p.fields {
		f := &p.fields[i]
		s, ok := fields[f.name]
		if !ok {
			continue
		}
		fv := fieldByIndexAlloc(tmp, f.index)
		if err := decodeValue(f.conv, s, fv); err != nil {
			return fmt.Errorf("%w: field %q (%s) from %q: %w", ErrDecode, f.name, f.typ, clip(s), err)
		}
	}
	target.Set(tmp)
	return nil
}

func decodeMap(fields map[string]string, target reflect.Value) error {
	t := target.Type()
	if t.Key().Kind() != reflect.String {
		return fmt.Errorf("%w: destination %s has keys that are not strings", ErrDecode, t)
	}
	elem := t.Elem()
	if elem.Kind() != reflect.String && !(elem.Kind() == reflect.Interface && elem.NumMethod() == 0) {
		return fmt.Errorf("%w: destination %s holds neither strings nor any", ErrDecode, t)
	}
	m := reflect.MakeMapWithSize(t, len(fields))
	for k, v := range fields {
		m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), reflect.ValueOf(v).Convert(elem))
	}
	target.Set(m)
	return nil
}

// clip shortens a stored value quoted in an error message.
func clip(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}
