package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// plainEvery is how often plain progress lines are printed.
const plainEvery = time.Second

// progress reports a long command's progress on stderr: a bar (keys done
// of total, rate, ETA) on a terminal, plain lines at most every plainEvery
// otherwise, and a final line either way.
type progress struct {
	w     io.Writer
	label string
	total int64 // -1: unknown
	start time.Time
	last  time.Time
	bar   *progressbar.ProgressBar
}

// newProgress starts reporting the progress of label over total keys (-1
// when unknown).
func (c *cli) newProgress(label string, total int64) *progress {
	p := &progress{w: c.stderr, label: label, total: total, start: time.Now()}
	p.last = p.start
	if isTerminal(c.stderr) {
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(c.stderr),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("keys"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionFullWidth(),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// update reports done keys so far.
func (p *progress) update(done int64) {
	if p.bar != nil {
		_ = p.bar.Set64(done)
		return
	}
	if now := time.Now(); now.Sub(p.last) >= plainEvery {
		p.last = now
		fmt.Fprintln(p.w, p.line(done))
	}
}

// finish ends the report with a final line.
func (p *progress) finish(done int64) {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
	fmt.Fprintln(p.w, p.line(done)+" done")
}

// line is one plain progress line.
func (p *progress) line(done int64) string {
	el := time.Since(p.start)
	rate := float64(done) / max(el.Seconds(), 1e-3)
	if p.total < 0 {
		return fmt.Sprintf("%s: %d keys, %.0f keys/s, %s", p.label, done, rate, el.Round(time.Millisecond))
	}
	s := fmt.Sprintf("%s: %d/%d keys", p.label, done, p.total)
	if p.total > 0 {
		s += fmt.Sprintf(" (%d%%)", done*100/p.total)
	}
	s += fmt.Sprintf(", %.0f keys/s", rate)
	if left := p.total - done; left > 0 && rate > 0 {
		s += ", ETA " + time.Duration(float64(left)/rate*float64(time.Second)).Round(time.Second).String()
	} else {
		s += ", " + el.Round(time.Millisecond).String()
	}
	return s
}
