package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/internal/stubproc"
)

// wait bounds every wait on the stub in these tests.
const wait = stubproc.Wait

var listening = regexp.MustCompile(`^applytoken-stub listening on (https?://\S+)$`)

// bannerEnd is the banner's last line.
const bannerEnd = "Stop with"

// banner is what the stub printed on start.
type banner struct {
	base    string // e.g. http://127.0.0.1:40311
	session string // the curl session, ready for bash
	text    string
}

// parseBanner reads the address and the curl session out of the stub's
// start-up text.
func parseBanner(text string) banner {
	b := banner{text: text}
	var session strings.Builder
	in := false
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(line, "\n")
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
		if strings.HasPrefix(line, bannerEnd) {
			b.session = session.String()
			break
		}
	}
	return b
}

// readBanner reads the stub's start-up text from r, within wait, and keeps
// draining r afterwards so the stub never blocks on its output.
func readBanner(t *testing.T, r io.Reader) banner {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		var text strings.Builder
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			text.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), bannerEnd) {
				break
			}
		}
		done <- text.String()
		io.Copy(io.Discard, r)
	}()
	select {
	case text := <-done:
		return checkBanner(t, text)
	case <-time.After(wait):
		t.Fatalf("the stub printed nothing within %v", wait)
		return banner{}
	}
}

// procBanner waits for the banner of a running binary.
func procBanner(t *testing.T, p *stubproc.Process) banner {
	t.Helper()
	text, err := p.WaitStdout(bannerEnd, wait)
	if err != nil {
		t.Fatalf("%v:\n%s", err, text)
	}
	return checkBanner(t, text)
}

func checkBanner(t *testing.T, text string) banner {
	t.Helper()
	b := parseBanner(text)
	if b.base == "" || b.session == "" {
		t.Fatalf("the stub printed no address or no curl session:\n%s", b.text)
	}
	return b
}

// runSession runs the printed curl session with bash and returns the
// applyToken answer. Where bash, curl or sed is missing it reports false
// (TestBinary then makes the same two requests in Go), saying so; with
// CI=true, where .ci/run installs them, it fails instead.
func runSession(t *testing.T, session string, env ...string) (map[string]any, bool) {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed, so the banner's curl session cannot be run", tool)
			}
			t.Logf("NOT RUN: %s is not installed, so the banner's curl session is not run; CI=true makes this a failure", tool)
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
	resp, body := plain(t, c, req)
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
