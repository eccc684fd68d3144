package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/internal/stubproc"
	"github.com/aicc-kit/applytoken/openapi"
)

// TestHostileClients runs the built binary against slow, big and
// departing clients, each case on a process of its own with the flags it
// needs: short timeouts keep the slow cases fast.
func TestHostileClients(t *testing.T) {
	bin := stubproc.Build(t)
	t.Run("slowloris", func(t *testing.T) { slowloris(t, bin) })
	t.Run("body trickled past ReadTimeout", func(t *testing.T) { slowBody(t, bin) })
	t.Run("oversize bodies leave RSS flat", func(t *testing.T) { oversizeBodies(t, bin) })
	t.Run("SIGTERM under load", func(t *testing.T) { shutdownUnderLoad(t, bin) })
}

// slowloris opens connections that trickle a request head, a byte every
// 50ms: each must be cut, unanswered, at -read-header-timeout, while
// requests on other connections keep getting 200.
func slowloris(t *testing.T, bin string) {
	const headerTimeout = 300 * time.Millisecond
	p := stubproc.Start(t, bin, "-addr", "127.0.0.1:0", "-read-header-timeout", headerTimeout.String())
	host := hostOf(t, p.Base)

	const slow = 32
	type cut struct {
		after    time.Duration
		answered int
		err      error
	}
	cuts := make(chan cut, slow)
	for range slow {
		go func() {
			conn, err := net.DialTimeout("tcp", host, time.Second)
			if err != nil {
				cuts <- cut{err: err}
				return
			}
			defer conn.Close()
			start := time.Now()
			conn.SetDeadline(start.Add(3 * time.Second)) // the bound if the stub never cuts
			go func() {
				if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nX-Slow: ", openapi.ApplyTokenPath, host); err != nil {
					return
				}
				for range 60 {
					time.Sleep(50 * time.Millisecond)
					if _, err := conn.Write([]byte("a")); err != nil {
						return
					}
				}
			}()
			n, err := io.ReadFull(conn, make([]byte, 1))
			cuts <- cut{time.Since(start), n, err}
		}()
	}

	// Meanwhile, normal requests, each on a fresh connection.
	hc := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	normal := 0
	for start := time.Now(); time.Since(start) < 4*headerTimeout; normal++ {
		if status := login(t, hc, p.Base); status != http.StatusOK {
			t.Fatalf("a normal request during the slowloris got %d", status)
		}
		time.Sleep(20 * time.Millisecond)
	}

	var longest time.Duration
	for range slow {
		c := <-cuts
		switch {
		case c.answered > 0:
			t.Errorf("a slowloris connection got an answer; want it cut silently")
		case errors.Is(c.err, os.ErrDeadlineExceeded):
			t.Fatalf("a slowloris connection was still open after 3s")
		case c.after < headerTimeout-50*time.Millisecond || c.after > headerTimeout+time.Second:
			t.Errorf("a slowloris connection was cut after %v; want about %v", c.after, headerTimeout)
		}
		longest = max(longest, c.after)
	}
	t.Logf("%d slowloris connections cut within %v (-read-header-timeout %v); %d normal requests meanwhile, all 200",
		slow, longest.Round(time.Millisecond), headerTimeout, normal)
}

