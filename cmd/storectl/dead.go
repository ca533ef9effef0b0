package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/mimeiapify/store/repos"
)

// deadFilter selects dead triggers by tenant, action and identifier.
type deadFilter struct{ tenant, action, ident string }

func (c *cli) deadFlags(name string) (*deadFilter, func(args []string) error) {
	fs := c.flagSet(name)
	f := &deadFilter{}
	fs.StringVar(&f.tenant, "tenant", "", "only the dead triggers of this tenant")
	fs.StringVar(&f.action, "action", "", "only the dead triggers of this action")
	fs.StringVar(&f.ident, "ident", "", "only the dead triggers of this identifier")
	return f, func(args []string) error { _, err := parse(fs, args, 0, ""); return err }
}

func (f *deadFilter) match(d repos.DeadTrigger) bool {
	return (f.tenant == "" || d.Tenant == f.tenant) && (f.action == "" || d.Action == f.action) &&
		(f.ident == "" || d.Identifier == f.ident)
}

// selectDead opens the backend and returns it with the dead triggers that
// match f.
func (c *cli) selectDead(f *deadFilter) ([]repos.DeadTrigger, func(), *repos.Options, error) {
	opts, err := c.repoOptions()
	if err != nil {
		return nil, nil, nil, err
	}
	b, err := c.open()
	if err != nil {
		return nil, nil, nil, err
	}
	c.backend = b
	all, err := repos.DeadTriggers(c.ctx, b, opts)
	if err != nil {
		_ = b.Close()
		return nil, nil, nil, err
	}
	var out []repos.DeadTrigger
	for _, d := range all {
		if f.match(d) {
			out = append(out, d)
		}
	}
	return out, func() { _ = b.Close() }, opts, nil
}

// deadView is one dead trigger as --json prints it.
type deadView struct {
	Tenant   string    `json:"tenant"`
	Action   string    `json:"action"`
	Ident    string    `json:"identifier"`
	Payload  string    `json:"payload"`
	Due      time.Time `json:"due"`
	Attempts int       `json:"attempts"`
	Error    string    `json:"error"`
}

func runDeadList(c *cli, args []string) error {
	f, parseArgs := c.deadFlags("triggers dead list")
	if err := parseArgs(args); err != nil {
		return err
	}
	dead, done, _, err := c.selectDead(f)
	if err != nil {
		return err
	}
	defer done()
	views := make([]deadView, 0, len(dead))
	for _, d := range dead {
		views = append(views, deadView{d.Tenant, d.Action, d.Identifier, d.Payload, d.Due, d.Attempt, d.Error})
	}
	if c.common.json {
		return c.printJSON(views)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tACTION\tIDENTIFIER\tDUE\tATTEMPTS\tERROR")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", show(v.Tenant), show(v.Action), show(v.Ident),
			v.Due.UTC().Format(time.RFC3339), v.Attempts, show(firstLine(v.Error)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%d dead trigger(s)\n", len(views))
	return nil
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i] + " ..."
		}
	}
	return s
}

// runDeadRetry sets each selected dead trigger again with its payload,
// due now: Triggers.Set replaces the record (attempts reset) and removes
// the dead letter.
func runDeadRetry(c *cli, args []string) error {
	f, parseArgs := c.deadFlags("triggers dead retry")
	if err := parseArgs(args); err != nil {
		return err
	}
	dead, done, opts, err := c.selectDead(f)
	if err != nil {
		return err
	}
	defer done()
	for _, d := range dead {
		tr, err := repos.NewTriggers(c.backend, d.Tenant, opts)
		if err == nil {
			err = tr.Set(c.ctx, d.Action, d.Identifier, d.Payload, repos.WithTTL(time.Millisecond))
		}
		if err != nil {
			return fmt.Errorf("retry trigger %q of %q of tenant %q: %w", d.Action, d.Identifier, d.Tenant, err)
		}
	}
	return c.reportCount("retried", len(dead))
}

// runDeadPurge deletes each selected dead trigger (Triggers.Delete, which
// also removes its dead letter).
func runDeadPurge(c *cli, args []string) error {
	fs := c.flagSet("triggers dead purge")
	f := &deadFilter{}
	fs.StringVar(&f.tenant, "tenant", "", "only the dead triggers of this tenant")
	fs.StringVar(&f.action, "action", "", "only the dead triggers of this action")
	fs.StringVar(&f.ident, "ident", "", "only the dead triggers of this identifier")
	yes := fs.Bool("yes", false, "really delete")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	if !*yes {
		return usageErrorf("triggers dead purge deletes dead triggers: list them with 'triggers dead list', then run purge with --yes")
	}
	dead, done, opts, err := c.selectDead(f)
	if err != nil {
		return err
	}
	defer done()
	for _, d := range dead {
		tr, err := repos.NewTriggers(c.backend, d.Tenant, opts)
		if err == nil {
			_, err = tr.Delete(c.ctx, d.Action, d.Identifier)
		}
		if err != nil {
			return fmt.Errorf("purge trigger %q of %q of tenant %q: %w", d.Action, d.Identifier, d.Tenant, err)
		}
	}
	return c.reportCount("purged", len(dead))
}

func (c *cli) reportCount(what string, n int) error {
	if c.common.json {
		return c.printJSON(map[string]int{what: n})
	}
	_, err := fmt.Fprintf(c.stdout, "%s %d dead trigger(s)\n", what, n)
	return err
}
