package main

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/server/servertest"
)

// deadlines is a RoundTripper that records how far off the deadline of
// each request's context was when the request was sent: what bounds the
// call, whether run's context or an http.Client's Timeout (which sets its
// own, sooner deadline on the request).
type deadlines struct {
	next http.RoundTripper
	mu   sync.Mutex
	left map[string]time.Duration // by path; 0 for a request with no deadline
}

func (d *deadlines) RoundTrip(r *http.Request) (*http.Response, error) {
	var left time.Duration
	if dl, ok := r.Context().Deadline(); ok {
		left = time.Until(dl)
	}
	d.mu.Lock()
	d.left[r.URL.Path] = left
	d.mu.Unlock()
	return d.next.RoundTrip(r)
}

// recordDeadlines puts a deadlines in front of http.DefaultTransport, the
// transport of the http.Client the command sends through, until the test
// ends. No test of this package runs in parallel.
func recordDeadlines(t *testing.T) *deadlines {
	t.Helper()
	d := &deadlines{next: http.DefaultTransport, left: map[string]time.Duration{}}
	http.DefaultTransport = d
	t.Cleanup(func() { http.DefaultTransport = d.next })
	return d
}

// TestTimeoutBoundsEachCall: -timeout, not the client package's 30-second
// default per call, is what each call has, above 30s as below it. The
// deadline each request carries shows it without waiting for one to pass.
func TestTimeoutBoundsEachCall(t *testing.T) {
	for _, timeout := range []time.Duration{2 * time.Minute, 5 * time.Second} {
		t.Run(timeout.String(), func(t *testing.T) {
			srv := servertest.New(t)
			d := recordDeadlines(t) // after servertest.New: restored before its Close
			if code, _, stderr := cli(t, srv, nil, sessionArgs(srv, "-timeout", timeout.String())...); code != exitOK {
				t.Fatalf("exit %d; stderr %q", code, stderr)
			}
			if len(d.left) != 2 {
				t.Fatalf("saw requests to %v; want tokenByAkSk and applyToken", d.left)
			}
			for path, left := range d.left {
				if left <= 0 || left > timeout || left < timeout*9/10 {
					t.Errorf("%s was sent with %v left; want about -timeout %v", path, left, timeout)
				}
			}
		})
	}
}

// TestFollowsNoRedirect: the command's own http.Client, like the client
// package's default, does not follow a redirect, so the app secret in the
// tokenByAkSk body never reaches another host.
func TestFollowsNoRedirect(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	srv := servertest.New(t)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect) // 307 resends the body
	}))
	defer redirect.Close()
	args := append([]string{"-base", redirect.URL}, sessionArgs(srv)[2:]...)
	code, stdout, stderr := cli(t, srv, nil, args...)
	if code != exitServer || stdout != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing (stderr %q)", code, stdout, exitServer, stderr)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect was followed: %d requests reached the other host", n)
	}
}