// slowBody sends a whole head and then the body a byte every 100ms: the
// stub answers 400 (the body cannot be read) at -read-timeout and closes
// the connection.
func slowBody(t *testing.T, bin string) {
	const readTimeout = time.Second
	p := stubproc.Start(t, bin, "-addr", "127.0.0.1:0", "-read-timeout", readTimeout.String(), "-read-header-timeout", "300ms")
	host := hostOf(t, p.Base)
	hc := &http.Client{Timeout: time.Second}
	access := accessToken(t, p.Base)

	conn, err := net.DialTimeout("tcp", host, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	conn.SetDeadline(start.Add(3 * time.Second))
	body := applyBody("user-0001", "demo-channel")
	req := applyRequest(t, p.Base, access, body)
	go func() {
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-App-Key: demo-app-key\r\n"+
			"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", openapi.ApplyTokenPath, host, access, len(body))
		for _, b := range body {
			time.Sleep(100 * time.Millisecond)
			if _, err := conn.Write([]byte{b}); err != nil {
				return
			}
		}
	}()
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		t.Fatalf("no answer within 3s: %v", err)
	}
	answer, _ := io.ReadAll(resp.Body)
	took := time.Since(start)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d; want 400: %s", resp.StatusCode, answer)
	}
	spectest.Check(t, req, resp, answer)
	if took < readTimeout-50*time.Millisecond || took > readTimeout+time.Second {
		t.Errorf("answered after %v; want about -read-timeout %v", took, readTimeout)
	}
	if _, err := br.ReadByte(); err == nil {
		t.Errorf("the connection stayed open after the cut")
	}
	if status := login(t, hc, p.Base); status != http.StatusOK {
		t.Errorf("after the cut, a normal request got %d", status)
	}
	t.Logf("a body trickled at 10 bytes/s was cut after %v (-read-timeout %v) with 400 and the connection closed", took.Round(time.Millisecond), readTimeout)
}

// oversizeBodies sends 100 bodies of 1 MiB, half with a declared length,
// half chunked, 8 at a time: each gets 413 and the stub's RSS grows by
// less than 10 MiB.
func oversizeBodies(t *testing.T, bin string) {
	p := stubproc.Start(t, bin, "-addr", "127.0.0.1:0")
	host := hostOf(t, p.Base)
	access := accessToken(t, p.Base)
	big := append(append([]byte(`{"userId":"`), bytes.Repeat([]byte("u"), 1<<20)...), `"}`...)

	send := func(chunked bool) error {
		conn, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			return err
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		framing := fmt.Sprintf("Content-Length: %d\r\n", len(big))
		payload := big
		if chunked {
			framing = "Transfer-Encoding: chunked\r\n"
			payload = []byte(strconv.FormatInt(int64(len(big)), 16) + "\r\n" + string(big) + "\r\n0\r\n\r\n")
		}
		go func() {
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-App-Key: demo-app-key\r\n"+
				"Authorization: Bearer %s\r\n%s\r\n", openapi.ApplyTokenPath, host, access, framing)
			conn.Write(payload) // the stub stops reading at the cap; the rest may fail
		}()
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			return fmt.Errorf("status %d; want 413", resp.StatusCode)
		}
		return nil
	}
	run := func(n int) {
		var wg sync.WaitGroup
		errs := make(chan error, n)
		sem := make(chan struct{}, 8)
		for i := range n {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				if err := send(i%2 == 1); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("an oversize body: %v", err)
		}
	}
	hc := &http.Client{Timeout: time.Second}
	for range 20 {
		login(t, hc, p.Base)
	}
	run(16) // warm up: pools, buffers, goroutine stacks
	before := procStatus(t, p.PID())
	run(100)
	after := procStatus(t, p.PID())
	growth := after.rss - before.rss
	if growth >= 10<<10 {
		t.Errorf("RSS grew by %d KiB (%d to %d KiB) over 100 oversize bodies; want under 10 MiB", growth, before.rss, after.rss)
	}
	t.Logf("100 bodies of 1 MiB, all 413: RSS %d KiB before, %d KiB after (growth %d KiB)", before.rss, after.rss, growth)
}

