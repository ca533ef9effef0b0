package bolt

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/internal/faults"
)

// damageEnv names the directory of damaged files; set, TestMain runs
// damageChild instead of the tests.
const damageEnv = "BOLT_DAMAGE_CHILD_DIR"

// damageRecords is how many known string records the damaged files hold.
const damageRecords = 500

func damageKey(i int) string { return fmt.Sprintf("rec:%03d", i) }

func damageValue(i int) string {
	return fmt.Sprintf("value %d %s", i, strings.Repeat(string(rune('a'+i%26)), i%200))
}

// writeDamageSource writes the file every damage starts from: the known
// records, one write per transaction, then one more write so that falling
// back to the older meta page loses no record.
func writeDamageSource(t *testing.T, path string) {
	b, err := Open(path, &Options{SweepInterval: -1, NoSync: true}) // the copies read the page cache
	require.NoError(t, err)
	for i := range damageRecords {
		require.NoError(t, b.Set(ctx, damageKey(i), damageValue(i), 0))
	}
	for i := 0; i < damageRecords; i += 3 { // free some pages
		require.NoError(t, b.Set(ctx, damageKey(i), damageValue(i), 0))
	}
	_, err = b.HSet(ctx, "hash", damageHash())
	require.NoError(t, err)
	_, err = b.RPush(ctx, "list", damageList()...)
	require.NoError(t, err)
	_, err = b.SAdd(ctx, "set", damageList()...)
	require.NoError(t, err)
	_, err = b.ZAdd(ctx, "zset", damageZSet()...)
	require.NoError(t, err)
	require.NoError(t, b.Set(ctx, "last", "", 0))
	require.NoError(t, b.Close())
}

// damageList is the known list, and the known set's members.
func damageList() []string {
	out := make([]string, 150)
	for i := range out {
		out[i] = fmt.Sprintf("element %d %s", i, strings.Repeat("e", i%40))
	}
	return out
}

// damageZSet is the known sorted set, in order: the list's elements with
// scores that tie in pairs, and a long member.
func damageZSet() []store.ZMember {
	var out []store.ZMember
	for i, m := range damageList() {
		out = append(out, store.ZMember{Member: m, Score: float64(i / 2)})
	}
	out = append(out, store.ZMember{Member: strings.Repeat("long member ", 60), Score: 1e9})
	slices.SortFunc(out, func(a, b store.ZMember) int {
		if a.Score != b.Score {
			return cmp.Compare(a.Score, b.Score)
		}
		return strings.Compare(a.Member, b.Member)
	})
	return out
}

// damageHash is the known hash.
func damageHash() map[string]string {
	out := map[string]string{}
	for i := range 150 {
		out[fmt.Sprintf("field %d", i)] = fmt.Sprintf("value %d %s", i, strings.Repeat("h", i%40))
	}
	out[strings.Repeat("long field ", 60)] = "long field's value"
	return out
}

// TestDamagedFiles opens copies of one file damaged in 200+ ways (each
// meta page, the freelist, truncations, random byte flips) in a child
// process, so that a crash fails the test instead of ending the run, and
// requires every open to fail with ErrCorrupt or give, for every known
// record, its value or an error: no crash, no panic, no wrong value.
func TestDamagedFiles(t *testing.T) { runDamages(t, 11, 190) }

// runDamages writes the source file, damages copies of it (flips sets of
// random bytes from seed) and checks them in a child process.
func runDamages(t *testing.T, seed uint64, flips int) {
	dir := t.TempDir()
	src := filepath.Join(dir, "source.db")
	writeDamageSource(t, src)
	st, err := os.Stat(src)
	require.NoError(t, err)
	ps, err := faults.BoltPageSize(src)
	require.NoError(t, err)
	orig, err := os.ReadFile(src)
	require.NoError(t, err)
	damages := faults.BoltDamages(st.Size(), ps, seed, flips)
	require.GreaterOrEqual(t, len(damages), 200)
	files := filepath.Join(dir, "damaged")
	require.NoError(t, os.Mkdir(files, 0o700))
	for i, d := range damages {
		p := filepath.Join(files, fmt.Sprintf("%03d-%s.db", i, d.Name))
		require.NoError(t, os.WriteFile(p, orig, 0o600))
		require.NoError(t, d.Apply(p), d.Name)
	}
	outcomes := runDamageChild(t, files)
	require.Len(t, outcomes, len(damages), "the child checked every damaged file")
	counts := map[string]int{}
	for i, o := range outcomes {
		counts[o]++
		if name := damages[i].Name; !strings.HasPrefix(name, "flip-") {
			t.Logf("%s: %s", name, o)
		}
		switch name := damages[i].Name; name {
		case "metas-garbled", "meta-newest-lies-hwm", "meta-newest-root-is-freelist", "freelist-type", "freelist-ids":
			require.Equal(t, "refused", o, name)
		case "meta0-garbled", "meta1-garbled", "meta-older-lies-hwm":
			require.Equal(t, "intact", o, "%s: bbolt uses the valid or newest meta page, and the source's last write touched no record", name)
		}
	}
	t.Logf("%d damaged files of %d bytes: %v", len(damages), st.Size(), counts)
}

