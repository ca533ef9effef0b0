// Command benchcmp measures the repository calls side by side with the
// best hand-written code doing the same job, in one process, in
// interleaved rounds, and prints paired ratios with their range as a
// Markdown table (issue 14). It also compares two builds of the module
// (before and after a change) the same way.
//
// # Usage
//
//	go run ./internal/benchcmp [flags]
//	go run ./internal/benchcmp compare [-rounds N] [-slices K] [-time D] OLD NEW [flags...]
//
// Flags of a run:
//
//	-backends memory,bolt,redis,valkey
//	             default: memory, bolt, and each network backend whose server is given
//	-redis URL   Redis server of the redis backend and of go-redis (default $STORE_TEST_REDIS_URL)
//	-valkey URL  server of the valkey backend and of valkey-go (default $STORE_TEST_VALKEY_URL)
//	-mode seq,par  sequential (1 goroutine) and/or parallel (-par goroutines, default 64)
//	-rounds N    rounds (default 5); -time D: each contender's time per round (default 300ms)
//	-slices K    ABBA slices each pair's round is cut into (default 6)
//	-calls RE    regular expression selecting calls (default all)
//	-ttl D       the repositories' TTL (default 1h)
//	-json FILE   also write every round's measurements as JSON
//	-cpuprofile FILE  write a CPU profile of the run (both sides)
//
// benchcmp writes only to servers it is given: a network backend named
// in -backends without its URL is an error. Every key goes under a prefix
// of its own ("benchcmp-" 8 hex digits ":"); at the end the run deletes
// them with Scan and Del (never FLUSHDB), also after Ctrl-C.
//
// # Method
//
// A pair is one call on one backend in one mode, with two contenders: the
// repository call (tenant "rp") and its raw twin (tenant "rw", so that
// neither reads or grows the other's keys). Each round runs every pair
// once, in an order rotated from round to round. Within a pair's turn the
// two sides alternate in ABBA slices (-slices) of -time/-slices each,
// with a GC before each slice, and each side's figure for the round is
// the median ns/op of its slices: a stall of the machine falls on both
// sides and does not move a median. A slice runs one untimed operation
// per goroutine, then operations until its time is up; ns/op is the
// wall time over the operations of all goroutines (throughput, as
// testing.B.RunParallel). The ratio of a round is repo/raw of that round
// only; the table gives the median of each side, and the median and range
// (min-max) of the ratios. In parallel mode each goroutine has its own
// user, counter, row and triggers; both batch calls share one queue.
//
// # Raw twins
//
// Each twin is one small method (twins.go), written three times: on the
// redis backend's go-redis client (twins_goredis.go), on the valkey
// backend's valkey-go client (twins_valkey.go), and, for memory and bolt
// where no client exists, as the direct store.Backend calls the job needs
// (twins_backend.go: one Apply where the call writes several keys). The
// twin of a write in one hash slot is one MULTI/EXEC; of a write in two
// slots one pipeline.
//
//	call                  raw twin (Redis protocol)
//	GetUserAs             HGETALL record, hand-written decoding
//	User.Upsert           MULTI HSET record, PEXPIRE, SADD bucket ids, PEXPIRE EXEC
//	StateHandler.Upsert   MULTI HSET, PEXPIRE, HGETALL EXEC
//	SharedState.SetField  MULTI HSET field, PEXPIRE, SADD index, PEXPIRE EXEC
//	Generic.Incr          INCR (the repository has no TTL here)
//	Generic.Incr/ttl      MULTI INCR, PEXPIRE NX EXEC (the repository's TTL)
//	Batch.Enqueue         pipeline RPUSH, PEXPIRE queue, SADD pending, PEXPIRE
//	Table.SetRow          MULTI DEL row, HSET, PEXPIRE, SADD tables, PEXPIRE EXEC
//	Triggers.Set          MULTI ZADD schedule, HSET record, PEXPIRE EXEC (a sorted-set scheduler)
//	Triggers.Set/replace  the same, setting one trigger per goroutine again and again
//	Batch.Claim+Ack       LMOVE queue processing, then LREM processing (a reliable queue)
//
// The first eight twins write the very keys and values of the repository
// call. They do not copy the key layout: at start, each learns the keys
// its call writes by running the call for tenant rw on a scratch memory
// backend (keys.go), so a change of repos/keys.go moves the twins with it;
// TestTwinsWriteTheSameData checks the data on every backend. The trigger
// and claim twins do the job their own way, with keys of their own: their
// figures are the cost of the job, not of the repository's layout. The
// sorted-set scheduler's member is the trigger (T:A:I), so setting a
// trigger again only moves it; the reliable queue has no lease (a
// crashed worker's items stay in the processing list for a reaper). On
// memory and bolt the scheduler is one Apply (ZAdd, HSet, Expire), and,
// with no LMOVE in the contract, the claim is one Update (take the head,
// record it in flight) then one HDel.
//
// Triggers.Set makes a new trigger at every operation; Batch.Enqueue
// grows its queue: after each turn of these calls in a round, their keys
// are deleted (untimed), so that a long run does not fill a shared
// server.
//
// # Comparing two builds
//
// compare starts two built binaries of this command once each, with
// -serve and the same flags: each prepares the pairs and then measures
// its repository call of a pair on request (serve.go). Each round takes
// the pairs in a rotated order and measures each pair with the two builds
// in ABBA slices, moments apart in warm processes; the table gives the
// paired ratio new/old. To compare main before and after a change on
// memory and bolt:
//
//	git worktree add /tmp/before <commit>
//	cp -r internal/benchcmp /tmp/before/internal/   # if that commit predates it
//	(cd /tmp/before && go build -o /tmp/bench-before ./internal/benchcmp)
//	go build -o /tmp/bench-after ./internal/benchcmp
//	/tmp/bench-after compare -rounds 7 -time 600ms /tmp/bench-before /tmp/bench-after -backends memory,bolt
//
// Both builds must select the same pairs (the older one needs this
// command's calls). The flags after the two binaries go to both. A ratio
// whose range holds 1 is no measured change; run compare of a build with
// itself first to see the noise of the machine.
//
// # Limits
//
// Measured on standalone servers only: on a cluster URL the repositories
// and the go-redis twins run (the keys of one MULTI share a hash tag),
// but the valkey twins' MULTI through DoMulti is untested there. The
// valkey backend's client-side cache is off (its default): a cached read
// is another comparison, cached against uncached, not against a twin.
// On a loaded machine the ranges are wide: judge a ratio by its range,
// and add rounds.
//
// # README figures
//
// The README's performance table is the output of, on a quiet machine:
//
//	go run ./internal/benchcmp -backends memory,bolt,redis,valkey -rounds 7 -time 500ms
//
// (88 pairs of 2 x 500 ms per round, plus warm-ups, GCs and resets:
// 15 to 20 minutes on 2 cores), pasted with the command line it prints
// above the table. Bolt's sequential writes wait for fsync (several ms
// each): below -time 500ms a slice holds only a few of them.
package main
