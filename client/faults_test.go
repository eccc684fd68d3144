package client_test

// The client under each fault the stub can inject (servertest's Inject):
// each call gives a typed error within the http.Client's timeout, leaves
// no goroutine behind, client's or stub's, and the next call succeeds.

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/client"
	"github.com/aicc-kit/applytoken/server"
	"github.com/aicc-kit/applytoken/server/servertest"
)

// faultTimeout is the client's http.Client timeout in these tests.
const faultTimeout = 500 * time.Millisecond

// steady closes tr's idle connections and returns the number of
// goroutines once it has stopped falling: the baseline of settled.
func steady(tr *http.Transport) int {
	tr.CloseIdleConnections()
	n := runtime.NumGoroutine()
	for range 100 {
		time.Sleep(20 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			break
		}
		n = m
	}
	return n
}

// settled waits until no more goroutines run than base, closing the idle
// connections of tr meanwhile, and fails t with the stacks if that never
// comes within a few seconds.
func settled(t *testing.T, base int, tr *http.Transport) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		tr.CloseIdleConnections()
		n := runtime.NumGoroutine()
		if n <= base {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines, %d before the fault:\n%s", n, base, buf[:runtime.Stack(buf, true)])
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// faultRig is a stub, a client of it with its own transport and a short
// timeout, and a Transport for later calls on the same.
type faultRig struct {
	srv *servertest.Server
	tr  *http.Transport
	c   *client.Client
	ts  *client.MessagingTokenSource
	hc  *http.Client // later calls, through client.Transport
}

func newFaultRig(t *testing.T) *faultRig {
	t.Helper()
	srv := servertest.New(t)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := client.New(srv.URL,
		client.WithCredentials(srv.AppKey, srv.AppSecret),
		client.WithHTTPClient(&http.Client{Timeout: faultTimeout, Transport: tr}),
		client.WithClock(srv.Now))
	if err != nil {
		t.Fatal(err)
	}
	ts := c.TokenSource(session(srv))
	return &faultRig{srv, tr, c, ts, &http.Client{Timeout: faultTimeout, Transport: &client.Transport{Source: ts, Base: tr}}}
}

// later makes a later call through the Transport and reads its answer.
func (r *faultRig) later() (int, []byte, error) {
	resp, err := r.hc.Post(r.srv.LaterCallURL, "application/json", strings.NewReader(`{"content":"hello"}`))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func apiError(err error, status int) bool {
	var ae *client.APIError
	return errors.As(err, &ae) && ae.StatusCode == status
}

func TestFaultsApplyToken(t *testing.T) {
	for _, tc := range []struct {
		name  string
		op    string
		fault server.Fault
		want  func(error) bool
	}{
		{"500", opApplyToken, server.Fault{Status: 500}, func(err error) bool { return errors.Is(err, client.ErrServer) && apiError(err, 500) }},
		{"delay then 500", opApplyToken, server.Fault{Delay: faultTimeout / 2, Status: 500}, func(err error) bool { return apiError(err, 500) }},
		{"delay past the timeout", opApplyToken, server.Fault{Delay: 30 * faultTimeout}, isTimeout},
		{"delay past the timeout, AccessToken", opTokenByAkSk, server.Fault{Delay: 30 * faultTimeout}, isTimeout},
		{"reset", opApplyToken, server.Fault{Kind: server.FaultReset}, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }},
		{"reset, AccessToken", opTokenByAkSk, server.Fault{Kind: server.FaultReset}, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }},
		{"truncate", opApplyToken, server.Fault{Kind: server.FaultTruncate}, func(err error) bool {
			return apiError(err, 200) && errors.Is(err, io.ErrUnexpectedEOF)
		}},
		{"malformed", opApplyToken, server.Fault{Kind: server.FaultMalformed}, func(err error) bool {
			return apiError(err, 200) && strings.Contains(err.Error(), "malformed body")
		}},
		{"malformed, AccessToken", opTokenByAkSk, server.Fault{Kind: server.FaultMalformed}, func(err error) bool {
			return apiError(err, 200) && strings.Contains(err.Error(), "malformed body")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newFaultRig(t)
			ctx := context.Background()
			if tc.op == opApplyToken {
				if _, err := r.c.ApplyToken(ctx, session(r.srv)); err != nil { // the AccessToken is cached
					t.Fatal(err)
				}
			}
			base := steady(r.tr)
			r.srv.Inject(tc.op, tc.fault)
			start := time.Now()
			_, err := r.c.ApplyToken(ctx, session(r.srv))
			took := time.Since(start)
			t.Logf("%v on %s: after %v: %v", tc.fault, tc.op, took.Round(time.Millisecond), err)
			if !tc.want(err) {
				t.Errorf("%v: %v (%T); want the typed error", tc.fault, err, err)
			}
			if took > faultTimeout+250*time.Millisecond {
				t.Errorf("%v: the error took %v; the timeout is %v", tc.fault, took, faultTimeout)
			}
			settled(t, base, r.tr)
			if _, err := r.c.ApplyToken(ctx, session(r.srv)); err != nil {
				t.Errorf("the next call: %v", err)
			}
		})
	}
}

