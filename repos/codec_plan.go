package repos

// Per-type field plans of the codec, built once per struct type and cached.

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

// conv is how one field's value is converted to and from its stored text.
type conv uint8

const (
	convString conv = iota
	convBool
	convInt
	convUint
	convFloat
	convTime
	convDuration
	convText // encoding.TextMarshaler / TextUnmarshaler
	convJSON
	convPtr // a pointer to a value converted by elem's conv
)

// fieldConv is a conv with, for pointers, the conv of what they point to.
type fieldConv struct {
	kind conv
	typ  reflect.Type
	elem *fieldConv
}

// fieldPlan is one stored field of a struct type.
type fieldPlan struct {
	name      string
	index     []int
	typ       reflect.Type
	conv      fieldConv
	omitEmpty bool
	omitZero  bool
	depth     int
}

// typePlan is the list of stored fields of a struct type.
type typePlan struct {
	fields []fieldPlan
}

// planEntry is what the cache holds: a plan or the error building it.
type planEntry struct {
	plan *typePlan
	err  error
}

var plans sync.Map // reflect.Type -> planEntry

var (
	timeType          = reflect.TypeFor[time.Time]()
	durationType      = reflect.TypeFor[time.Duration]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// planFor returns the cached plan of struct type t, building it once.
func planFor(t reflect.Type) (*typePlan, error) {
	if e, ok := plans.Load(t); ok {
		pe := e.(planEntry)
		return pe.plan, pe.err
	}
	p, err := buildPlan(t)
	plans.Store(t, planEntry{plan: p, err: err})
	return p, err
}

func buildPlan(t reflect.Type) (*typePlan, error) {
	var all []fieldPlan
	if err := collectFields(t, nil, 0, &all); err != nil {
		return nil, err
	}
	byName := make(map[string]int, len(all))
	var kept []fieldPlan
	for _, f := range all {
		i, dup := byName[f.name]
		switch {
		case !dup:
			byName[f.name] = len(kept)
			kept = append(kept, f)
		case kept[i].depth == f.depth:
			return nil, fmt.Errorf("%s has two fields named %q at the same depth", t, f.name)
		case f.depth < kept[i].depth:
			kept[i] = f
		}
	}
	return &typePlan{fields: kept}, nil
}

// collectFields appends the stored fields of struct type t, flattening
// embedded structs without a tag name as encoding/json does.
func collectFields(t reflect.Type, index []int, depth int, out *[]fieldPlan) error {
	if depth > 16 {
		return fmt.Errorf("%s embeds structs too deeply", t)
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, tagged := parseTag(sf)
		if name == "-" && !tagged {
			continue
		}
		idx := append(append([]int(nil), index...), i)
		if sf.Anonymous && !tagged {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				if !sf.IsExported() {
					continue // encoding/json cannot set it either
				}
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct && !isLeafStruct(et) {
				if err := collectFields(et, idx, depth+1, out); err != nil {
					return err
				}
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		c, err := convFor(sf.Type)
		if err != nil {
			return fmt.Errorf("field %q (%s): %w", name, sf.Type, err)
		}
		*out = append(*out, fieldPlan{
			name: name, index: idx, typ: sf.Type, conv: c, depth: depth,
			omitEmpty: strings.Contains(opts, ",omitempty,"),
			omitZero:  strings.Contains(opts, ",omitzero,"),
		})
	}
	return nil
}

// parseTag returns the stored name of a field, its options wrapped in
// commas (",omitempty,"), and whether the tag named it. The name "-" with
// tagged false means the field is skipped.
func parseTag(sf reflect.StructField) (name, opts string, tagged bool) {
	tag, ok := sf.Tag.Lookup("json")
	if tag == "-" {
		return "-", "", false
	}
	name, rest, _ := strings.Cut(tag, ",")
	opts = "," + rest + ","
	if !ok || name == "" {
		return sf.Name, opts, false
	}
	return name, opts, true
}

// isLeafStruct reports whether a struct type is stored as one value (time
// or a TextMarshaler) rather than flattened when embedded.
func isLeafStruct(t reflect.Type) bool {
	return t == timeType || t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)
}

// convFor picks the conversion of type t, or fails for types the codec
// cannot store.
func convFor(t reflect.Type) (fieldConv, error) {
	switch {
	case t == timeType:
		return fieldConv{kind: convTime, typ: t}, nil
	case t == durationType:
		return fieldConv{kind: convDuration, typ: t}, nil
	case t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface &&
		(t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)):
		return fieldConv{kind: convText, typ: t}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return fieldConv{kind: convString, typ: t}, nil
	case reflect.Bool:
		return fieldConv{kind: convBool, typ: t}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fieldConv{kind: convInt, typ: t}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fieldConv{kind: convUint, typ: t}, nil
	case reflect.Float32, reflect.Float64:
		return fieldConv{kind: convFloat, typ: t}, nil
	case reflect.Struct, reflect.Map, reflect.Slice, reflect.Array, reflect.Interface:
		return fieldConv{kind: convJSON, typ: t}, nil
	case reflect.Pointer:
		elem, err := convFor(t.Elem())
		if err != nil {
			return fieldConv{}, err
		}
		if elem.kind == convPtr {
			return fieldConv{kind: convJSON, typ: t}, nil
		}
		return fieldConv{kind: convPtr, typ: t, elem: &elem}, nil
	}
	return fieldConv{}, fmt.Errorf("type %s cannot be stored", t)
}

// omit reports whether the field's tag options skip value v.
func (f *fieldPlan) omit(v reflect.Value) bool {
	if f.omitZero {
		if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				return z.IsZero()
			}
		}
		if v.IsZero() {
			return true
		}
	}
	return f.omitEmpty && isEmpty(v)
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// fieldByIndex walks index from struct v; ok is false when it crosses a
// nil embedded pointer (the fields behind it are then absent).
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// fieldByIndexAlloc walks index from settable struct v, allocating nil
// embedded pointers on the way.
func fieldByIndexAlloc(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}
