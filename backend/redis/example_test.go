package redis_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
)

// Opening a backend by URL through the store registry.
func ExampleOpen() {
	mr, _ := miniredis.Run() // stands in for a real server
	defer mr.Close()
	ctx := context.Background()
	b, err := store.Open(ctx, "redis://"+mr.Addr()+"/0?dial_timeout=2s")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	_ = b.Set(ctx, "greeting", "hello", 0)
	v, _ := b.Get(ctx, "greeting")
	fmt.Println(v)
	// Output: hello
}

// Wrapping a client you configured yourself; Close leaves it open.
func ExampleNew() {
	mr, _ := miniredis.Run()
	defer mr.Close()
	client := goredis.NewClient(&goredis.Options{Addr: mr.Addr(), DisableIdentity: true, ContextTimeoutEnabled: true})
	defer client.Close()
	b := redis.New(client, nil)
	defer b.Close()
	ctx := context.Background()
	hits := &store.HIncrByOp{Key: "page:home", Field: "hits", Delta: 1}
	read := &store.HGetAllOp{Key: "page:home"}
	err := b.Apply(ctx, hits, &store.HSetOp{Key: "page:home", Fields: map[string]string{"title": "Home"}}, read)
	fmt.Println(err, hits.Result, read.Result)
	// Output: <nil> 1 map[hits:1 title:Home]
}

// The URL parameters that decide how a cluster backend recovers from a
// fault: how often the slot map is reloaded while the client is used,
// the dial and read timeouts, and retries (0 turns them off). NewClient
// makes the client without connecting.
func ExampleNewClient() {
	u, _ := url.Parse("redis+cluster://127.0.0.1:7000?cluster_state_reload_interval=2s&dial_timeout=1s&read_timeout=2s&max_retries=0")
	c, err := redis.NewClient(u)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	o := c.(*goredis.ClusterClient).Options()
	fmt.Println(o.ClusterStateReloadInterval, o.DialTimeout, o.ReadTimeout, o.MaxRetries <= 0)
	fmt.Println(redis.DefaultClusterStateReloadInterval)
	// Output:
	// 2s 1s 2s true
	// 10s
}
