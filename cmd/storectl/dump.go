package main

import (
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
	"github.com/mimeiapify/store/transfer"
)

// keysOf returns the listing of --tenant's keys, or of every key of the
// application under --prefix when tenant is empty.
func (c *cli) keysOf(b store.Backend, tenant string) (iter.Seq2[string, error], error) {
	if tenant != "" {
		if _, err := repos.TenantPattern(c.common.prefix, tenant); err != nil {
			return nil, usageErrorf("--tenant: %v", err)
		}
		return tenantKeys(c.ctx, b, c.common.prefix, tenant), nil
	}
	pat, err := repos.AppPattern(c.common.prefix)
	if err != nil {
		return nil, usageErrorf("--prefix: %v", err)
	}
	return b.Scan(c.ctx, pat), nil
}

func runExport(c *cli, args []string) error {
	fs := c.flagSet("export")
	tenant := fs.String("tenant", "", "export only this tenant's keys")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	b, err := c.open()
	if err != nil {
		return err
	}
	defer b.Close()
	keys, err := c.keysOf(b, *tenant)
	if err != nil {
		return err
	}
	total, err := countKeys(keys)
	if err != nil {
		return err
	}
	enc, err := transfer.NewEncoder(c.stdout, transfer.Header{Created: time.Now().UTC(), Prefix: c.common.prefix, Tenant: *tenant})
	if err != nil {
		return err
	}
	p := c.newProgress("export", total)
	var n int64
	for rec, err := range transfer.Read(c.ctx, b, keys) {
		if err != nil {
			p.finish(n)
			return err
		}
		if err := enc.Encode(rec); err != nil {
			return err
		}
		n++
		p.update(n)
	}
	p.finish(n)
	return enc.Flush()
}

func runImport(c *cli, args []string) error {
	fs := c.flagSet("import")
	replace := fs.Bool("replace", false, "overwrite keys that exist with another value")
	skipBad := fs.Bool("skip-bad", false, "skip lines that do not parse (reported on stderr) instead of stopping")
	batch := fs.Int("batch", transfer.DefaultBatchSize, "keys per batch")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	dec, err := transfer.NewDecoder(c.stdin)
	if err != nil {
		return fmt.Errorf("import: %w (nothing written)", err)
	}
	b, err := c.open()
	if err != nil {
		return err
	}
	defer b.Close()
	var skipped int64
	recs := dec.Records()
	if *skipBad {
		recs = c.skipBadLines(dec, &skipped)
	}
	var triggers []string
	recs = collectTriggers(recs, dec.Header().Prefix, &triggers)
	p := c.newProgress("import", -1)
	st, err := transfer.WriteAll(c.ctx, b, recs, &transfer.CopyOptions{
		BatchSize: *batch, Replace: *replace,
		Progress: func(s transfer.Stats) { p.update(s.Keys) },
	})
	p.finish(st.Keys)
	if err != nil {
		var le *transfer.LineError
		if errors.As(err, &le) {
			return fmt.Errorf("import stopped: %w; the keys before line %d were written (%d), nothing from that line on (--skip-bad skips such lines)", err, le.Line, st.Written+st.Skipped)
		}
		if errors.Is(err, transfer.ErrExists) {
			return fmt.Errorf("import stopped: %w (use --replace to overwrite)", err)
		}
		return fmt.Errorf("import stopped: %w", err)
	}
	n, err := repos.RescheduleTriggers(c.ctx, b, triggers, &repos.Options{Prefix: dec.Header().Prefix})
	if err != nil {
		return fmt.Errorf("import: keys written, but the triggers were not all scheduled: %w", err)
	}
	return c.printStats("import", st, map[string]any{"bad_lines_skipped": skipped, "triggers_scheduled": int64(n)})
}

// collectTriggers passes recs on, appending the keys of trigger records
// (under prefix) to keys: a tenant's dump holds its trigger records but
// not the application-wide schedule, so import schedules them again.
func collectTriggers(recs iter.Seq2[transfer.Record, error], prefix string, keys *[]string) iter.Seq2[transfer.Record, error] {
	return func(yield func(transfer.Record, error) bool) {
		for rec, err := range recs {
			if info, ok := repos.ParseKey(prefix, rec.Key); ok && err == nil && info.Shape == repos.ShapeTrigger {
				*keys = append(*keys, rec.Key)
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

// skipBadLines yields the dump's records, reporting and skipping lines
// that do not parse.
func (c *cli) skipBadLines(dec *transfer.Decoder, skipped *int64) iter.Seq2[transfer.Record, error] {
	return func(yield func(transfer.Record, error) bool) {
		for rec, err := range dec.Records() {
			var le *transfer.LineError
			if errors.As(err, &le) {
				*skipped++
				fmt.Fprintf(c.stderr, "storectl: import: skipped %v\n", err)
				for rec, err := range c.skipBadLines(dec, skipped) {
					if !yield(rec, err) {
						return
					}
				}
				return
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

// printStats prints what a copy or import did.
func (c *cli) printStats(what string, st transfer.Stats, extra map[string]any) error {
	if c.common.json {
		m := map[string]any{"keys": st.Keys, "written": st.Written, "skipped_same": st.Skipped,
			"vanished": st.Vanished, "seconds": st.Elapsed.Seconds()}
		for k, v := range extra {
			m[k] = v
		}
		return c.printJSON(m)
	}
	rate := float64(st.Keys) / max(st.Elapsed.Seconds(), 1e-3)
	fmt.Fprintf(c.stdout, "%s: %d keys: %d written, %d already there with the same value, %d vanished; %s (%.0f keys/s)\n",
		what, st.Keys, st.Written, st.Skipped, st.Vanished, st.Elapsed.Round(time.Millisecond), rate)
	for k, v := range extra {
		if v != int64(0) {
			fmt.Fprintf(c.stdout, "%s: %v\n", k, v)
		}
	}
	return nil
}
