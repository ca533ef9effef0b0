package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// hashView is one hash of a user (its record or a state) as `user show`
// prints it.
type hashView struct {
	Kind   string            `json:"kind"`           // record, handler-state, shared-state, shared-index
	Name   string            `json:"name,omitempty"` // the handler or state name
	Key    string            `json:"key"`
	TTLms  int64             `json:"ttl_ms"` // -1: no expiry
	Fields map[string]string `json:"fields,omitempty"`
	Items  []string          `json:"members,omitempty"`
}

// userView is what `user show` prints.
type userView struct {
	Tenant string     `json:"tenant"`
	User   string     `json:"user"`
	Found  bool       `json:"found"`
	Keys   []hashView `json:"keys"`
}

func runUserShow(c *cli, args []string) error {
	pos, err := parse(c.flagSet("user show"), args, 2, "T U")
	if err != nil {
		return err
	}
	tenant, user := pos[0], pos[1]
	pat, err := repos.UserPattern(c.common.prefix, tenant, user)
	if err != nil {
		return usageErrorf("%v", err)
	}
	b, err := c.open()
	if err != nil {
		return err
	}
	defer b.Close()
	v := userView{Tenant: tenant, User: user}
	record, err := repos.UserRecordKey(c.common.prefix, tenant, user)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if info, ok := repos.ParseKey(c.common.prefix, record); ok {
		hv, found, err := c.readUserKey(b, record, info)
		if err != nil {
			return err
		}
		if found {
			v.Found = true
			v.Keys = append(v.Keys, hv)
		}
	}
	for key, err := range b.Scan(c.ctx, pat) {
		if err != nil {
			return err
		}
		info, ok := repos.ParseKey(c.common.prefix, key)
		if !ok || info.Tenant != tenant || info.User != user {
			continue
		}
		hv, ok, err := c.readUserKey(b, key, info)
		if err != nil {
			return err
		}
		if ok {
			v.Found = v.Found || info.Shape == repos.ShapeUser
			v.Keys = append(v.Keys, hv)
		}
	}
	slices.SortFunc(v.Keys, func(a, b hashView) int {
		if r := kindRank(a.Kind) - kindRank(b.Kind); r != 0 {
			return r
		}
		return compareStrings(a.Name, b.Name)
	})
	if c.common.json {
		return c.printJSON(v)
	}
	return printUser(c, v)
}

// readUserKey reads one key of a user with its TTL.
func (c *cli) readUserKey(b store.Backend, key string, info repos.KeyInfo) (hashView, bool, error) {
	hv := hashView{Kind: string(info.Shape), Key: key}
	switch info.Shape {
	case repos.ShapeUser:
		hv.Kind = "record"
	case repos.ShapeHandlerState:
		hv.Name = info.Handler
	case repos.ShapeSharedState:
		hv.Name = info.Name
	}
	var err error
	if info.Shape == repos.ShapeSharedIndex {
		hv.Items, err = b.SMembers(c.ctx, key)
		slices.Sort(hv.Items)
	} else {
		hv.Fields, err = b.HGetAll(c.ctx, key)
	}
	if err != nil {
		return hv, false, err
	}
	ttl, err := b.TTL(c.ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return hv, false, nil
	}
	hv.TTLms = -1
	if ttl > 0 {
		hv.TTLms = ttl.Milliseconds()
	}
	return hv, err == nil, err
}

// kindRank orders a user's keys: the record, handler states, shared
// states, the shared-state index.
func kindRank(kind string) int {
	return slices.Index([]string{"record", string(repos.ShapeHandlerState), string(repos.ShapeSharedState), string(repos.ShapeSharedIndex)}, kind)
}

func printUser(c *cli, v userView) error {
	w := c.stdout
	fmt.Fprintf(w, "tenant %s, user %s\n", show(v.Tenant), show(v.User))
	if !v.Found {
		fmt.Fprintln(w, "no user record")
	}
	for _, hv := range v.Keys {
		ttl := showTTL(time.Duration(hv.TTLms) * time.Millisecond)
		if hv.Name != "" {
			fmt.Fprintf(w, "%s %s (%s)\n", hv.Kind, show(hv.Name), ttl)
		} else {
			fmt.Fprintf(w, "%s (%s)\n", hv.Kind, ttl)
		}
		fmt.Fprintf(w, "  key %s\n", show(hv.Key))
		for _, f := range slices.Sorted(maps.Keys(hv.Fields)) {
			fmt.Fprintf(w, "  %s = %s\n", show(f), show(hv.Fields[f]))
		}
		for _, m := range hv.Items {
			fmt.Fprintf(w, "  - %s\n", show(m))
		}
	}
	return nil
}
