package luagroup

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/mimeiapify/store"
)

// Commands returns the Redis commands of a group for which Choose returned
// RouteMulti, one per op and in op order, for a backend to send between
// MULTI and EXEC. Each command is its name then its arguments; the key is
// always at index 1. Ops with a Result are not accepted: such groups go
// through a script.
func Commands(ops []store.Op) ([][]string, error) {
	cmds := make([][]string, 0, len(ops))
	for i, op := range ops {
		cmd, err := command(op)
		if err != nil {
			return nil, fmt.Errorf("luagroup: op %d (%T): %w", i, op, err)
		}
		cmds = append(cmds, cmd)
	}
	return cmds, nil
}

// command returns the Redis command of one op.
func command(op store.Op) ([]string, error) {
	switch o := op.(type) {
	case *store.SetOp:
		ms, err := Millis(o.TTL)
		if err != nil {
			return nil, err
		}
		if ms == 0 {
			return []string{"SET", o.Key, o.Value}, nil
		}
		return []string{"SET", o.Key, o.Value, "PX", strconv.FormatInt(ms, 10)}, nil
	case *store.DelOp:
		return []string{"DEL", o.Key}, nil
	case *store.ExpireOp:
		ms, err := Millis(o.TTL)
		if err != nil {
			return nil, err
		}
		if o.NX {
			return []string{"PEXPIRE", o.Key, strconv.FormatInt(ms, 10), "NX"}, nil
		}
		if o.GT {
			return []string{"PEXPIRE", o.Key, strconv.FormatInt(ms, 10), "GT"}, nil
		}
		return []string{"PEXPIRE", o.Key, strconv.FormatInt(ms, 10)}, nil
	case *store.PersistOp:
		return []string{"PERSIST", o.Key}, nil
	case *store.LTrimOp:
		return []string{"LTRIM", o.Key, strconv.FormatInt(o.Start, 10), strconv.FormatInt(o.Stop, 10)}, nil
	case *store.HSetOp:
		cmd := make([]string, 2, 2+2*len(o.Fields))
		cmd[0], cmd[1] = "HSET", o.Key
		fields := make([]string, 0, len(o.Fields))
		for f := range o.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			cmd = append(cmd, f, o.Fields[f])
		}
		return cmd, nil
	case *store.HDelOp:
		return listCommand("HDEL", o.Key, o.Fields), nil
	case *store.RPushOp:
		return listCommand("RPUSH", o.Key, o.Values), nil
	case *store.LPushOp:
		return listCommand("LPUSH", o.Key, o.Values), nil
	case *store.SAddOp:
		return listCommand("SADD", o.Key, o.Members), nil
	case *store.SRemOp:
		return listCommand("SREM", o.Key, o.Members), nil
	case *store.ZRemOp:
		return listCommand("ZREM", o.Key, o.Members), nil
	case *store.ZAddOp:
		cmd := make([]string, 2, 3+2*len(o.Members))
		cmd[0], cmd[1] = "ZADD", o.Key
		if f := zaddFlag(o); f != "" {
			cmd = append(cmd, f)
		}
		for _, m := range o.Members {
			cmd = append(cmd, FormatScore(m.Score), m.Member)
		}
		return cmd, nil
	}
	return nil, fmt.Errorf("%w: op has no plain command", store.ErrInvalidArgument)
}

func listCommand(name, key string, list []string) []string {
	cmd := make([]string, 2, 2+len(list))
	cmd[0], cmd[1] = name, key
	return append(cmd, list...)
}