// TestFaultsLaterCall: faults of the later call itself, and of the token
// calls the Transport makes on its way.
func TestFaultsLaterCall(t *testing.T) {
	for _, tc := range []struct {
		name  string
		op    string
		fault server.Fault
		// want checks what the caller of the later call got.
		want func(status int, body []byte, err error) bool
	}{
		{"500", "laterCall", server.Fault{Status: 500}, func(s int, _ []byte, err error) bool { return err == nil && s == 500 }},
		{"401, retried", "laterCall", server.Fault{Status: 401}, func(s int, _ []byte, err error) bool { return err == nil && s == 200 }},
		{"403, retried", "laterCall", server.Fault{Status: 403}, func(s int, _ []byte, err error) bool { return err == nil && s == 200 }},
		{"delay past the timeout", "laterCall", server.Fault{Delay: 30 * faultTimeout}, func(_ int, _ []byte, err error) bool { return isTimeout(err) }},
		{"reset", "laterCall", server.Fault{Kind: server.FaultReset}, func(_ int, _ []byte, err error) bool {
			return errors.Is(err, syscall.ECONNRESET)
		}},
		{"truncate", "laterCall", server.Fault{Kind: server.FaultTruncate}, func(s int, _ []byte, err error) bool {
			return s == 200 && errors.Is(err, io.ErrUnexpectedEOF)
		}},
		{"malformed", "laterCall", server.Fault{Kind: server.FaultMalformed}, func(s int, body []byte, err error) bool {
			return s == 200 && err == nil && !strings.HasPrefix(string(body), "{")
		}},
		// 401 first, then the Transport's applyToken meets the fault.
		{"re-apply reset", opApplyToken, server.Fault{Kind: server.FaultReset}, func(_ int, _ []byte, err error) bool {
			return errors.Is(err, syscall.ECONNRESET)
		}},
		{"re-apply 500", opApplyToken, server.Fault{Status: 500}, func(_ int, _ []byte, err error) bool {
			return errors.Is(err, client.ErrServer)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newFaultRig(t)
			if status, _, err := r.later(); err != nil || status != 200 {
				t.Fatalf("the first later call: %d %v", status, err)
			}
			base := steady(r.tr)
			if tc.op != "laterCall" {
				r.srv.FailNext("laterCall", 401) // the Transport applies again
			}
			r.srv.Inject(tc.op, tc.fault)
			start := time.Now()
			status, body, err := r.later()
			took := time.Since(start)
			t.Logf("%v on %s: after %v: status %d, %v", tc.fault, tc.op, took.Round(time.Millisecond), status, err)
			if !tc.want(status, body, err) {
				t.Errorf("%v: status %d, %q, %v; want what the test names", tc.fault, status, body, err)
			}
			if took > faultTimeout+250*time.Millisecond {
				t.Errorf("%v: the answer took %v; the timeout is %v", tc.fault, took, faultTimeout)
			}
			settled(t, base, r.tr)
			if status, _, err := r.later(); err != nil || status != 200 {
				t.Errorf("the next later call: %d %v", status, err)
			}
		})
	}
}