// shutdownUnderLoad sends SIGTERM while 16 clients keep sending valid
// applyToken requests and 4 more are half sent: every request the stub
// accepted gets its 200 (the half-sent ones are finished after the
// listener has closed), the stub's access log holds exactly the 200s the
// clients received, and the process exits 0 within its grace period.
func shutdownUnderLoad(t *testing.T, bin string) {
	const grace = 5 * time.Second
	p := stubproc.Start(t, bin, "-addr", "127.0.0.1:0", "-shutdown-timeout", grace.String())
	host := hostOf(t, p.Base)
	access := accessToken(t, p.Base)
	body := applyBody("user-0001", "demo-channel")

	// Requests in flight at the signal: head and half the body sent.
	const halfSent = 4
	conns := make([]net.Conn, halfSent)
	for i := range conns {
		conn, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-App-Key: demo-app-key\r\n"+
			"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n%s", openapi.ApplyTokenPath, host, access, len(body), body[:len(body)/2])
		conns[i] = conn
	}

	var (
		signalled atomic.Int64 // UnixNano of SIGTERM; 0 before
		ok, early atomic.Int64
		mu        sync.Mutex
		late      = map[string]int{} // errors after the signal, by kind
		wg        sync.WaitGroup
	)
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Timeout: 10 * time.Second, Transport: tr}
	deadline := time.Now().Add(10 * time.Second)
	for range 16 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				sentBefore := signalled.Load() == 0
				resp, err := hc.Do(applyRequest(t, p.Base, access, body))
				if err != nil {
					if sentBefore && signalled.Load() == 0 {
						early.Add(1)
						t.Errorf("before SIGTERM: %v", err)
						return
					}
					mu.Lock()
					late[errorKind(err)]++
					mu.Unlock()
					return // the listener is closed: nothing more will be accepted
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("status %d; want 200", resp.StatusCode)
					return
				}
				ok.Add(1)
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	signalled.Store(time.Now().UnixNano())
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	sig := time.Now()
	waitListenerClosed(t, host)
	for i, conn := range conns {
		if _, err := conn.Write(body[len(body)/2:]); err != nil {
			t.Fatalf("finishing half-sent request %d: %v", i, err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("half-sent request %d got no answer: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("half-sent request %d got %d; want 200", i, resp.StatusCode)
		}
		ok.Add(1)
	}
	code, err := p.Wait(grace + time.Second)
	exited := time.Since(sig)
	wg.Wait()
	if err != nil || code != 0 {
		t.Fatalf("exit status %d (%v) %v after SIGTERM; want 0 within %v\n%s", code, err, exited, grace, p.Stderr)
	}
	if exited > grace {
		t.Errorf("exited %v after SIGTERM; want within the grace period %v", exited, grace)
	}
	logged := 0
	for line := range strings.Lines(p.Stderr.String()) {
		if strings.Contains(line, "msg=request") && strings.Contains(line, "op=applyToken") && strings.Contains(line, "status=200") {
			logged++
		}
	}
	if int64(logged) != ok.Load() {
		t.Errorf("the stub answered %d applyToken requests with 200; the clients received %d: answers were lost", logged, ok.Load())
	}
	t.Logf("SIGTERM under load: %d answers of 200 (%d of them half-sent at the signal), 0 lost; after the signal %v refused; exit 0 %v after SIGTERM (grace %v)",
		ok.Load(), halfSent, late, exited.Round(time.Millisecond), grace)
}

// errorKind names a client error after SIGTERM for the report.
func errorKind(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.EOF), strings.Contains(err.Error(), "server closed"):
		return "connection closed before a request was read"
	}
	return err.Error()
}

// login asks for an AccessToken and returns the status.
func login(t *testing.T, hc *http.Client, base string) int {
	t.Helper()
	resp, err := hc.Post(base+openapi.TokenByAkSkPath, "application/json", strings.NewReader(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`))
	if err != nil {
		t.Fatalf("tokenByAkSk: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func hostOf(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// status is what /proc says of a process: resident memory in KiB, threads,
// open file descriptors.
type status struct{ rss, threads, fds int }

// procStatus reads /proc/pid. It fails the test where there is no /proc
// under CI, and skips, saying so, elsewhere.
func procStatus(t testing.TB, pid int) status {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reading the stub's memory: %v", err)
		}
		t.Skipf("SKIPPED: no /proc to read the stub's memory from (%v); CI=true makes this a failure", err)
	}
	var s status
	for line := range strings.Lines(string(raw)) {
		name, value, _ := strings.Cut(line, ":")
		fields := strings.Fields(value)
		if len(fields) == 0 {
			continue
		}
		switch name {
		case "VmRSS":
			s.rss, _ = strconv.Atoi(fields[0])
		case "Threads":
			s.threads, _ = strconv.Atoi(fields[0])
		}
	}
	if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid)); err == nil {
		s.fds = len(fds)
	}
	if s.rss == 0 {
		t.Fatalf("no VmRSS in /proc/%d/status", pid)
	}
	return s
}
