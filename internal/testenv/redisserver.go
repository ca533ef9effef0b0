package testenv

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// RedisServer is a private redis-server process that a test starts, kills
// and restarts: for fault tests and for checks of server-wide counters
// (INFO errorstats, commandstats) that other tests running at the same
// time on a shared server would disturb.
type RedisServer struct {
	t    testing.TB
	Port int
	Dir  string
	args []string
	cmd  *exec.Cmd
}

// Addr returns the server's "127.0.0.1:port".
func (s *RedisServer) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// StartRedis starts a redis-server on a free loopback port with no
// persistence unless args say otherwise (extra args are passed as they
// are, e.g. "--appendonly", "yes"), waits until it answers PING, and kills
// it when the test ends. Without a redis-server binary the test skips (or,
// under STORE_TEST_REQUIRE_SERVERS=1, fails).
func StartRedis(t testing.TB, args ...string) *RedisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv(RequireServers) == "1" {
			t.Fatalf("redis-server is not installed and %s=1", RequireServers)
		}
		t.Skip("redis-server is not installed")
	}
	s := &RedisServer{t: t, Port: freePort(t), Dir: t.TempDir(), args: args}
	s.Start()
	t.Cleanup(s.Kill)
	return s
}

// Start starts the server again on the same port and directory (after
// Kill), and waits until it answers PING.
func (s *RedisServer) Start() {
	s.t.Helper()
	args := append([]string{"--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1",
		"--save", "", "--dir", s.Dir, "--logfile", filepath.Join(s.Dir, "log")}, s.args...)
	s.cmd = exec.Command("redis-server", args...)
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if s.ping() == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(s.Dir, "log"))
	s.t.Fatalf("redis-server on port %d did not answer PING within 5s; log:\n%s", s.Port, log)
}

// Kill SIGKILLs the server (no shutdown, no save) and waits for it to die.
// It does nothing when the server is not running.
func (s *RedisServer) Kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Do sends one command over a fresh connection and returns the reply's
// text: a status or bulk string as is, an integer in decimal, an error
// reply as an error, and an array's elements joined by newlines. It is for
// test set-up (CONFIG SET, INFO, DEBUG) with no client library involved.
func (s *RedisServer) Do(args ...string) (string, error) {
	return Do(s.Addr(), args...)
}

// Do sends one command to the server at addr over a fresh connection, as
// RedisServer.Do.
func Do(addr string, args ...string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.Write([]byte(b.String())); err != nil {
		return "", err
	}
	return readReply(bufio.NewReader(c))
}

func (s *RedisServer) ping() error {
	got, err := s.Do("PING")
	if err == nil && got != "PONG" {
		err = fmt.Errorf("PING answered %q", got)
	}
	return err
}

func readReply(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("empty reply line")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", fmt.Errorf("%s", line[1:])
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return "", nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	case '*':
		n, _ := strconv.Atoi(line[1:])
		parts := make([]string, 0, max(n, 0))
		for range n {
			p, err := readReply(r)
			if err != nil {
				return "", err
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, "\n"), nil
	}
	return "", fmt.Errorf("unexpected reply %q", line)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
