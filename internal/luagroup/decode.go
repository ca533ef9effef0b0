package luagroup

import (
	"fmt"
	"strconv"

	"github.com/mimeiapify/store"
)

// Decode fills in the results of the result-bearing ops of a group
// (IncrByOp, HIncrByOp, HGetAllOp, LPopOp) from Script's reply, in op order. It
// fails when the reply does not have the shape ops ask for.
func Decode(ops []store.Op, reply []string) error {
	pos := 0
	next := func() (string, error) {
		if pos >= len(reply) {
			return "", fmt.Errorf("luagroup: reply has %d elements, too few for the group", len(reply))
		}
		pos++
		return reply[pos-1], nil
	}
	for _, op := range ops {
		var err error
		switch o := op.(type) {
		case *store.IncrByOp:
			o.Result, err = decodeInt(next)
		case *store.HIncrByOp:
			o.Result, err = decodeInt(next)
		case *store.HGetAllOp:
			o.Result, err = decodeHash(next)
		case *store.LPopOp:
			o.Result, err = decodeList(next)
		}
		if err != nil {
			return err
		}
	}
	if pos != len(reply) {
		return fmt.Errorf("luagroup: reply has %d elements, the group uses %d", len(reply), pos)
	}
	return nil
}

func decodeInt(next func() (string, error)) (int64, error) {
	s, err := next()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("luagroup: integer result %q: %w", s, err)
	}
	return n, nil
}

func decodeHash(next func() (string, error)) (map[string]string, error) {
	s, err := next()
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("luagroup: hash field count %q is not a count", s)
	}
	m := make(map[string]string, n)
	for range n {
		f, err := next()
		if err != nil {
			return nil, err
		}
		v, err := next()
		if err != nil {
			return nil, err
		}
		m[f] = v
	}
	return m, nil
}

// decodeList reads a count, then that many elements (LPopOp).
func decodeList(next func() (string, error)) ([]string, error) {
	s, err := next()
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("luagroup: list element count %q is not a count", s)
	}
	out := make([]string, 0, n)
	for range n {
		v, err := next()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
