package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// messaging is a stand-in for a later CC-Messaging endpoint: it records
// what each request carried and answers with whatever the test queued.
type messaging struct {
	*httptest.Server
	mu       sync.Mutex
	seen     []seenRequest
	statuses []int             // answered in order; 200 when empty
	rotate   map[int]string    // request number (from 1) → ccmessaging-token header to answer with
	extra    map[string]string // other headers
}

type seenRequest struct {
	token, appKey, auth, body string
}

func newMessaging(t *testing.T, statuses ...int) *messaging {
	m := &messaging{statuses: statuses, rotate: map[int]string{}}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m.mu.Lock()
		m.seen = append(m.seen, seenRequest{
			token:  r.Header.Get("ccmessaging-token"),
			appKey: r.Header.Get("x-app-key"),
			auth:   r.Header.Get("Authorization"),
			body:   string(body),
		})
		n := len(m.seen)
		status := http.StatusOK
		if len(m.statuses) > 0 {
			status, m.statuses = m.statuses[0], m.statuses[1:]
		}
		rotated := m.rotate[n]
		m.mu.Unlock()
		if rotated != "" {
			w.Header().Set("ccmessaging-token", rotated)
		}
		w.WriteHeader(status)
		io.WriteString(w, "answer")
	}))
	t.Cleanup(m.Close)
	return m
}

func (m *messaging) requests() []seenRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]seenRequest(nil), m.seen...)
}

func post(t *testing.T, hc *http.Client, url string, body io.Reader) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestTransportSetsHeadersOnAClone(t *testing.T) {
	u := newUpstream(t)
	m := newMessaging(t)
	tr := &Transport{Source: u.newClient(t).TokenSource(testRequest)}
	req, _ := http.NewRequest(http.MethodPost, m.URL+"/apiaccess/ccmessaging/send", strings.NewReader("hello"))
	req.Header.Set("X-Caller", "kept")
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := m.requests()
	want := seenRequest{token: "mt-1", appKey: testAppKey, auth: "Bearer at-1", body: "hello"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("requests = %+v; want [%+v]", got, want)
	}
	if len(req.Header) != 1 || req.Header.Get("X-Caller") != "kept" {
		t.Errorf("the caller's request was changed: %v", req.Header)
	}
}

func TestTransportRetriesOnceOn401(t *testing.T) {
	u := newUpstream(t)
	m := newMessaging(t, http.StatusUnauthorized)
	hc := &http.Client{Transport: &Transport{Source: u.newClient(t).TokenSource(testRequest)}}
	resp := post(t, hc, m.URL, strings.NewReader("payload"))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d; want 200 after the retry", resp.StatusCode)
	}
	got := m.requests()
	if len(got) != 2 || got[0].token != "mt-1" || got[1].token != "mt-2" || got[1].body != "payload" {
		t.Errorf("requests = %+v; want mt-1 then mt-2, both with the payload", got)
	}
	if a, b := u.akskCalls.Load(), u.applyCalls.Load(); a != 1 || b != 2 {
		t.Errorf("tokenByAkSk, applyToken calls = %d, %d; want 1, 2", a, b)
	}
}

func TestTransportRetriesOnceOn403(t *testing.T) {
	u := newUpstream(t)
	m := newMessaging(t, http.StatusForbidden)
	hc := &http.Client{Transport: &Transport{Source: u.newClient(t).TokenSource(testRequest)}}
	resp := post(t, hc, m.URL, strings.NewReader("payload"))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d; want 200 after the retry", resp.StatusCode)
	}
	got := m.requests()
	if len(got) != 2 || got[0].auth != "Bearer at-1" || got[1].auth != "Bearer at-2" || got[1].token != "mt-1" {
		t.Errorf("requests = %+v; want at-1 then at-2 with the same mt-1", got)
	}
	if a, b := u.akskCalls.Load(), u.applyCalls.Load(); a != 2 || b != 1 {
		t.Errorf("tokenByAkSk, applyToken calls = %d, %d; want 2, 1", a, b)
	}
}

func TestTransportRetriesOnlyOnce(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		u := newUpstream(t)
		m := newMessaging(t, status, status, status)
		hc := &http.Client{Transport: &Transport{Source: u.newClient(t).TokenSource(testRequest)}}
		if resp := post(t, hc, m.URL, nil); resp.StatusCode != status {
			t.Errorf("status = %d; want %d", resp.StatusCode, status)
		}
		if n := len(m.requests()); n != 2 {
			t.Errorf("%d: %d requests; want 2", status, n)
		}
	}
}

