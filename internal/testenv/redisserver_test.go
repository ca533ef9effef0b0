package testenv_test

import (
	"strings"
	"testing"

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