// runDamageChild runs the test binary on the damaged files in dir and
// returns each file's outcome; a wrong value or a crash fails t.
func runDamageChild(t *testing.T, dir string) []string {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), damageEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	var outcomes []string
	current := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "BEGIN":
			current = f[1]
		case len(f) >= 2 && f[0] == "WRONG":
			t.Errorf("%s: wrong value: %s", current, strings.Join(f[1:], " "))
		case len(f) == 2 && f[0] == "DONE":
			outcomes, current = append(outcomes, f[1]), ""
		}
	}
	werr := cmd.Wait()
	if werr != nil || current != "" {
		t.Fatalf("the child crashed on %q: %v\n%s", current, werr, stderr.String())
	}
	return outcomes
}

// damageChild opens every file in dir in turn and prints, per file,
// BEGIN name, a WRONG line per wrong value, and DONE with the outcome:
// refused (Open failed with ErrCorrupt), intact (every record read back
// right), or errors (some reads failed, none was wrong).
func damageChild(dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Println("BEGIN", name)
		outcome, err := checkDamaged(os.Stdout, filepath.Join(dir, name))
		if err != nil {
			fmt.Fprintln(os.Stderr, name, err)
			return 3
		}
		fmt.Println("DONE", outcome)
	}
	return 0
}

// checkDamaged opens one damaged file, reads every known record, scans,
// writes once and closes, reporting wrong values to w.
func checkDamaged(w io.Writer, path string) (string, error) {
	b, err := Open(path, &Options{SweepInterval: -1, Timeout: 1})
	if err != nil {
		if !errors.Is(err, ErrCorrupt) {
			return "", fmt.Errorf("open failed without ErrCorrupt: %w", err)
		}
		if locked(path) {
			return "", fmt.Errorf("a refused file is still locked")
		}
		return "refused", nil
	}
	failed := 0
	for i := range damageRecords {
		v, err := b.Get(ctx, damageKey(i))
		switch {
		case err != nil:
			failed++
		case v != damageValue(i):
			fmt.Fprintf(w, "WRONG %s %q\n", damageKey(i), v)
		}
	}
	failed += checkCollections(w, b)
	for k, err := range b.Scan(ctx, "rec:*") {
		if err == nil {
			if _, err := b.Get(ctx, k); err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, store.ErrNotFound) {
				fmt.Fprintf(w, "WRONG scan-get %q %v\n", k, err)
			}
		}
	}
	_ = b.Set(ctx, "after", "v", 0)
	if err := b.Close(); err != nil {
		failed++
	}
	if failed > 0 {
		return "errors", nil
	}
	return "intact", nil
}

// checkCollections reads the known hash, list and set back whole,
// reporting a wrong one to w, and returns how many reads failed.
func checkCollections(w io.Writer, b *Backend) int {
	failed := 0
	if h, err := b.HGetAll(ctx, "hash"); err != nil {
		failed++
	} else if !maps.Equal(h, damageHash()) {
		fmt.Fprintf(w, "WRONG hash: %d fields\n", len(h))
	}
	if l, err := b.LRange(ctx, "list", 0, -1); err != nil {
		failed++
	} else if !slices.Equal(l, damageList()) {
		fmt.Fprintf(w, "WRONG list: %d elements\n", len(l))
	}
	if m, err := b.SMembers(ctx, "set"); err != nil {
		failed++
	} else if slices.Sort(m); !slices.Equal(m, sortedCopy(damageList())) {
		fmt.Fprintf(w, "WRONG set: %d members\n", len(m))
	}
	if z, err := b.ZRangeByScore(ctx, "zset", math.Inf(-1), math.Inf(1), 1000); err != nil {
		failed++
	} else if !slices.Equal(z, damageZSet()) {
		fmt.Fprintf(w, "WRONG zset: %d members\n", len(z))
	}
	return failed
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
