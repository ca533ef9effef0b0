package luagroup

// This file plans a group's ShapeScript: its keys, its checks and its
// steps, and the signature that names its shape.

import (
	"slices"

	"github.com/mimeiapify/store"
)

// shapePlan is how a group runs as a ShapeScript.
type shapePlan struct {
	ops   []store.Op
	keys  []string // KEYS: the group's keys in first-use order
	opKey [maxShapeOps]uint8
	self  int // index of the self-checking op, -1 if none
	// steps are the ops in the order the script runs them: the
	// self-checking op first, then the others in group order, an ExpireOp
	// NX followed by an ExpireOp GT of the same key and TTL as one step.
	steps  [maxShapeOps]shapeStep
	nsteps int
	checks [maxShapeOps]shapeCheck
	nchk   int
}

// shapeStep is one command of a ShapeScript: the op at index op of the
// group, run as code.
type shapeStep struct {
	op   uint8
	code shapeCode
}

// shapeCheck is one TYPE check: a KEYS index and the type it must have
// (or none).
type shapeCheck struct {
	key uint8
	typ string
}

// shapeCode names the command a step runs.
type shapeCode uint8

const (
	codeSet shapeCode = iota + 'a'
	codeSetPX
	codeDel
	codePExpire
	codePExpireNX
	codePExpireGT
	codeExtend // PEXPIRE GT, then PEXPIRE NX if GT set nothing
	codePersist
	codeIncrBy
	codeHIncrBy
	codeHGetAll
	codeLTrim
	codeHSet
	codeHDel
	codeRPush
	codeLPush
	codeSAdd
	codeSRem
)

// listNames are the commands of the steps whose arguments are a list.
var listNames = map[shapeCode]string{codeHSet: "HSET", codeHDel: "HDEL", codeRPush: "RPUSH",
	codeLPush: "LPUSH", codeSAdd: "SADD", codeSRem: "SREM"}

// planShape returns the plan of a group that passed store.CheckGroup with
// checks, or false when it does not fit a ShapeScript: too many ops, an
// op with no shape code or too many arguments, more than one increment,
// or an increment that is not the first op on its key.
func planShape(ops []store.Op, checks store.GroupChecks) (p shapePlan, ok bool) {
	if len(ops) == 0 || len(ops) > maxShapeOps || len(checks.Incrs) > 1 {
		return p, false
	}
	p.ops, p.self = ops, -1
	var first [maxShapeOps]bool // the op is the first on its key
	var codes [maxShapeOps]shapeCode
	for i, op := range ops {
		code, n, ok := opShape(op)
		if !ok || n > maxUnpack {
			return p, false
		}
		codes[i] = code
		k := op.OpKey()
		idx := slices.Index(p.keys, k)
		if idx < 0 {
			if p.keys == nil {
				p.keys = make([]string, 0, len(ops))
			}
			p.keys = append(p.keys, k)
			idx = len(p.keys) - 1
			first[i] = true
		}
		p.opKey[i] = uint8(idx + 1)
		if code == codeIncrBy || code == codeHIncrBy {
			if !first[i] {
				return p, false
			}
			p.self = i
		}
	}
	if p.self < 0 {
		for i, op := range ops {
			if first[i] && typed(codes[i]) && hasTypeCheck(checks, op.OpKey()) {
				p.self = i
				break
			}
		}
	}
	for _, c := range checks.Types {
		if p.self >= 0 && c.Key == ops[p.self].OpKey() {
			continue
		}
		idx := slices.Index(p.keys, c.Key)
		if idx < 0 || p.nchk == maxShapeOps {
			return p, false
		}
		p.checks[p.nchk] = shapeCheck{key: uint8(idx + 1), typ: c.Type.String()}
		p.nchk++
	}
	if p.self >= 0 {
		p.add(p.self, codes[p.self])
	}
	for i := 0; i < len(ops); i++ {
		if i == p.self {
			continue
		}
		if codes[i] == codePExpireNX && i+1 < len(ops) && codes[i+1] == codePExpireGT && sameTTL(ops[i], ops[i+1]) {
			p.add(i, codeExtend)
			i++
			continue
		}
		p.add(i, codes[i])
	}
	return p, true
}

func (p *shapePlan) add(op int, code shapeCode) {
	p.steps[p.nsteps] = shapeStep{op: uint8(op), code: code}
	p.nsteps++
}

// sameTTL reports whether two ExpireOps set the same TTL on the same key:
// then PEXPIRE NX followed by PEXPIRE GT does what PEXPIRE GT does, or
// PEXPIRE NX when GT set nothing (a key without TTL counts as never
// expiring for GT), one command fewer whenever GT extends the TTL.
func sameTTL(a, b store.Op) bool {
	x, y := a.(*store.ExpireOp), b.(*store.ExpireOp)
	return x.Key == y.Key && x.TTL == y.TTL
}

// hasTypeCheck reports whether checks hold a type check of key.
func hasTypeCheck(checks store.GroupChecks, key string) bool {
	for _, c := range checks.Types {
		if c.Key == key {
			return true
		}
	}
	return false
}

// typed reports whether a step's command fails on a key of the wrong
// type.
func typed(code shapeCode) bool {
	switch code {
	case codeSet, codeSetPX, codeDel, codePExpire, codePExpireNX, codePExpireGT, codePersist:
		return false
	}
	return true
}

// opShape returns the code of op's command, how many list arguments it
// passes with unpack (0 for fixed arguments), and false for an op a
// ShapeScript does not run.
func opShape(op store.Op) (shapeCode, int, bool) {
	switch o := op.(type) {
	case *store.SetOp:
		if ms, _ := Millis(o.TTL); ms == 0 {
			return codeSet, 0, true
		}
		return codeSetPX, 0, true
	case *store.DelOp:
		return codeDel, 0, true
	case *store.ExpireOp:
		switch {
		case o.NX:
			return codePExpireNX, 0, true
		case o.GT:
			return codePExpireGT, 0, true
		}
		return codePExpire, 0, true
	case *store.PersistOp:
		return codePersist, 0, true
	case *store.IncrByOp:
		return codeIncrBy, 0, true
	case *store.HIncrByOp:
		return codeHIncrBy, 0, true
	case *store.HGetAllOp:
		return codeHGetAll, 0, true
	case *store.LTrimOp:
		return codeLTrim, 0, true
	case *store.HSetOp:
		return codeHSet, 2 * len(o.Fields), true
	case *store.HDelOp:
		return codeHDel, len(o.Fields), true
	case *store.RPushOp:
		return codeRPush, len(o.Values), true
	case *store.LPushOp:
		return codeLPush, len(o.Values), true
	case *store.SAddOp:
		return codeSAdd, len(o.Members), true
	case *store.SRemOp:
		return codeSRem, len(o.Members), true
	}
	return 0, 0, false
}

// signature names the plan's shape: equal signatures, equal scripts.
func (p *shapePlan) signature(buf []byte) []byte {
	for _, c := range p.checks[:p.nchk] {
		buf = append(buf, 'T', c.key)
		buf = append(buf, c.typ...)
		buf = append(buf, ';')
	}
	if p.self >= 0 {
		// Where the self-checking op is in the group places its result.
		buf = append(buf, 'S', byte(p.self))
	}
	for _, s := range p.steps[:p.nsteps] {
		buf = append(buf, byte(s.code), p.opKey[s.op])
	}
	return buf
}
