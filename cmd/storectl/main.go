// Command storectl inspects, exports, imports and migrates the data that
// the repositories of github.com/mimeiapify/store keep, on any backend
// store.Open knows (memory, bolt, redis, valkey, clusters and sentinels).
// Run "storectl help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"
)

func main() {
	// go-redis logs failed dials on the global logger; storectl reports
	// errors itself, once.
	goredis.SetLogger(&logging.VoidLogger{})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command failed
	exitUsage = 2 // bad command line
)

// errUsage marks an error in the command line: run prints it with a hint
// to "storectl help" and exits with exitUsage.
var errUsage = errors.New("usage")

// usageErrorf returns an error about the command line.
func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// command is one subcommand: its name as typed ("tenant show"), a one-line
// summary for help, and what it runs.
type command struct {
	name, args, summary string
	run                 func(c *cli, args []string) error
}

// commands are storectl's subcommands, in the order help lists them.
var commands = []command{
	{"tenants", "", "list the tenants found, with counts of users, states, rows, queued items, pending triggers", runTenants},
	{"tenant show", "T", "summary of one tenant: its keys by kind, users, queues, triggers", runTenantShow},
	{"tenant delete", "T [--dry-run] [--yes]", "delete every key of tenant T (--dry-run lists them; --yes is required to delete)", runTenantDelete},
	{"user show", "T U", "a user's record, handler and shared states, decoded ids and TTLs", runUserShow},
	{"queues", "", "batch queues per service: queues, depth, items in flight, pending and leased tenants", runQueues},
	{"triggers", "[--rows N]", "pending triggers per second and minute ahead, overdue and dead ones", runTriggers},
	{"triggers dead list", "[--tenant T]", "the dead triggers (gave up after their last attempt)", runDeadList},
	{"triggers dead retry", "[--tenant T] [--action A] [--ident I]", "set dead triggers again, due now, attempts reset", runDeadRetry},
	{"triggers dead purge", "[--tenant T] [--action A] [--ident I] --yes", "delete dead triggers", runDeadPurge},
	{"export", "[--tenant T] > dump.jsonl", "write every key (or every key of tenant T) as a JSON-lines dump", runExport},
	{"import", "[--replace] [--skip-bad] [--batch N] < dump.jsonl", "write the keys of a dump; refuses to overwrite existing keys unless --replace", runImport},
	{"copy", "--from URL --to URL [--tenant T] [--replace] [--batch N] [--workers N] [--no-verify]", "copy keys between backends in resumable batches, then verify (counts and a checksum per type)", runCopy},
	{"help", "", "this help", nil},
}

// run is storectl with its arguments and streams: the whole command,
// callable in-process by tests. It returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	c.common.url = os.Getenv("STORE_URL")
	err := c.dispatch(args)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "storectl: %v\nRun 'storectl help' for the commands.\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "storectl: %v\n", err)
		return exitError
	}
}

// dispatch parses the global flags and runs the subcommand args name.
func (c *cli) dispatch(args []string) error {
	fs := c.flagSet("storectl")
	if err := fs.Parse(args); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		c.help()
		return nil
	}
	best := -1
	for i, cmd := range commands {
		words := splitWords(cmd.name)
		if len(words) <= len(args) && equalWords(words, args[:len(words)]) &&
			(best < 0 || len(words) > len(splitWords(commands[best].name))) {
			best = i
		}
	}
	if best < 0 || commands[best].run == nil {
		return usageErrorf("unknown command %q", joinWords(args, 3))
	}
	cmd := commands[best]
	return cmd.run(c, args[len(splitWords(cmd.name)):])
}

// help prints the commands and the global flags.
func (c *cli) help() {
	w := c.stdout
	fmt.Fprint(w, `storectl inspects, exports, imports and migrates the data of the
github.com/mimeiapify/store repositories on any backend.

Usage: storectl [global flags] <command> [arguments and flags]

Commands:
`)
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %s\n", strings.TrimSpace(cmd.name+" "+cmd.args))
		fmt.Fprintf(w, "      %s\n", cmd.summary)
	}
	fmt.Fprint(w, `
Global flags (before or after the command):
  --url URL      the backend, as store.Open takes it (default: $STORE_URL):
                 memory://, bolt:///path/file.db, redis://host:6379/0,
                 rediss://..., redis+cluster://host:7000?addr=host:7001,
                 redis+sentinel://..., valkey://host:6379/0, valkeys://...
  --prefix P     the repositories' key prefix (repos.Options.Prefix)
  --json         print listings as JSON, for scripts (JSON holds text:
                 bytes of ids that are not UTF-8 print as U+FFFD there;
                 the text output quotes them, and dumps keep them exactly)

memory:// starts empty in every process: it is there for tests.

Long commands show a progress bar (keys done/total, rate, ETA) when stderr
is a terminal, and plain progress lines otherwise. Interrupt with Ctrl-C:
copy and import can be run again and finish the job without duplicates.

Dump format (export/import): JSON lines; the first line is a header
{"format":"mimeiapify-store-dump","version":1,...}; then one object per key:
{"key":..., "type":"string|hash|list|set", "value":..., "ttl_ms":N or -1}
with "encoding":"base64" when the key or value holds bytes that are not
UTF-8. See the documentation of package transfer.

Exit status: 0 on success, 1 when the command failed (or copy's
verification found differences), 2 on a bad command line.
`)
}
