package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server"
)

// The write timeout and the delay of the faults that outlive it, in the
// tests below: the delay is twice the timeout.
const (
	shortWriteTimeout = 200 * time.Millisecond
	longDelay         = 2 * shortWriteTimeout
)

// TestFaultDelayPastWriteTimeout: a fault whose delay outlives
// -write-timeout still gives the answer it promised, after its delay,
// over HTTP/1.1 and HTTP/2: the delay does not count against the write
// timeout. (It used to: the write deadline passed while the stub waited,
// and the client read EOF or a stream reset instead of the answer.)
func TestFaultDelayPastWriteTimeout(t *testing.T) {
	args := []string{"-controls", "-write-timeout", shortWriteTimeout.String()}
	t.Run("HTTP/1.1", func(t *testing.T) {
		s := startRun(t, nil, args...)
		// A connection per request, so that a fault on one never reaches the next.
		delaysPastWriteTimeout(t, &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}, s.banner.base, 1)
	})
	t.Run("HTTP/2", func(t *testing.T) {
		certFile, keyFile, pool := selfSigned(t)
		s := startRun(t, nil, append(args, "-tls-cert", certFile, "-tls-key", keyFile)...)
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
		defer tr.CloseIdleConnections()
		delaysPastWriteTimeout(t, &http.Client{Transport: tr}, s.banner.base, 2)
	})
}

// delaysPastWriteTimeout arms, on the stub at base (started with
// -controls and -write-timeout shortWriteTimeout), each kind of fault
// behind a delay of longDelay, and checks that the answer the fault
// promises comes after the delay, over HTTP/proto.
func delaysPastWriteTimeout(t *testing.T, hc *http.Client, base string, proto int) {
	t.Helper()
	c := *hc
	c.Timeout = wait
	send := func(req *http.Request) (*http.Response, []byte, error, error) {
		resp, err := c.Do(req)
		if err != nil {
			return nil, nil, nil, err
		}
		defer resp.Body.Close()
		body, readErr := io.ReadAll(resp.Body)
		return resp, body, readErr, nil
	}
	login := func() *http.Request {
		return newRequest(t, http.MethodPost, base+openapi.TokenByAkSkPath, http.Header{"Content-Type": {"application/json"}},
			[]byte(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`))
	}
	resp, raw, _, err := send(login())
	var tok struct{ AccessToken string }
	if err != nil || resp.StatusCode != 200 || json.Unmarshal(raw, &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("tokenByAkSk: %v %s", err, raw)
	}
	apply := func() *http.Request {
		return applyRequest(t, base, tok.AccessToken, applyBody("user-0001", "demo-channel"))
	}
	laterCall := func() *http.Request {
		m := map[string]any{}
		resp, raw, _, err := send(apply())
		if err != nil || resp.StatusCode != 200 || json.Unmarshal(raw, &m) != nil {
			t.Fatalf("applyToken: %v %s", err, raw)
		}
		return newRequest(t, http.MethodPost, base+server.LaterCallPath, http.Header{
			"X-App-Key": {"demo-app-key"}, "Authorization": {"Bearer " + tok.AccessToken}, "Ccmessaging-Token": {m["token"].(string)},
		}, []byte(`{"content":"hello"}`))
	}
	inContract := func(status int, want string) func(*testing.T, *http.Request, *http.Response, []byte, error) {
		return func(t *testing.T, req *http.Request, resp *http.Response, body []byte, readErr error) {
			if resp.StatusCode != status || readErr != nil || !strings.Contains(string(body), want) {
				t.Errorf("%d %q, %v; want %d with %q", resp.StatusCode, body, readErr, status, want)
			}
			if req.URL.Path != server.LaterCallPath {
				spectest.Check(t, req, resp, body)
			}
		}
	}
	for _, tc := range []struct {
		fault string
		req   func() *http.Request
		check func(*testing.T, *http.Request, *http.Response, []byte, error)
	}{
		{`{"op":"tokenByAkSk","delay":"%s"}`, login, inContract(200, `"AccessToken"`)},
		{`{"op":"applyToken","delay":"%s"}`, apply, inContract(200, `"resultCode":"0"`)},
		{`{"op":"applyToken","delay":"%s","status":500}`, apply, inContract(500, `"errorCode"`)},
		{`{"op":"laterCall","delay":"%s","status":403}`, laterCall, inContract(403, `"errorCode"`)},
		{`{"op":"applyToken","delay":"%s","fault":"malformed"}`, apply, func(t *testing.T, _ *http.Request, resp *http.Response, body []byte, readErr error) {
			if resp.StatusCode != 200 || readErr != nil || !bytes.HasPrefix(body, []byte("not JSON")) {
				t.Errorf("%d %q, %v; want 200 with a body that is not JSON", resp.StatusCode, body, readErr)
			}
		}},
		{`{"op":"applyToken","delay":"%s","fault":"truncate"}`, apply, func(t *testing.T, _ *http.Request, resp *http.Response, body []byte, readErr error) {
			if resp.StatusCode != 200 || readErr == nil || len(body) == 0 || resp.ContentLength <= int64(len(body)) {
				t.Errorf("%d, %d of %d bytes, %v; want 200 and a body cut short", resp.StatusCode, len(body), resp.ContentLength, readErr)
			}
		}},
	} {
		fault := strings.Replace(tc.fault, "%s", longDelay.String(), 1)
		req := tc.req()
		arm(t, hc, base, fault)
		start := time.Now()
		resp, body, readErr, err := send(req)
		took := time.Since(start)
		if err != nil {
			t.Errorf("%s with -write-timeout %v: no answer after %v: %v", fault, shortWriteTimeout, took.Round(time.Millisecond), err)
			continue
		}
		t.Logf("%s: HTTP/%d %d after %v", fault, resp.ProtoMajor, resp.StatusCode, took.Round(time.Millisecond))
		if took < longDelay || resp.ProtoMajor != proto {
			t.Errorf("%s: HTTP/%d after %v; want HTTP/%d after %v or more", fault, resp.ProtoMajor, took, proto, longDelay)
		}
		t.Run(fault, func(t *testing.T) { tc.check(t, req, resp, body, readErr) })
	}

	// The one delay refused is one out of bounds, whatever the timeout,
	// and the control says why.
	for _, tc := range []struct{ delay, want string }{
		{"5m0.001s", "delay 5m0.001s is outside 0s to 5m0s"},
		{"-1ms", "delay -1ms is outside 0s to 5m0s"},
	} {
		body := `{"op":"applyToken","delay":"` + tc.delay + `","status":500}`
		resp, raw := plain(t, hc, newRequest(t, http.MethodPost, base+"/_stub/fail-next", nil, []byte(body)))
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(raw), tc.want) {
			t.Errorf("fail-next %s: %d %s; want 400 saying %q", body, resp.StatusCode, raw, tc.want)
		}
	}
	if resp, raw, readErr, err := send(apply()); err != nil || readErr != nil || resp.StatusCode != 200 {
		t.Errorf("after the refused delays: %v %v %s; want 200, nothing armed", err, readErr, raw)
	}
}

// delaysPastWriteTimeoutOverTheBinary is TestFaultDelayPastWriteTimeout's
// HTTP/1.1 half against the built binary (TestBinaryFaults).
func delaysPastWriteTimeoutOverTheBinary(t *testing.T, bin string) {
	p := startStub(t, bin, "-addr", "127.0.0.1:0", "-controls", "-write-timeout", shortWriteTimeout.String())
	delaysPastWriteTimeout(t, &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}, p.base, 1)
}
