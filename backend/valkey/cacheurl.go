package valkey

import (
	"fmt"
	"math"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/mimeiapify/store"
)

// MinClientCache is the smallest client_cache a URL may ask for.
const MinClientCache = 1 << 10

// clientCache is what the client_cache and client_cache_ttl parameters
// ask for: nothing (ttl 0), or a cache of eachConn bytes on each of the
// client's pipelined connections whose replies live at most ttl.
type clientCache struct {
	ttl      time.Duration
	eachConn int
}

// parseClientCache reads client_cache (the memory per server, in bytes
// or with a KiB, MiB or GiB suffix; 0 turns the cache off) and
// client_cache_ttl (a Go duration, DefaultClientCacheTTL by default).
func parseClientCache(q url.Values) (clientCache, error) {
	size, ttlText := q.Get("client_cache"), q.Get("client_cache_ttl")
	if size == "" || size == "0" {
		if ttlText != "" {
			return clientCache{}, fmt.Errorf("%w: client_cache_ttl needs client_cache (the cache's memory, e.g. client_cache=64MiB)", store.ErrInvalidArgument)
		}
		return clientCache{}, nil
	}
	n, err := parseBytes(size)
	if err != nil || n < MinClientCache {
		return clientCache{}, fmt.Errorf("%w: client_cache=%q must be a size of at least 1KiB: bytes, or a number with KiB, MiB or GiB (e.g. 64MiB)", store.ErrInvalidArgument, size)
	}
	if q.Get("protocol") == "2" {
		return clientCache{}, fmt.Errorf("%w: client_cache needs RESP3 (CLIENT TRACKING's invalidation messages): remove protocol=2", store.ErrInvalidArgument)
	}
	c := clientCache{ttl: DefaultClientCacheTTL, eachConn: int(n / int64(pipelinedConns()))}
	if ttlText != "" {
		if c.ttl, err = time.ParseDuration(ttlText); err != nil || c.ttl < time.Millisecond {
			return clientCache{}, fmt.Errorf("%w: client_cache_ttl=%q must be a duration of at least 1ms (e.g. 1s)", store.ErrInvalidArgument, ttlText)
		}
	}
	return c, nil
}

// pipelinedConns is how many pipelined connections valkey-go opens to
// one standalone server by default (1, 2 or 4, from GOMAXPROCS), each
// with a cache of its own; a cluster client opens one per node.
func pipelinedConns() int {
	m := int(math.Log2(float64(runtime.GOMAXPROCS(0))))
	return 1 << min(max(m, 0), 2)
}

// parseBytes reads a size: a whole number of bytes, optionally followed
// by B, KiB, MiB or GiB.
func parseBytes(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, err
	}
	if n < 0 || n > math.MaxInt64/mult || n*mult > math.MaxInt {
		return 0, fmt.Errorf("size %d out of range", n)
	}
	return n * mult, nil
}