// onceReader is a body that cannot be sent twice: http.NewRequest leaves
// GetBody nil for it.
type onceReader struct{ io.Reader }

func TestTransportDoesNotRetryNonReplayableBody(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		u := newUpstream(t)
		m := newMessaging(t, status)
		ts := u.newClient(t).TokenSource(testRequest)
		hc := &http.Client{Transport: &Transport{Source: ts}}
		if resp := post(t, hc, m.URL, onceReader{strings.NewReader("payload")}); resp.StatusCode != status {
			t.Errorf("status = %d; want the %d itself", resp.StatusCode, status)
		}
		if n := len(m.requests()); n != 1 {
			t.Errorf("%d: %d requests; want 1", status, n)
		}
		// The refused credential is still dropped: the next request renews it.
		post(t, hc, m.URL, onceReader{strings.NewReader("next")})
		got := m.requests()[1]
		if status == http.StatusUnauthorized && got.token != "mt-2" {
			t.Errorf("next request after a 401 carried %q; want a new token", got.token)
		}
		if status == http.StatusForbidden && got.auth != "Bearer at-2" {
			t.Errorf("next request after a 403 carried %q; want a new AccessToken", got.auth)
		}
	}
}

func TestTransportTakesUpRotatedToken(t *testing.T) {
	u := newUpstream(t)
	m := newMessaging(t)
	m.rotate[1] = "rotated-1"
	ts := u.newClient(t).TokenSource(testRequest)
	hc := &http.Client{Transport: &Transport{Source: ts}}
	post(t, hc, m.URL, nil)
	post(t, hc, m.URL, nil)
	post(t, hc, m.URL, nil)
	got := m.requests()
	if got[0].token != "mt-1" || got[1].token != "rotated-1" || got[2].token != "rotated-1" {
		t.Errorf("tokens sent = %q, %q, %q; want mt-1, rotated-1, rotated-1", got[0].token, got[1].token, got[2].token)
	}
	if n := u.applyCalls.Load(); n != 1 {
		t.Errorf("applyToken calls = %d; want 1", n)
	}
	tok, err := ts.Token(context.Background())
	if err != nil || tok.Value != "rotated-1" || tok.Result.Token != "rotated-1" || tok.Result.ResultCode != "0" {
		t.Errorf("Token after the rotation = %+v, %v; want rotated-1 in Value and Result", tok, err)
	}
}

func TestTransportErrors(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:1", &closeTracker{Reader: strings.NewReader("x")})
	if _, err := (&Transport{}).RoundTrip(req); err == nil || !strings.Contains(err.Error(), "Source is nil") {
		t.Errorf("RoundTrip with no Source = %v; want an error", err)
	}
	if !req.Body.(*closeTracker).closed.Load() {
		t.Error("request body not closed on error")
	}

	// A failing application reaches the caller as the client's error.
	u := newUpstream(t)
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"token":"","resultCode":"1"}`)
	})
	tr := &Transport{Source: u.newClient(t).TokenSource(testRequest)}
	req, _ = http.NewRequest(http.MethodPost, "http://127.0.0.1:1", &closeTracker{Reader: strings.NewReader("x")})
	var rerr *ResultError
	if _, err := tr.RoundTrip(req); !errors.As(err, &rerr) {
		t.Errorf("RoundTrip = %v; want a *ResultError", err)
	}
	if !req.Body.(*closeTracker).closed.Load() {
		t.Error("request body not closed on error")
	}
}

func TestTransportClosesDiscardedResponse(t *testing.T) {
	u := newUpstream(t)
	base := &recordingTransport{}
	tr := &Transport{Source: u.newClient(t).TokenSource(testRequest), Base: base}
	req, _ := http.NewRequest(http.MethodGet, "http://messaging.invalid/", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(base.bodies) != 2 || !base.bodies[0].closed.Load() || base.bodies[1].closed.Load() {
		t.Errorf("bodies: want the 401's closed and the returned one open")
	}
	resp.Body.Close()
}

type closeTracker struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeTracker) Close() error {
	c.closed.Store(true)
	return nil
}

// recordingTransport answers 401 and then 200 without a network.
type recordingTransport struct {
	bodies []*closeTracker
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	status := http.StatusUnauthorized
	if len(rt.bodies) > 0 {
		status = http.StatusOK
	}
	body := &closeTracker{Reader: strings.NewReader("answer")}
	rt.bodies = append(rt.bodies, body)
	return &http.Response{StatusCode: status, Header: http.Header{}, Body: body, Request: req}, nil
}

func TestTransportRetryFailsWithTheApplicationError(t *testing.T) {
	u := newUpstream(t)
	m := newMessaging(t)
	hc := &http.Client{Transport: &Transport{Source: u.newClient(t).TokenSource(testRequest)}}
	post(t, hc, m.URL, nil) // warm: mt-1
	m.mu.Lock()
	m.statuses = []int{http.StatusUnauthorized}
	m.mu.Unlock()
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"token":"","resultCode":"1","resultDesc":"disabled"}`)
	})
	req, _ := http.NewRequest(http.MethodPost, m.URL, strings.NewReader("x"))
	_, err := hc.Do(req)
	var rerr *ResultError
	if !errors.As(err, &rerr) {
		t.Errorf("Do = %v; want the *ResultError of the re-application", err)
	}
}

