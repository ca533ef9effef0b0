package repos

// Conversions of one value to and from its stored text.

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
)

// encodeValue converts v by c; present is false for a nil pointer, which
// is stored as no field at all.
func encodeValue(c fieldConv, v reflect.Value) (s string, present bool, err error) {
	switch c.kind {
	case convString:
		return v.String(), true, nil
	case convBool:
		if v.Bool() {
			return "1", true, nil
		}
		return "0", true, nil
	case convInt:
		return strconv.FormatInt(v.Int(), 10), true, nil
	case convUint:
		return strconv.FormatUint(v.Uint(), 10), true, nil
	case convFloat:
		return formatFloat(v.Float(), v.Type().Bits()), true, nil
	case convTime:
		return v.Interface().(time.Time).Format(time.RFC3339Nano), true, nil
	case convDuration:
		return strconv.FormatInt(v.Int(), 10), true, nil
	case convText:
		s, err := encodeText(v)
		return s, err == nil, err
	case convPtr:
		if v.IsNil() {
			return "", false, nil
		}
		return encodeValue(*c.elem, v.Elem())
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return "", false, err
	}
	return string(b), true, nil
}

// formatFloat prints f as encoding/json does: the shortest decimal that
// reads back exactly, with an exponent only for very large or small
// magnitudes. NaN and infinities print as "NaN", "+Inf" and "-Inf".
func formatFloat(f float64, bits int) string {
	abs := math.Abs(f)
	if abs != 0 && !math.IsInf(f, 0) && (abs < 1e-6 || abs >= 1e21) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

func encodeText(v reflect.Value) (string, error) {
	if !v.CanAddr() {
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		v = c
	}
	m, ok := v.Interface().(encoding.TextMarshaler)
	if !ok {
		m = v.Addr().Interface().(encoding.TextMarshaler)
	}
	b, err := m.MarshalText()
	return string(b), err
}

// decodeValue parses s by c into settable v.
func decodeValue(c fieldConv, s string, v reflect.Value) error {
	switch c.kind {
	case convString:
		v.SetString(s)
	case convBool:
		return decodeBool(s, v)
	case convInt:
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return numError(err)
		}
		v.SetInt(n)
	case convUint:
		n, err := strconv.ParseUint(s, 10, v.Type().Bits())
		if err != nil {
			return numError(err)
		}
		v.SetUint(n)
	case convFloat:
		return decodeFloat(s, v)
	case convTime:
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return errors.New("not an RFC 3339 time")
		}
		v.Set(reflect.ValueOf(t))
	case convDuration:
		return decodeDuration(s, v)
	case convText:
		u, ok := v.Addr().Interface().(encoding.TextUnmarshaler)
		if !ok {
			return errors.New("type has no UnmarshalText method")
		}
		return u.UnmarshalText([]byte(s))
	case convPtr:
		p := reflect.New(v.Type().Elem())
		if err := decodeValue(*c.elem, s, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
	default:
		return decodeJSON(s, v)
	}
	return nil
}

func decodeBool(s string, v reflect.Value) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New(`not a boolean ("1" or "0")`)
	}
	v.SetBool(b)
	return nil
}

func decodeFloat(s string, v reflect.Value) error {
	f, err := strconv.ParseFloat(s, v.Type().Bits())
	if err != nil {
		return numError(err)
	}
	v.SetFloat(f)
	return nil
}

func decodeDuration(s string, v reflect.Value) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err == nil {
		v.SetInt(n)
		return nil
	}
	d, perr := time.ParseDuration(s)
	if perr != nil {
		return numError(err)
	}
	v.SetInt(int64(d))
	return nil
}

func decodeJSON(s string, v reflect.Value) error {
	p := reflect.New(v.Type())
	if err := json.Unmarshal([]byte(s), p.Interface()); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	v.Set(p.Elem())
	return nil
}

// numError turns a strconv error into a short reason.
func numError(err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return errors.New("out of range")
	}
	return errors.New("not a number")
}
