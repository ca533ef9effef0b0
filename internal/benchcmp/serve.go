package main

// This file is the measuring end of compare: a build of benchcmp run with
// -serve prepares the pairs its flags select, once, then measures them on
// request, so that compare can alternate two builds slice by slice
// without starting a process per measurement.
//
// Protocol, one line each way, fields separated by one space:
//
//	build -> compare, first: "pair CALL BACKEND MODE" per pair, then "ready"
//	compare -> build: "run I D"  measure pair I's repository call for D ns
//	build -> compare: "ok NS"    its ns/op, or "err MESSAGE"
//	compare -> build: "reset I"  drop what pair I's turn piled up: "ok" or "err MESSAGE"
//
// At the end of stdin the build deletes its keys and exits.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// serve prepares the pairs of cfg and answers requests from in on out.
func serve(ctx context.Context, cfg *config, in io.Reader, out io.Writer) (err error) {
	pairs, closeAll, err := openPairs(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := closeAll(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriter(out)
	for _, p := range pairs {
		fmt.Fprintf(w, "pair %s %s %s\n", p.Call, p.Backend, mode(p.Par))
	}
	fmt.Fprintln(w, "ready")
	if err := w.Flush(); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		fmt.Fprintln(w, answer(ctx, pairs, sc.Text()))
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return sc.Err()
}

// answer serves one request line.
func answer(ctx context.Context, pairs []*pair, line string) string {
	f := strings.Fields(line)
	if len(f) < 2 {
		return "err malformed request " + strconv.Quote(line)
	}
	i, err := strconv.Atoi(f[1])
	if err != nil || i < 0 || i >= len(pairs) {
		return "err no pair " + strconv.Quote(f[1])
	}
	p := pairs[i]
	switch {
	case f[0] == "run" && len(f) == 3:
		d, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || d <= 0 {
			return "err bad duration " + strconv.Quote(f[2])
		}
		runtime.GC()
		res, err := measure(ctx, p.ops[sideRepo], p.Par, time.Duration(d))
		if err != nil {
			return "err " + oneLine(err)
		}
		return "ok " + strconv.FormatFloat(res.NsPerOp, 'g', -1, 64)
	case f[0] == "reset" && len(f) == 2:
		if p.reset != nil {
			if err := p.reset(ctx); err != nil {
				return "err " + oneLine(err)
			}
		}
		return "ok"
	}
	return "err malformed request " + strconv.Quote(line)
}

// oneLine returns err's message on one line.
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }
