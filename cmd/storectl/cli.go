package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mimeiapify/store"
	_ "github.com/mimeiapify/store/backend/bolt"   // bolt://
	_ "github.com/mimeiapify/store/backend/memory" // memory://
	_ "github.com/mimeiapify/store/backend/redis"  // redis://, rediss://, redis+cluster://, redis+sentinel://
	_ "github.com/mimeiapify/store/backend/valkey" // valkey://, valkeys://
	"github.com/mimeiapify/store/repos"
)

// openTimeout bounds how long opening a backend (connecting, pinging,
// taking a bolt file's lock) may take.
const openTimeout = 15 * time.Second

// commonFlags are the flags every command takes.
type commonFlags struct {
	url    string
	prefix string
	json   bool
}

// cli is one run of storectl.
type cli struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	common         commonFlags
	backend        store.Backend // the open backend of commands that keep one
}

// flagSet returns a FlagSet named name holding the common flags, with the
// values set so far as defaults.
func (c *cli) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.common.url, "url", c.common.url, "backend URL (default $STORE_URL)")
	fs.StringVar(&c.common.prefix, "prefix", c.common.prefix, "the repositories' key prefix")
	fs.BoolVar(&c.common.json, "json", c.common.json, "print listings as JSON")
	return fs
}

// parse parses args with fs, flags and positional arguments in any order
// ("--" ends the flags), and checks the number of positional arguments.
func parse(fs *flag.FlagSet, args []string, want int, names string) ([]string, error) {
	var rest []string
	for i, a := range args {
		if a == "--" {
			args, rest = args[:i], args[i+1:]
			break
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %s", errUsage, err.Error())
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos, args = append(pos, args[0]), args[1:]
	}
	pos = append(pos, rest...)
	if len(pos) != want {
		return nil, usageErrorf("%s: want %d argument(s) %s, got %d", fs.Name(), want, names, len(pos))
	}
	return pos, nil
}

// open opens the backend of --url with clear errors for a missing, wrong
// or unreachable URL.
func (c *cli) open() (store.Backend, error) {
	return openURL(c.ctx, c.common.url, "--url")
}

func openURL(ctx context.Context, rawURL, flagName string) (store.Backend, error) {
	if rawURL == "" {
		return nil, usageErrorf("no backend: give %s (or set STORE_URL for --url), e.g. %s redis://localhost:6379/0", flagName, flagName)
	}
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	b, err := openBackend(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", flagName, err)
	}
	return b, nil
}

// openBackend opens a backend by URL: store.Open, replaced by in-process
// tests to share memory backends between runs.
var openBackend = store.Open

// repoOptions returns the repositories' options for --prefix, checked.
func (c *cli) repoOptions() (*repos.Options, error) {
	if _, err := repos.AppPattern(c.common.prefix); err != nil {
		return nil, usageErrorf("--prefix: %v", err)
	}
	return &repos.Options{Prefix: c.common.prefix}, nil
}

// printJSON writes v as indented JSON to stdout.
func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// show quotes s when it is not plain printable text, for tables.
func show(s string) string {
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == '\uFFFD' || r == '"' {
			return fmt.Sprintf("%q", s)
		}
	}
	if s == "" || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// showTTL prints a TTL as the commands do.
func showTTL(ttl time.Duration) string {
	if ttl <= 0 {
		return "no expiry"
	}
	return "ttl " + ttl.Round(time.Second).String()
}

func splitWords(s string) []string { return strings.Fields(s) }

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func joinWords(a []string, n int) string { return strings.Join(a[:min(n, len(a))], " ") }
