package docs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// This file is a small W3C WebDriver client, enough for one page: start
// chromedriver, open a headless session, run scripts, take a screenshot.
// Everything stays on 127.0.0.1.

// driverWait bounds chromedriver's start and every WebDriver call.
const driverWait = 30 * time.Second

// chromedriver is a running chromedriver process.
type chromedriver struct {
	base string // http://127.0.0.1:port
	log  string // its --log-path, shown when something fails
}

var driverPort = regexp.MustCompile(`was started successfully on port (\d+)`)

// startChromedriver runs the driver on a free loopback port; it is
// stopped when t ends.
func startChromedriver(t *testing.T, driver string) *chromedriver {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "chromedriver.log")
	cmd := exec.Command(driver, "--port=0", "--log-path="+logPath)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromedriver: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := driverPort.FindStringSubmatch(sc.Text()); m != nil {
				port <- m[1]
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case p := <-port:
		return &chromedriver{base: "http://127.0.0.1:" + p, log: logPath}
	case <-time.After(driverWait):
		t.Fatalf("chromedriver did not start within %v", driverWait)
		return nil
	}
}

// session is one browser session of the driver.
type session struct {
	d  *chromedriver
	id string
}

// newSession starts browser with args and ends the session when t ends.
func (d *chromedriver) newSession(t *testing.T, browser string, args []string) *session {
	t.Helper()
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName":        "chrome",
		"pageLoadStrategy":   "normal",
		"goog:chromeOptions": map[string]any{"binary": browser, "args": args},
		// The performance log is the list of every request the page made.
		"goog:loggingPrefs": map[string]string{"performance": "ALL"},
	}}}
	var created struct {
		SessionID string `json:"sessionId"`
	}
	if err := d.call(http.MethodPost, "/session", caps, &created); err != nil {
		t.Fatalf("starting %s through chromedriver: %v\n%s", browser, err, d.tail())
	}
	s := &session{d: d, id: created.SessionID}
	t.Cleanup(func() { d.call(http.MethodDelete, "/session/"+s.id, nil, nil) })
	return s
}

// call sends one WebDriver command and decodes its "value" into out.
func (d *chromedriver) call(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), driverWait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, d.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var answer struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return fmt.Errorf("%s %s: %d, unreadable answer: %v", method, path, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error, Message string }
		json.Unmarshal(answer.Value, &e)
		return fmt.Errorf("%s %s: %d %s: %s", method, path, resp.StatusCode, e.Error, e.Message)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(answer.Value, out)
}

// tail is the end of the driver's log, for failure messages.
func (d *chromedriver) tail() string {
	b, _ := os.ReadFile(d.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func (s *session) open(t *testing.T, url string) {
	t.Helper()
	if err := s.d.call(http.MethodPost, "/session/"+s.id+"/url", map[string]string{"url": url}, nil); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// run executes script in the page, with args as its arguments, and
// decodes what it returns into out.
func (s *session) run(t *testing.T, out any, script string, args ...any) {
	t.Helper()
	if args == nil {
		args = []any{}
	}
	if err := s.d.call(http.MethodPost, "/session/"+s.id+"/execute/sync", map[string]any{"script": script, "args": args}, out); err != nil {
		t.Fatalf("script: %v", err)
	}
}

// screenshot returns the viewport as PNG.
func (s *session) screenshot(t *testing.T) []byte {
	t.Helper()
	var b64 string
	if err := s.d.call(http.MethodGet, "/session/"+s.id+"/screenshot", nil, &b64); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	png, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return png
}
