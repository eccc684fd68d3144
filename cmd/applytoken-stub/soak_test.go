//go:build soak

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/internal/stubproc"
	"github.com/aicc-kit/applytoken/openapi"
)

// TestSoak holds the built binary under SOAK_CONNS connections (256) of
// valid applyToken requests for SOAK_DURATION (60s), on 127.0.0.1 only,
// and wants 0 errors, 0 answers but 200, and RSS, threads and open file
// descriptors flat from the start of the load to its end. `make soak` runs
// it; it is not part of `make test`.
//
// The stub exposes no goroutine count, and gets no flag for one: each
// connection is one serving goroutine, so open descriptors stand for the
// goroutines, beside the OS threads.
func TestSoak(t *testing.T) {
	duration := envDuration(t, "SOAK_DURATION", 60*time.Second)
	conns := envInt(t, "SOAK_CONNS", 256)
	// -log-level warn: a million access-log lines would fill the buffer
	// that collects the child's stderr, and measure the test, not the stub.
	p := stubproc.Start(t, stubproc.Build(t), "-addr", "127.0.0.1:0", "-log-level", "warn")
	access := soakAccessToken(t, p.Base, duration)
	body := applyBody("user-0001", "demo-channel")
	idle := procStatus(t, p.PID())

	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Timeout: 10 * time.Second, Transport: tr}
	var (
		requests, failures, non200 atomic.Int64
		firstFailure               sync.Once
		stop                       = make(chan struct{})
		wg                         sync.WaitGroup
	)
	for range conns {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest(http.MethodPost, p.Base+openapi.ApplyTokenPath, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json; charset=UTF-8")
				req.Header.Set("X-App-Key", "demo-app-key")
				req.Header.Set("Authorization", "Bearer "+access)
				resp, err := hc.Do(req)
				requests.Add(1)
				if err != nil {
					failures.Add(1)
					firstFailure.Do(func() { t.Errorf("first error: %v", err) })
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					non200.Add(1)
					firstFailure.Do(func() { t.Errorf("first non-200: %d", resp.StatusCode) })
				}
			}
		})
	}
	start := time.Now()
	type sample struct {
		at       time.Duration
		requests int64
		st       status
	}
	take := func() sample {
		return sample{time.Since(start).Round(time.Second), requests.Load(), procStatus(t, p.PID())}
	}
	warmup := min(5*time.Second, duration/4)
	time.Sleep(warmup)
	first := take()
	time.Sleep(duration/2 - warmup)
	middle := take()
	time.Sleep(duration - time.Since(start))
	last := take()
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)

	fmt.Printf("soak: %d connections for %v against %s\n", conns, elapsed.Round(time.Millisecond), p.Base)
	fmt.Printf("soak: %d requests, %.0f req/s, %d errors, %d non-200\n",
		requests.Load(), float64(requests.Load())/elapsed.Seconds(), failures.Load(), non200.Load())
	fmt.Printf("soak: %-8s %10s %12s %8s %8s\n", "sample", "at", "requests", "RSS KiB", "threads")
	fmt.Printf("soak: %-8s %10s %12d %8d %8d (open fds %d)\n", "idle", "-", 0, idle.rss, idle.threads, idle.fds)
	for _, s := range []struct {
		name string
		s    sample
	}{{"start", first}, {"middle", middle}, {"end", last}} {
		fmt.Printf("soak: %-8s %10v %12d %8d %8d (open fds %d)\n", s.name, s.s.at, s.s.requests, s.s.st.rss, s.s.st.threads, s.s.st.fds)
	}

	if failures.Load() != 0 || non200.Load() != 0 {
		t.Errorf("%d errors and %d non-200 answers; want 0 and 0", failures.Load(), non200.Load())
	}
	if growth := last.st.rss - first.st.rss; growth > max(16<<10, first.st.rss/5) {
		t.Errorf("RSS grew from %d to %d KiB under steady load", first.st.rss, last.st.rss)
	}
	if last.st.threads > first.st.threads+4 {
		t.Errorf("threads grew from %d to %d under steady load", first.st.threads, last.st.threads)
	}
	if last.st.fds > first.st.fds+8 {
		t.Errorf("open descriptors (connections, so serving goroutines) grew from %d to %d", first.st.fds, last.st.fds)
	}
}

// soakAccessToken asks for an AccessToken that outlives the soak: the
// longest X-Token-Expire the contract allows.
func soakAccessToken(t *testing.T, base string, duration time.Duration) string {
	t.Helper()
	longest := spectest.Maximum(t, spectest.Param(t, openapi.TokenByAkSk, "X-Token-Expire"), "X-Token-Expire")
	if time.Duration(longest)*time.Second < duration+time.Minute {
		t.Fatalf("the longest AccessToken the contract allows, %ds, does not outlive a soak of %v", longest, duration)
	}
	req, _ := http.NewRequest(http.MethodPost, base+openapi.TokenByAkSkPath, strings.NewReader(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Token-Expire", strconv.FormatInt(longest, 10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct{ AccessToken string }
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.AccessToken == "" {
		t.Fatalf("tokenByAkSk: %d %v", resp.StatusCode, err)
	}
	return r.AccessToken
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 4*time.Second || d > 30*time.Minute {
		t.Fatalf("%s=%q: want a duration from 4s to 30m", name, v)
	}
	return d
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 4096 {
		t.Fatalf("%s=%q: want 1 to 4096", name, v)
	}
	return n
}