// TestTransportConcurrent403sRenewOnce: many requests refused with the same
// AccessToken cause one renewal between them.
func TestTransportConcurrent403sRenewOnce(t *testing.T) {
	u := newUpstream(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer at-1" {
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	defer srv.Close()
	ts := u.newClient(t).TokenSource(testRequest)
	hc := &http.Client{Transport: &Transport{Source: ts}}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			resp, err := hc.Get(srv.URL)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status = %d; want 200", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	if a, b := u.akskCalls.Load(), u.applyCalls.Load(); a != 2 || b != 1 {
		t.Errorf("tokenByAkSk, applyToken calls = %d, %d; want 2, 1", a, b)
	}
}

// TestRotatedTokenLivesFromNow: a token rotated in gets the lifetime of
// its answer from the moment it arrived.
func TestRotatedTokenLivesFromNow(t *testing.T) {
	u := newUpstream(t)
	m := newMessaging(t)
	m.rotate[2] = "rotated-2"
	clock := newFakeClock()
	start := clock.Now()
	ts := u.newClient(t, WithClock(clock.Now)).TokenSource(testRequest)
	hc := &http.Client{Transport: &Transport{Source: ts}}
	post(t, hc, m.URL, nil)
	clock.Advance(10 * time.Minute)
	post(t, hc, m.URL, nil)
	tok, err := ts.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := start.Add(10*time.Minute + time.Hour); tok.Value != "rotated-2" || !tok.Expiry.Equal(want) {
		t.Errorf("Token = %q expiring %v; want rotated-2 expiring %v", tok.Value, tok.Expiry, want)
	}
}

// TestTransportNilHeader: a request with no Header, which http.Client
// never sends but a caller of RoundTrip may, is sent with the credentials
// rather than panicking.
func TestTransportNilHeader(t *testing.T) {
	u := newUpstream(t)
	m := newMessaging(t)
	tr := &Transport{Source: u.newClient(t).TokenSource(testRequest)}
	req, _ := http.NewRequest(http.MethodGet, m.URL, nil)
	req.Header = nil
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := m.requests(); len(got) != 1 || got[0].token != "mt-1" || got[0].appKey != testAppKey || got[0].auth != "Bearer at-1" {
		t.Errorf("requests = %+v; want one with the three credentials", got)
	}
	if req.Header != nil {
		t.Errorf("the caller's request was changed: Header = %v", req.Header)
	}
}

// TestTransportRedirectToAnotherHost: http.Client follows a redirect
// through the Transport; the credentials go with it only to the host (and
// scheme) the chain started on, as net/http keeps Authorization.
func TestTransportRedirectToAnotherHost(t *testing.T) {
	u := newUpstream(t)
	other := newMessaging(t)
	m := newMessaging(t)
	start := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/stolen", http.StatusTemporaryRedirect)
		case "/here":
			http.Redirect(w, r, "/send", http.StatusTemporaryRedirect)
		default:
			m.Config.Handler.ServeHTTP(w, r)
		}
	}))
	defer start.Close()
	hc := &http.Client{Transport: &Transport{Source: u.newClient(t).TokenSource(testRequest)}}

	if resp := post(t, hc, start.URL+"/away", strings.NewReader("x")); resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d; want the other host's 200", resp.StatusCode)
	}
	if got := other.requests(); len(got) != 1 || got[0] != (seenRequest{body: "x"}) {
		t.Errorf("the other host saw %+v; want the body without credentials", got)
	}
	post(t, hc, start.URL+"/here", strings.NewReader("y"))
	want := seenRequest{token: "mt-1", appKey: testAppKey, auth: "Bearer at-1", body: "y"}
	if got := m.requests(); len(got) != 1 || got[0] != want {
		t.Errorf("the same host saw %+v; want [%+v]", got, want)
	}
}
