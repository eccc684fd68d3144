package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/spectest"
)

// wait bounds every wait on the stub in these tests.
const wait = 15 * time.Second

var listening = regexp.MustCompile(`^applytoken-stub listening on (https?://\S+)$`)

// banner is what the stub printed on start.
type banner struct {
	base    string // e.g. http://127.0.0.1:40311
	session string // the curl session, ready for bash
	text    string
}

// readBanner reads the stub's start-up text from r, within wait, and keeps
// draining r afterwards so the stub never blocks on its output.
func readBanner(t *testing.T, r io.Reader) banner {
	t.Helper()
	done := make(chan banner, 1)
	go func() {
		var b banner
		var text, session strings.Builder
		in := false
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := sc.Text()
			text.WriteString(line + "\n")
			if m := listening.FindStringSubmatch(line); m != nil {
				b.base = m[1]
			}
			switch {
			case strings.HasPrefix(line, "TOKEN=$(curl"):
				in = true
			case in && line == "":
				in = false
			}
			if in {
				session.WriteString(line + "\n")
			}
			if strings.HasPrefix(line, "Stop with") {
				b.session, b.text = session.String(), text.String()
				done <- b
				io.Copy(io.Discard, r)
				return
			}
		}
		done <- banner{text: text.String()}
	}()
	select {
	case b := <-done:
		if b.base == "" || b.session == "" {
			t.Fatalf("the stub printed no address or no curl session:\n%s", b.text)
		}
		return b
	case <-time.After(wait):
		t.Fatalf("the stub printed nothing within %v", wait)
		return banner{}
	}
}

// runSession runs the printed curl session with bash and returns the
// applyToken answer. It reports false when curl or bash is missing, and
// the caller then makes the same two requests in Go.
func runSession(t *testing.T, session string, env ...string) (map[string]any, bool) {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("%s is not installed: the session is replayed in Go instead", tool)
			return nil, false
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", session)
	cmd.Env = append(cmd.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the curl session failed: %v\n%s\nsession:\n%s", err, out, session)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("the curl session did not end in JSON: %v: %s", err, out)
	}
	return m, true
}

// exchange sends req to the stub within wait and checks the answer
// against the contract.
func exchange(t *testing.T, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	if c == nil {
		c = &http.Client{}
	}
	cc := *c
	cc.Timeout = wait
	resp, err := cc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	if p := req.URL.Path; p != "/healthz" && p != "/openapi.yaml" {
		spectest.Check(t, req, resp, body)
	}
	return resp, body
}

func newRequest(t *testing.T, method, url string, header http.Header, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return req
}

// syncBuffer collects a process's stderr while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
