package testenv_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mimeiapify/store/internal/testenv"
)

func TestStartRedisKillRestart(t *testing.T) {
	s := testenv.StartRedis(t)
	if _, err := s.Do("SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Do("GET", "k")
	if err != nil || got != "v" {
		t.Fatalf("GET k = %q, %v; want v", got, err)
	}
	s.Kill()
	if _, err := s.Do("PING"); err == nil {
		t.Fatal("PING succeeded after Kill")
	}
	s.Start()
	got, err = s.Do("GET", "k")
	if err != nil || got != "" {
		t.Fatalf("GET k after a restart without persistence = %q, %v; want nothing", got, err)
	}
	info, err := s.Do("INFO", "errorstats")
	if err != nil || !strings.Contains(info, "# Errorstats") {
		t.Fatalf("INFO errorstats = %q, %v", info, err)
	}
}

func TestStartReplica(t *testing.T) {
	m := testenv.StartRedis(t)
	r := testenv.StartReplica(t, m)
	if _, err := m.Do("SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	if got, err := m.Do("WAIT", "1", "5000"); err != nil || got != "1" {
		t.Fatalf("WAIT 1 = %q, %v; want 1", got, err)
	}
	// WAIT counts the replica's acknowledgement of the offset it received;
	// the read may still come a moment before the write is applied there.
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := r.Do("GET", "k")
		if err == nil && got == "v" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET k on the replica = %q, %v; want v", got, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
