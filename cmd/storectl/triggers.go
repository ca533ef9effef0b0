package main

import (
	"fmt"
	"math"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/mimeiapify/store/repos"
)

// triggerCounts is what `triggers` prints: entries of the trigger shards'
// schedules, by how far ahead they are due (or their lease or retry ends).
type triggerCounts struct {
	Pending   int64         `json:"pending"`
	Overdue   int64         `json:"overdue"`
	NextMin   int64         `json:"next_minute"`
	NextHour  int64         `json:"next_hour"`
	Later     int64         `json:"later"`
	Dead      int64         `json:"dead"`
	PerSecond []bucketCount `json:"per_second"`
	PerMinute []bucketCount `json:"per_minute"`
	now       time.Time
	seconds   map[int64]int64
}

// bucketCount is the number of triggers due in one second or minute.
type bucketCount struct {
	At    time.Time `json:"at"`
	Count int64     `json:"count"`
}

func runTriggers(c *cli, args []string) error {
	fs := c.flagSet("triggers")
	rows := fs.Int("rows", 10, "how many seconds and minutes ahead to list")
	if _, err := parse(fs, args, 0, ""); err != nil {
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
	tc := triggerCounts{now: time.Now(), seconds: map[int64]int64{}}
	err = c.survey(b, func(key string, info repos.KeyInfo) error {
		if info.Shape != repos.ShapeSchedule {
			return nil
		}
		entries, err := b.ZRangeByScore(c.ctx, key, math.Inf(-1), math.Inf(1), math.MaxInt32)
		for _, e := range entries {
			tc.seconds[int64(e.Score)/1000]++
		}
		return err
	})
	if err != nil {
		return err
	}
	dead, err := repos.DeadTriggers(c.ctx, b, opts)
	if err != nil {
		return err
	}
	tc.Dead = int64(len(dead))
	tc.tally(*rows)
	if c.common.json {
		return c.printJSON(tc)
	}
	return printTriggers(c, tc)
}

// tally sorts the per-second counts into the summary and the first rows
// seconds and minutes ahead.
func (tc *triggerCounts) tally(rows int) {
	now := tc.now.Unix()
	minutes := map[int64]int64{}
	for sec, n := range tc.seconds {
		tc.Pending += n
		switch d := sec - now; {
		case d < 0:
			tc.Overdue += n
		case d < 60:
			tc.NextMin += n
		case d < 3600:
			tc.NextHour += n
		default:
			tc.Later += n
		}
		if sec >= now {
			tc.PerSecond = append(tc.PerSecond, bucketCount{time.Unix(sec, 0).UTC(), n})
			minutes[sec/60] += n
		}
	}
	slices.SortFunc(tc.PerSecond, func(a, b bucketCount) int { return a.At.Compare(b.At) })
	tc.PerSecond = tc.PerSecond[:min(rows, len(tc.PerSecond))]
	for m, n := range minutes {
		tc.PerMinute = append(tc.PerMinute, bucketCount{time.Unix(m*60, 0).UTC(), n})
	}
	slices.SortFunc(tc.PerMinute, func(a, b bucketCount) int { return a.At.Compare(b.At) })
	tc.PerMinute = tc.PerMinute[:min(rows, len(tc.PerMinute))]
}

func printTriggers(c *cli, tc triggerCounts) error {
	w := c.stdout
	fmt.Fprintf(w, "pending %d: overdue %d, next minute %d, next hour %d, later %d; dead %d\n",
		tc.Pending, tc.Overdue, tc.NextMin, tc.NextHour, tc.Later, tc.Dead)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DUE (SECOND, UTC)\tCOUNT\t\tDUE (MINUTE, UTC)\tCOUNT")
	for i := range max(len(tc.PerSecond), len(tc.PerMinute)) {
		if i < len(tc.PerSecond) {
			fmt.Fprintf(tw, "%s\t%d\t", tc.PerSecond[i].At.Format(time.DateTime), tc.PerSecond[i].Count)
		} else {
			fmt.Fprint(tw, "\t\t")
		}
		if i < len(tc.PerMinute) {
			fmt.Fprintf(tw, "\t%s\t%d\n", tc.PerMinute[i].At.Format("2006-01-02 15:04"), tc.PerMinute[i].Count)
		} else {
			fmt.Fprint(tw, "\t\t\n")
		}
	}
	return tw.Flush()
}
