package contracttests

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/stubproc"
	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server/servertest"
)

// Prism is an independent reading of the spec: its mock answers from the
// spec's examples, and its validating proxy checks a real server's answers.
// It is pinned in peers/package-lock.json and installed by `make peers`.

const specPath = "../openapi/applytoken.yaml"

// TestClientAgainstPrismMock drives the client through every documented
// status of Prism's mock (Prefer: code=N).
func TestClientAgainstPrismMock(t *testing.T) {
	base := startPrism(t, "mock", specPath)
	runClient(t, base, func(cc clientCase) http.RoundTripper {
		prefer := fmt.Sprintf("code=%d", cc.status)
		if cc.example != "" {
			prefer += ", example=" + cc.example
		}
		return preferTransport{path: pathOf(cc.op), prefer: prefer}
	})
}

// TestServerBehindPrismProxy runs the server suite through `prism proxy
// --errors` in front of the in-process stub. Every request the spec allows
// goes through Prism, and no answer may carry an sl-violations header. The
// requests the spec forbids (the suite's negative cases) go straight to
// the stub, since Prism would answer them itself.
func TestServerBehindPrismProxy(t *testing.T) {
	srv := servertest.New(t)
	proxy := startPrism(t, "proxy", "--errors", specPath, srv.URL)
	rt := &proxyRouter{t: t, direct: srv.URL, base: srv.Client().Transport}
	RunServer(t, Target{
		BaseURL: proxy, AppKey: srv.AppKey, AppSecret: srv.AppSecret,
		ChannelID: srv.ChannelID, DisabledChannelID: srv.DisabledChannelID,
		HTTPClient: &http.Client{Transport: rt, Timeout: 10 * time.Second},
		FailNext:   func(op string, status int) error { srv.FailNext(op, status); return nil },
		Advance:    func(d time.Duration) error { srv.Advance(d); return nil },
		PeerURL:    servertest.New(t).URL,
	})
	via, direct := rt.counts()
	t.Logf("through Prism: %d requests, none with sl-violations; straight to the stub: %d", via, direct)
	if via < 20 {
		t.Errorf("only %d requests went through Prism; the proxy check proves little", via)
	}
}

// preferTransport asks Prism's mock for a status on one path.
type preferTransport struct{ path, prefer string }

func (p preferTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == p.path {
		req = req.Clone(req.Context())
		req.Header.Set("Prefer", p.prefer)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// proxyRouter sends spec-valid requests through Prism and checks the
// answers for violations; other requests go to the stub directly.
type proxyRouter struct {
	t      *testing.T
	direct string
	base   http.RoundTripper

	mu          sync.Mutex
	via, bypass int
}

func (p *proxyRouter) counts() (via, direct int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.via, p.bypass
}

func (p *proxyRouter) RoundTrip(req *http.Request) (*http.Response, error) {
	if !p.specValid(req) {
		p.mu.Lock()
		p.bypass++
		p.mu.Unlock()
		u, _ := url.Parse(p.direct)
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host, req.Host = u.Scheme, u.Host, ""
		return p.base.RoundTrip(req)
	}
	p.mu.Lock()
	p.via++
	p.mu.Unlock()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		if v := resp.Header.Get("sl-violations"); v != "" {
			p.t.Errorf("Prism found the stub's answer to %s %s in violation: %s", req.Method, req.URL.Path, v)
		}
	}
	return resp, err
}

// specValid reports whether the spec allows req: a POST to a path of the
// spec whose headers and body validate, credentials present.
func (p *proxyRouter) specValid(req *http.Request) bool {
	op := openapi.OperationAt(req.Method, req.URL.Path)
	if op == nil {
		return false
	}
	// Prism reads the Bearer scheme case-sensitively and answers "bearer
	// <token>" with its own 401; RFC 9110 section 11.1, internal/rules and
	// the stub read it without regard to case. Such a request goes to the
	// stub directly, as the ones the spec forbids do.
	if a := req.Header.Get("Authorization"); a != "" && !strings.HasPrefix(a, "Bearer ") {
		return false
	}
	body, _ := req.GetBody()
	probe := req.Clone(context.Background())
	probe.Body = body
	return openapi.ValidateRequest(op.ID, probe) == nil
}

// startPrism starts prism with args on a free port of 127.0.0.1, waits
// until it answers, and stops it when the test ends. Without the installed
// peers it fails under CI=true and skips loudly otherwise.
func startPrism(t *testing.T, args ...string) string {
	t.Helper()
	bin := filepath.Join("peers", "node_modules", ".bin", "prism")
	if _, err := os.Stat(bin); err != nil {
		msg := "Prism is not installed (run `make peers`, which needs node and npm): the Prism checks did not run"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPED: " + msg)
	}
	port := freePort(t)
	args = append(args, "-h", "127.0.0.1", "-p", port)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	out := &stubproc.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cancel()
		<-exited
		if t.Failed() {
			t.Logf("prism %s output:\n%s", args[0], lastLines(out.String(), 40))
		}
	})
	addr := net.JoinHostPort("127.0.0.1", port)
	deadline := time.After(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return "http://" + addr
		}
		select {
		case <-exited:
			t.Fatalf("prism %s exited before listening on %s:\n%s", args[0], addr, out.String())
		case <-deadline:
			t.Fatalf("prism %s did not listen on %s within 30 s:\n%s", args[0], addr, out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestPrismProxyHasTeeth proves that the proxy check above can fail: an
// answer with resultCode of the wrong type must come back flagged.
func TestPrismProxyHasTeeth(t *testing.T) {
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(`{"token":"t","resultCode":0}`))
	}))
	t.Cleanup(bad.Close)
	proxy := startPrism(t, "proxy", "--errors", specPath, bad.URL)
	hdr := authHeader("demo-app-key", "some-access-token")
	req, _ := http.NewRequest(http.MethodPost, proxy+pathOf(opApplyToken), bytes.NewReader(mustJSON(applyBody("demo-channel"))))
	req.Header = hdr
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if v := resp.Header.Get("sl-violations"); !strings.Contains(v, "resultCode") {
		t.Fatalf("sl-violations %q; want Prism to flag resultCode", v)
	}
}
