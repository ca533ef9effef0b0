package main

import (
	"fmt"
	"math"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// serviceQueues is what `queues` prints for one service.
type serviceQueues struct {
	Service        string `json:"service"`
	Queues         int64  `json:"queues"`
	Depth          int64  `json:"depth"`
	Claims         int64  `json:"claims_in_flight"`
	InFlight       int64  `json:"items_in_flight"`
	Expired        int64  `json:"expired_claims"`
	PendingTenants int64  `json:"pending_tenants"`
	LeasedTenants  int64  `json:"leased_tenants"`
}

func runQueues(c *cli, args []string) error {
	if _, err := parse(c.flagSet("queues"), args, 0, ""); err != nil {
		return err
	}
	if _, err := c.repoOptions(); err != nil {
		return err
	}
	b, err := c.open()
	if err != nil {
		return err
	}
	defer b.Close()
	byService := map[string]*serviceQueues{}
	get := func(s string) *serviceQueues {
		if byService[s] == nil {
			byService[s] = &serviceQueues{Service: s}
		}
		return byService[s]
	}
	now := time.Now()
	err = c.survey(b, func(key string, info repos.KeyInfo) error {
		var err error
		switch info.Shape {
		case repos.ShapeQueue:
			err = addDepth(c, b, get(info.Service), key)
		case repos.ShapeInflight:
			err = addClaims(c, b, get(info.Service), key, now)
		case repos.ShapeClaim:
			err = addClaimItems(c, b, get(info.Service), key)
		case repos.ShapePending:
			var n int64
			n, err = b.SCard(c.ctx, key)
			get(info.Service).PendingTenants += n
		case repos.ShapeLeased:
			var n int64
			n, err = b.ZCard(c.ctx, key)
			get(info.Service).LeasedTenants += n
		}
		return err
	})
	if err != nil {
		return err
	}
	list := make([]serviceQueues, 0, len(byService))
	for _, s := range byService {
		list = append(list, *s)
	}
	slices.SortFunc(list, func(a, b serviceQueues) int { return compareStrings(a.Service, b.Service) })
	if c.common.json {
		return c.printJSON(list)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tQUEUES\tDEPTH\tCLAIMS\tIN FLIGHT\tEXPIRED CLAIMS\tPENDING TENANTS\tLEASED TENANTS")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", show(s.Service), s.Queues, s.Depth, s.Claims, s.InFlight, s.Expired, s.PendingTenants, s.LeasedTenants)
	}
	return tw.Flush()
}

func addDepth(c *cli, b store.Backend, s *serviceQueues, key string) error {
	n, err := b.LLen(c.ctx, key)
	s.Queues++
	s.Depth += n
	return err
}

// addClaims counts a queue's claims (a sorted set of claim ids by lease
// end in Unix milliseconds) and those whose lease ended.
func addClaims(c *cli, b store.Backend, s *serviceQueues, key string, now time.Time) error {
	n, err := b.ZCard(c.ctx, key)
	if err != nil {
		return err
	}
	s.Claims += n
	if n == 0 {
		return nil
	}
	ended, err := b.ZRangeByScore(c.ctx, key, math.Inf(-1), float64(now.UnixMilli()-1), int(n))
	s.Expired += int64(len(ended))
	return err
}

// addClaimItems counts the items of one claim's record.
func addClaimItems(c *cli, b store.Backend, s *serviceQueues, key string) error {
	record, err := b.HGetAll(c.ctx, key)
	if _, items, ok := repos.DecodeClaim(record); ok {
		s.InFlight += int64(len(items))
	}
	return err
}
