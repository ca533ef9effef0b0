package repos

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/mimeiapify/store"
)

// Options configure a repository. A nil *Options or the zero value gives
// the defaults: no key prefix and no expiry.
type Options struct {
	// Prefix is prepended to every key the repository makes, so that
	// several applications can share one server ("app:" gives keys such as
	// "app:t:acme:..."). A prefix that does not end with ':' gets one, so
	// that "prod" never covers the keys of "prod2". It must not hold any
	// of { } * ? [ ] \ (hash-tag and glob metacharacters). Empty: none.
	Prefix string
	// TTL is the repository's default time to live for the records it
	// writes; 0 means no expiry (a write then also clears a TTL the record
	// had). WithTTL overrides it for one call. It must not be negative.
	TTL time.Duration
	// Retention is for Triggers only: how long a trigger's record is kept
	// after it is due, waiting for a listener (see Triggers.Listen), and
	// how long a dead trigger stays listed. 0 means DefaultRetention. It
	// must not be negative.
	Retention time.Duration
	// TracerProvider, when set, makes one span per repository call, named
	// after it ("repos.User.Upsert"), parent of the backend spans the call
	// makes (see package storeotel) and a span per trigger delivery. Nil:
	// no spans, at no cost. See telemetry.go.
	TracerProvider trace.TracerProvider
	// TenantAttribute says how spans record the tenant: hashed (the
	// default), omitted, or plain.
	TenantAttribute TenantAttribute
	// MeterProvider, when set, makes the metrics of trigger listeners and
	// batch workers (see ObserveQueues). Nil: no metrics, at no cost.
	MeterProvider metric.MeterProvider
	// Logger, when set, is told of the events of listeners and workers
	// worth a line (a retry, a dead trigger, a lease lost, a poll error).
	// Nil: silent.
	Logger *slog.Logger
	// IndexedFields is for User and Users only: the record fields that
	// Users.FindBy and FindUsersBy find through a secondary index (cost
	// O(matches)) instead of reading every record. The index is written in
	// the atomic step that writes the record. Give every User and Users of
	// one tenant the same IndexedFields; records written before a field was
	// declared are indexed at their next write. Names must not be empty.
	IndexedFields []string
}

// DefaultRetention is the Retention of triggers when Options sets none.
const DefaultRetention = 24 * time.Hour

// prefixMeta are the bytes a prefix may not hold.
const prefixMeta = "{}*?[]\\"

// settings are validated Options.
type settings struct {
	keys      keyspace
	ttl       time.Duration
	retention time.Duration
	tel       telemetry
	indexed   []string // IndexedFields, sorted, without duplicates
}

// resolve validates o (nil means defaults) and returns its settings.
func (o *Options) resolve() (settings, error) {
	if o == nil {
		return settings{retention: DefaultRetention}, nil
	}
	if i := strings.IndexAny(o.Prefix, prefixMeta); i >= 0 {
		return settings{}, fmt.Errorf("%w: key prefix %q holds %q", ErrInvalidOption, clipID(o.Prefix), o.Prefix[i])
	}
	if len(o.Prefix) > MaxIDLen {
		return settings{}, fmt.Errorf("%w: key prefix is %d bytes, more than %d", ErrInvalidOption, len(o.Prefix), MaxIDLen)
	}
	if o.TTL < 0 {
		return settings{}, fmt.Errorf("%w: default TTL %v is negative", ErrInvalidOption, o.TTL)
	}
	if o.Retention < 0 {
		return settings{}, fmt.Errorf("%w: trigger retention %v is negative", ErrInvalidOption, o.Retention)
	}
	retention := o.Retention
	if retention == 0 {
		retention = DefaultRetention
	}
	p := o.Prefix
	if p != "" && !strings.HasSuffix(p, ":") {
		p += ":"
	}
	indexed, err := indexedFields(o.IndexedFields)
	if err != nil {
		return settings{}, err
	}
	return settings{keys: keyspace{prefix: p}, ttl: o.TTL, retention: retention, tel: o.telemetry(), indexed: indexed}, nil
}

// CallOption changes one repository call; see WithTTL.
type CallOption func(*callOptions)

// callOptions are what CallOptions set.
type callOptions struct {
	ttl    time.Duration
	ttlSet bool
}

// WithTTL makes one call store its record with time to live d instead of
// the repository's default TTL; 0 means no expiry. A negative d makes the
// call fail with ErrInvalidOption.
func WithTTL(d time.Duration) CallOption {
	return func(c *callOptions) { c.ttl, c.ttlSet = d, true }
}

// ttlFor returns the TTL of one call: the last WithTTL among opts, else
// def.
func ttlFor(def time.Duration, opts []CallOption) (time.Duration, error) {
	c := callOptions{ttl: def}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.ttl < 0 {
		return 0, fmt.Errorf("%w: TTL %v is negative", ErrInvalidOption, c.ttl)
	}
	return c.ttl, nil
}

// expiryOp returns the op that gives key the TTL ttl inside an atomic
// group: an ExpireOp, or for 0 (no expiry) a PersistOp.
func expiryOp(key string, ttl time.Duration) store.Op {
	if ttl == 0 {
		return &store.PersistOp{Key: key}
	}
	return &store.ExpireOp{Key: key, TTL: ttl}
}
