package main

import (
	"errors"
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
	"github.com/mimeiapify/store/transfer"
)

// errVerify is returned when copy's verification finds differences.
var errVerify = errors.New("verification found differences")

func runCopy(c *cli, args []string) error {
	fs := c.flagSet("copy")
	from := fs.String("from", "", "source backend URL")
	to := fs.String("to", "", "target backend URL")
	tenant := fs.String("tenant", "", "copy only this tenant's keys")
	replace := fs.Bool("replace", false, "overwrite target keys that hold another value")
	batch := fs.Int("batch", transfer.DefaultBatchSize, "keys per batch")
	workers := fs.Int("workers", transfer.DefaultWorkers, "keys copied at once")
	noVerify := fs.Bool("no-verify", false, "skip the verification pass")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usageErrorf("copy needs --from URL and --to URL")
	}
	if *from == *to {
		return usageErrorf("copy: --from and --to are the same URL")
	}
	src, err := openURL(c.ctx, *from, "--from")
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openURL(c.ctx, *to, "--to")
	if err != nil {
		return err
	}
	defer dst.Close()
	if _, err := c.keysOf(src, *tenant); err != nil {
		return err
	}
	keys := func() func(func(string, error) bool) { k, _ := c.keysOf(src, *tenant); return k }
	total, err := countKeys(keys())
	if err != nil {
		return err
	}
	p := c.newProgress("copy", total)
	st, err := transfer.Copy(c.ctx, src, dst, keys(), &transfer.CopyOptions{
		BatchSize: *batch, Workers: *workers, Replace: *replace,
		Progress: func(s transfer.Stats) { p.update(s.Keys) },
	})
	p.finish(st.Keys)
	if err != nil {
		return fmt.Errorf("copy stopped after %d keys (%d written): %w; run the same command again to resume", st.Keys, st.Written, err)
	}
	if *tenant != "" {
		if err := c.rescheduleTenant(dst, *tenant); err != nil {
			return err
		}
	}
	if *noVerify {
		return c.printStats("copy", st, nil)
	}
	if !c.common.json {
		if err := c.printStats("copy", st, nil); err != nil {
			return err
		}
	}
	vp := c.newProgress("verify", total)
	rep, err := transfer.Verify(c.ctx, src, dst, keys())
	vp.finish(rep.Keys)
	if err != nil {
		return err
	}
	if c.common.json {
		if err := c.printJSON(map[string]any{"keys": st.Keys, "written": st.Written, "skipped_same": st.Skipped,
			"vanished": st.Vanished, "seconds": st.Elapsed.Seconds(), "verify": rep}); err != nil {
			return err
		}
	} else {
		c.printReport(rep)
	}
	if !rep.OK() {
		return fmt.Errorf("%w: %d of %d keys differ", errVerify, rep.Mismatched, rep.Keys)
	}
	return nil
}

// printReport prints a verification report.
func (c *cli) printReport(rep transfer.Report) {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tSOURCE KEYS\tTARGET KEYS\tSOURCE CHECKSUM\tTARGET CHECKSUM")
	types := []string{}
	for t := range rep.A {
		types = append(types, t)
	}
	for t := range rep.B {
		if _, ok := rep.A[t]; !ok {
			types = append(types, t)
		}
	}
	slices.Sort(types)
	for _, t := range types {
		a, b := rep.A[t], rep.B[t]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%016x\t%016x\n", t, a.Count, b.Count, a.Checksum, b.Checksum)
	}
	_ = tw.Flush()
	if rep.OK() {
		fmt.Fprintf(c.stdout, "verify: %d keys identical (%d expired meanwhile)\n", rep.Keys-rep.Missing, rep.Missing)
		return
	}
	fmt.Fprintf(c.stdout, "verify: %d of %d keys differ, first ones:\n", rep.Mismatched, rep.Keys)
	for _, k := range rep.Mismatches[:min(10, len(rep.Mismatches))] {
		fmt.Fprintf(c.stdout, "  %s\n", show(k))
	}
}

// rescheduleTenant schedules the triggers of tenant on b: a tenant's keys
// copied alone do not bring the application-wide schedule with them.
func (c *cli) rescheduleTenant(b store.Backend, tenant string) error {
	var triggers []string
	for key, err := range tenantKeys(c.ctx, b, c.common.prefix, tenant) {
		if err != nil {
			return err
		}
		if info, ok := repos.ParseKey(c.common.prefix, key); ok && info.Shape == repos.ShapeTrigger {
			triggers = append(triggers, key)
		}
	}
	if _, err := repos.RescheduleTriggers(c.ctx, b, triggers, &repos.Options{Prefix: c.common.prefix}); err != nil {
		return fmt.Errorf("copy: keys copied, but the triggers were not all scheduled: %w", err)
	}
	return nil
}
