// Command metrics shows the telemetry of this module scraped as
// Prometheus: a memory backend instrumented with storeotel, trigger
// listeners and batch queues measured through repos.Options.MeterProvider
// and repos.ObserveQueues, all exported by the OpenTelemetry Prometheus
// exporter. It sets five triggers and fills a queue, lets a listener
// deliver the triggers, scrapes /metrics once and prints the queue depth,
// the delivery lag and the backend call counts:
//
//	go run ./examples/metrics
//	go run ./examples/metrics -serve :9464   # then keep serving /metrics
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	promclient "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/mimeiapify/store/backend/memory"
	"github.com/mimeiapify/store/repos"
	"github.com/mimeiapify/store/storeotel"
)

func main() {
	serve := flag.String("serve", "", "after the run, serve /metrics on this address")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *serve); err != nil {
		log.SetFlags(0)
		log.Fatal(err)
	}
}

// run does the work, scrapes the metrics once and prints the lines of
// interest to w; with serve set it then serves /metrics until killed.
func run(ctx context.Context, w io.Writer, serve string) error {
	reg := promclient.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	defer mp.Shutdown(context.Background())

	b, err := storeotel.New(memory.New(nil), &storeotel.Options{MeterProvider: mp})
	if err != nil {
		return err
	}
	defer b.Close()
	opts := &repos.Options{Prefix: "app", MeterProvider: mp}
	if err := work(ctx, b, opts); err != nil {
		return err
	}

	handler := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	if err := scrape(w, handler); err != nil {
		return err
	}
	if serve == "" {
		return nil
	}
	fmt.Fprintf(w, "serving http://%s/metrics\n", serve)
	http.Handle("/metrics", handler)
	return http.ListenAndServe(serve, nil)
}

// work fills a queue of two tenants, sets five triggers and delivers them.
func work(ctx context.Context, b *storeotel.Backend, opts *repos.Options) error {
	q := repos.Queue{Service: "mailer", Batch: "digest", Action: "send"}
	var observed []repos.TenantQueue
	for tenant, n := range map[string]int{"acme": 3, "globex": 4} {
		bt, err := repos.NewBatch(b, tenant, opts)
		if err != nil {
			return err
		}
		for i := range n {
			if err := bt.Enqueue(ctx, q, fmt.Sprint("mail ", i)); err != nil {
				return err
			}
		}
		observed = append(observed, repos.TenantQueue{Tenant: tenant, Queue: q})
	}
	if _, err := repos.ObserveQueues(b, opts, observed...); err != nil {
		return err
	}
	tr, err := repos.NewTriggers(b, "acme", opts)
	if err != nil {
		return err
	}
	for i := range 5 {
		if err := tr.Set(ctx, "remind", fmt.Sprint("chat-", i), "", repos.WithTTL(time.Millisecond)); err != nil {
			return err
		}
	}
	return deliver(ctx, b, opts, 5)
}

// deliver runs a listener until it delivered n triggers.
func deliver(ctx context.Context, b *storeotel.Backend, opts *repos.Options, n int) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	left := n
	err := repos.ListenTriggers(ctx, b, opts, func(context.Context, repos.Fired) error {
		mu.Lock()
		defer mu.Unlock()
		if left--; left == 0 {
			defer cancel()
		}
		return nil
	}, &repos.ListenOptions{Interval: time.Millisecond})
	if left > 0 {
		return fmt.Errorf("delivered %d of %d triggers", n-left, n)
	}
	return err
}

// interesting are the prefixes of the metric lines that run prints.
var interesting = []string{
	"repos_batch_queue_depth{",
	"repos_batch_pending_tenants{",
	"repos_trigger_lag_seconds_count{",
	"repos_trigger_attempts_total{",
	`db_client_operation_duration_seconds_count{db_operation_name="RPush"`,
}

// scrape gets /metrics from handler, as Prometheus would, and prints the
// interesting lines.
func scrape(w io.Writer, handler http.Handler) error {
	srv := httptest.NewServer(handler)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		for _, p := range interesting {
			if strings.HasPrefix(sc.Text(), p) {
				fmt.Fprintln(w, sc.Text())
				break
			}
		}
	}
	return sc.Err()
}
