package main

import (
	"context"
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// tenantStats are the counts `tenants` prints for one tenant.
type tenantStats struct {
	Tenant          string `json:"tenant"`
	Keys            int64  `json:"keys"`
	Users           int64  `json:"users"`
	States          int64  `json:"states"`
	Rows            int64  `json:"rows"`
	Queued          int64  `json:"queued_items"`
	PendingTriggers int64  `json:"pending_triggers"`
	DeadTriggers    int64  `json:"dead_triggers"`
}

// add counts one key of the tenant; queue depths cost one LLen each.
func (s *tenantStats) add(ctx context.Context, b store.Backend, key string, info repos.KeyInfo) error {
	s.Keys++
	switch info.Shape {
	case repos.ShapeUser:
		s.Users++
	case repos.ShapeHandlerState, repos.ShapeSharedState:
		s.States++
	case repos.ShapeRow:
		s.Rows++
	case repos.ShapeTrigger:
		s.PendingTriggers++
	case repos.ShapeQueue:
		n, err := b.LLen(ctx, key)
		if err != nil {
			return err
		}
		s.Queued += n
	}
	return nil
}

// survey scans every key of the application under --prefix and calls fn
// with each key of the layout.
func (c *cli) survey(b store.Backend, fn func(key string, info repos.KeyInfo) error) error {
	pat, err := repos.AppPattern(c.common.prefix)
	if err != nil {
		return usageErrorf("--prefix: %v", err)
	}
	for key, err := range b.Scan(c.ctx, pat) {
		if err != nil {
			return err
		}
		if info, ok := repos.ParseKey(c.common.prefix, key); ok {
			if err := fn(key, info); err != nil {
				return err
			}
		}
	}
	return nil
}

// deadByTenant counts the dead triggers of each tenant.
func deadByTenant(ctx context.Context, b store.Backend, opts *repos.Options) (map[string]int64, error) {
	dead, err := repos.DeadTriggers(ctx, b, opts)
	if err != nil {
		return nil, err
	}
	m := map[string]int64{}
	for _, d := range dead {
		m[d.Tenant]++
	}
	return m, nil
}

func runTenants(c *cli, args []string) error {
	if _, err := parse(c.flagSet("tenants"), args, 0, ""); err != nil {
		return err
	}
	opts, err := c.repoOptions()
	if err != nil {
		return err
	}
	b, err := c.open()
	if err != nil {
		return err
	}
	defer b.Close()
	byTenant := map[string]*tenantStats{}
	err = c.survey(b, func(key string, info repos.KeyInfo) error {
		if info.Tenant == "" {
			return nil
		}
		s := byTenant[info.Tenant]
		if s == nil {
			s = &tenantStats{Tenant: info.Tenant}
			byTenant[info.Tenant] = s
		}
		return s.add(c.ctx, b, key, info)
	})
	if err != nil {
		return err
	}
	dead, err := deadByTenant(c.ctx, b, opts)
	if err != nil {
		return err
	}
	list := make([]tenantStats, 0, len(byTenant))
	for _, s := range byTenant {
		s.DeadTriggers = dead[s.Tenant]
		s.PendingTriggers -= s.DeadTriggers
		list = append(list, *s)
	}
	slices.SortFunc(list, func(a, b tenantStats) int { return compareStrings(a.Tenant, b.Tenant) })
	if c.common.json {
		return c.printJSON(list)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tKEYS\tUSERS\tSTATES\tROWS\tQUEUED\tTRIGGERS\tDEAD")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", show(s.Tenant), s.Keys, s.Users, s.States, s.Rows, s.Queued, s.PendingTriggers, s.DeadTriggers)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%d tenant(s)\n", len(list))
	return nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// tenantSummary is what `tenant show` prints.
type tenantSummary struct {
	tenantStats
	Shapes   map[repos.Shape]int64 `json:"keys_by_kind"`
	UserIDs  []string              `json:"users"`
	Queues   []queueInfo           `json:"queues"`
	Triggers []triggerInfo         `json:"triggers"`
}

type queueInfo struct {
	Service string `json:"service"`
	Batch   string `json:"batch"`
	Action  string `json:"action"`
	Depth   int64  `json:"depth"`
}

type triggerInfo struct {
	Action string `json:"action"`
	Ident  string `json:"identifier"`
	Due    string `json:"due"`
	Dead   bool   `json:"dead"`
}

func runTenantShow(c *cli, args []string) error {
	pos, err := parse(c.flagSet("tenant show"), args, 1, "T")
	if err != nil {
		return err
	}
	if _, err := c.repoOptions(); err != nil {
		return err
	}
	tenant := pos[0]
	if _, err := repos.TenantPattern(c.common.prefix, tenant); err != nil {
		return usageErrorf("tenant: %v", err)
	}
	b, err := c.open()
	if err != nil {
		return err
	}
	defer b.Close()
	sum := tenantSummary{tenantStats: tenantStats{Tenant: tenant}, Shapes: map[repos.Shape]int64{}}
	for key, err := range tenantKeys(c.ctx, b, c.common.prefix, tenant) {
		if err != nil {
			return err
		}
		info, ok := repos.ParseKey(c.common.prefix, key)
		if !ok || info.Tenant != tenant {
			return fmt.Errorf("key %q is not of tenant %q", key, tenant)
		}
		if err := c.describe(b, &sum, key, info); err != nil {
			return err
		}
	}
	slices.Sort(sum.UserIDs)
	slices.SortFunc(sum.Queues, func(a, b queueInfo) int {
		return compareStrings(a.Service+"\x00"+a.Batch+"\x00"+a.Action, b.Service+"\x00"+b.Batch+"\x00"+b.Action)
	})
	slices.SortFunc(sum.Triggers, func(a, b triggerInfo) int { return compareStrings(a.Due, b.Due) })
	if c.common.json {
		return c.printJSON(sum)
	}
	return printTenantSummary(c, sum)
}

// describe adds one key of the tenant to its summary.
func (c *cli) describe(b store.Backend, sum *tenantSummary, key string, info repos.KeyInfo) error {
	sum.Shapes[info.Shape]++
	if info.Shape != repos.ShapeQueue {
		if err := sum.add(c.ctx, b, key, info); err != nil {
			return err
		}
	}
	switch info.Shape {
	case repos.ShapeUser:
		sum.UserIDs = append(sum.UserIDs, info.User)
	case repos.ShapeQueue:
		n, err := b.LLen(c.ctx, key)
		if err != nil {
			return err
		}
		sum.Keys++
		sum.Queued += n
		sum.Queues = append(sum.Queues, queueInfo{info.Service, info.Batch, info.Action, n})
	case repos.ShapeTrigger:
		f, err := b.HMGet(c.ctx, key, "due", "dead")
		if err != nil {
			return err
		}
		dead := f["dead"] != ""
		if dead {
			sum.PendingTriggers--
			sum.DeadTriggers++
		}
		sum.Triggers = append(sum.Triggers, triggerInfo{info.Action, info.Ident, f["due"], dead})
	}
	return nil
}

func printTenantSummary(c *cli, sum tenantSummary) error {
	w := c.stdout
	fmt.Fprintf(w, "tenant %s: %d keys, %d users, %d states, %d rows, %d queued items, %d pending triggers, %d dead\n",
		show(sum.Tenant), sum.Keys, sum.Users, sum.States, sum.Rows, sum.Queued, sum.PendingTriggers, sum.DeadTriggers)
	if sum.Keys == 0 {
		fmt.Fprintln(w, "(no keys: unknown tenant, or another --prefix?)")
		return nil
	}
	kinds := make([]string, 0, len(sum.Shapes))
	for s := range sum.Shapes {
		kinds = append(kinds, string(s))
	}
	slices.Sort(kinds)
	fmt.Fprintln(w, "keys by kind:")
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-16s %d\n", k, sum.Shapes[repos.Shape(k)])
	}
	const maxShown = 20
	fmt.Fprintf(w, "users (%d):", len(sum.UserIDs))
	for i, u := range sum.UserIDs {
		if i == maxShown {
			fmt.Fprintf(w, " ... (--json lists all)")
			break
		}
		fmt.Fprintf(w, " %s", show(u))
	}
	fmt.Fprintln(w)
	for _, q := range sum.Queues {
		fmt.Fprintf(w, "queue %s/%s/%s: %d items\n", show(q.Service), show(q.Batch), show(q.Action), q.Depth)
	}
	for i, t := range sum.Triggers {
		if i == maxShown {
			fmt.Fprintln(w, "... (--json lists all triggers)")
			break
		}
		state := "pending"
		if t.Dead {
			state = "dead"
		}
		fmt.Fprintf(w, "trigger %s of %s: due %s, %s\n", show(t.Action), show(t.Ident), t.Due, state)
	}
	return nil
}

func runTenantDelete(c *cli, args []string) error {
	fs := c.flagSet("tenant delete")
	dry := fs.Bool("dry-run", false, "list what would be deleted, delete nothing")
	yes := fs.Bool("yes", false, "really delete")
	pos, err := parse(fs, args, 1, "T")
	if err != nil {
		return err
	}
	tenant := pos[0]
	if _, err := repos.TenantPattern(c.common.prefix, tenant); err != nil {
		return usageErrorf("tenant: %v", err)
	}
	if !*dry && !*yes {
		return usageErrorf("tenant delete %s deletes every key of the tenant: run it with --dry-run to see them, then with --yes", show(tenant))
	}
	b, err := c.open()
	if err != nil {
		return err
	}
	defer b.Close()
	if *dry {
		return c.dryRunDelete(b, tenant)
	}
	total, err := countKeys(tenantKeys(c.ctx, b, c.common.prefix, tenant))
	if err != nil {
		return err
	}
	p := c.newProgress("delete "+show(tenant), total)
	n, err := deleteTenant(c.ctx, b, c.common.prefix, tenant, p.update)
	p.finish(n)
	if err != nil {
		return err
	}
	if c.common.json {
		return c.printJSON(map[string]any{"tenant": tenant, "deleted": n})
	}
	fmt.Fprintf(c.stdout, "deleted %d keys of tenant %s\n", n, show(tenant))
	return nil
}

// dryRunDelete prints the keys tenant delete would delete.
func (c *cli) dryRunDelete(b store.Backend, tenant string) error {
	var keys []string
	for key, err := range tenantKeys(c.ctx, b, c.common.prefix, tenant) {
		if err != nil {
			return err
		}
		keys = append(keys, key)
	}
	slices.Sort(keys)
	if c.common.json {
		return c.printJSON(map[string]any{"tenant": tenant, "would_delete": len(keys), "keys": keys})
	}
	for _, k := range keys {
		fmt.Fprintln(c.stdout, show(k))
	}
	fmt.Fprintf(c.stdout, "dry run: would delete %d keys of tenant %s (and unmark it in the pending sets)\n", len(keys), show(tenant))
	return nil
}

// countKeys counts the keys a listing yields.
func countKeys(keys func(func(string, error) bool)) (int64, error) {
	var n int64
	for _, err := range keys {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
