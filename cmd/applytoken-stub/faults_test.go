package main

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/client"
	"github.com/aicc-kit/applytoken/internal/stubproc"
	"github.com/aicc-kit/applytoken/server"
)

// plain sends req through hc (nil: a plain client) and reads the answer,
// without holding it to the contract, which has neither the controls nor
// the later call.
func plain(t *testing.T, hc *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	if hc == nil {
		hc = &http.Client{}
	}
	c := *hc
	c.Timeout = wait
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return resp, body
}

// arm posts body to the fail-next control of the stub at base, through
// hc (nil: a plain client).
func arm(t *testing.T, hc *http.Client, base, body string) {
	t.Helper()
	resp, raw := plain(t, hc, newRequest(t, http.MethodPost, base+"/_stub/fail-next", nil, []byte(body)))
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("fail-next %s: %d %s", body, resp.StatusCode, raw)
	}
}

// TestFailNextControl: the control takes the faults, and refuses with
// the reason what the stub would refuse.
func TestFailNextControl(t *testing.T) {
	stub, ctl, err := newStub(server.DefaultConfig(), true)
	if err != nil {
		t.Fatal(err)
	}
	h := routes(stub, ctl)
	post := func(path, body string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader(body)))
		return rec.Code, rec.Body.String()
	}
	for _, body := range []string{
		`{"op":"applyToken","status":500}`,
		`{"op":"applyToken","delay":"1.5s"}`,
		`{"op":"applyToken","delay":"5m"}`, // past -write-timeout: the delay is not counted against it
		`{"op":"applyToken","delay":"20ms","status":401}`,
		`{"op":"tokenByAkSk","fault":"reset"}`,
		`{"op":"applyToken","delay":"1ms","fault":"truncate"}`,
		`{"op":"laterCall","fault":"malformed"}`,
		`{"op":"laterCall","status":403}`,
	} {
		if status, raw := post("/_stub/fail-next", body); status != http.StatusNoContent {
			t.Errorf("%s: %d %s; want 204", body, status, raw)
		}
	}
	for _, tc := range []struct{ body, reason string }{
		{`{"op":"applyToken","fault":"slow"}`, `unknown fault \"slow\"; want reset, truncate or malformed`},
		{`{"op":"applyToken","delay":"soon"}`, `delay \"soon\" is not a duration such as 1.5s`},
		{`{"op":"applyToken","delay":"-1s","status":500}`, "delay -1s is outside 0s to 5m0s"},
		{`{"op":"applyToken","delay":"1h"}`, "delay 1h0m0s is outside 0s to 5m0s"},
		{`{"op":"applyToken","status":418}`, "documents no error status 418"},
		{`{"op":"laterCall","status":400}`, "laterCall: documents no error status 400; it documents [200 401 403 500]"},
		{`{"op":"applyToken","status":500,"fault":"reset"}`, "give one of them"},
		{`{"op":"applyToken"}`, "an empty fault"},
		{`{"op":"applyToken","delay":1500}`, "cannot unmarshal number"},
	} {
		status, raw := post("/_stub/fail-next", tc.body)
		if status != http.StatusBadRequest || !strings.Contains(raw, tc.reason) || !strings.Contains(raw, `"errorCode":"invalid_request"`) {
			t.Errorf("%s: %d %s; want 400 saying %q", tc.body, status, raw, tc.reason)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, server.LaterCallPath, nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET %s: %d, Allow %q", server.LaterCallPath, rec.Code, rec.Header().Get("Allow"))
	}
	rec = httptest.NewRecorder()
	routes(stub, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, server.LaterCallPath, nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("%s without -controls: %d; want the stub's 404", server.LaterCallPath, rec.Code)
	}
}

// TestBinaryFaults runs the built binary with -controls: each fault and
// each answer of the later-call stand-in over real HTTP, with what the
// client package sees of it and when. Its log lines are the issue's
// "must show".
func TestBinaryFaults(t *testing.T) {
	bin := stubproc.Build(t)
	t.Run("faults", func(t *testing.T) { faultsOverTheBinary(t, bin) })
	t.Run("later call", func(t *testing.T) { laterCallOverTheBinary(t, bin) })
	t.Run("HTTP/2", func(t *testing.T) { faultsOverHTTP2(t, bin) })
	t.Run("delay past -write-timeout", func(t *testing.T) { delaysPastWriteTimeoutOverTheBinary(t, bin) })
}

// faultsOverTheBinary arms each fault and shows what the client sees of
// it, with its timing, and that the next call recovers.
func faultsOverTheBinary(t *testing.T, bin string) {
	p := startStub(t, bin, "-addr", "127.0.0.1:0", "-controls")
	const timeout = time.Second
	c, err := client.New(p.base, client.WithCredentials("demo-app-key", "demo-app-secret"),
		client.WithHTTPClient(&http.Client{Timeout: timeout}))
	if err != nil {
		t.Fatal(err)
	}
	req := client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "demo-channel", Locale: "en"}
	ctx := context.Background()
	if _, err := c.ApplyToken(ctx, req); err != nil { // the AccessToken is cached from here on
		t.Fatal(err)
	}
	for _, tc := range []struct {
		fault    string
		min, max time.Duration
		check    func(error) bool
	}{
		{`{"op":"applyToken","delay":"500ms"}`, 500 * time.Millisecond, timeout, func(err error) bool { return err == nil }},
		{`{"op":"applyToken","delay":"500ms","status":500}`, 500 * time.Millisecond, timeout, func(err error) bool {
			return errors.Is(err, client.ErrServer)
		}},
		{`{"op":"applyToken","delay":"1.5s"}`, timeout, timeout + 500*time.Millisecond, func(err error) bool {
			var ne net.Error
			return errors.As(err, &ne) && ne.Timeout()
		}},
		{`{"op":"applyToken","fault":"reset"}`, 0, timeout, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }},
		{`{"op":"applyToken","fault":"truncate"}`, 0, timeout, func(err error) bool {
			var ae *client.APIError
			return errors.As(err, &ae) && ae.StatusCode == 200 && errors.Is(err, io.ErrUnexpectedEOF)
		}},
		{`{"op":"applyToken","fault":"malformed"}`, 0, timeout, func(err error) bool {
			var ae *client.APIError
			return errors.As(err, &ae) && ae.StatusCode == 200 && strings.Contains(err.Error(), "malformed body")
		}},
	} {
		arm(t, nil, p.base, tc.fault)
		start := time.Now()
		_, err := c.ApplyToken(ctx, req)
		took := time.Since(start)
		t.Logf("%s: after %v: %v", tc.fault, took.Round(time.Millisecond), errOrOK(err))
		if !tc.check(err) || took < tc.min || took > tc.max {
			t.Errorf("%s: %v after %v; want the error shown within %v to %v", tc.fault, err, took, tc.min, tc.max)
		}
		if _, err := c.ApplyToken(ctx, req); err != nil {
			t.Errorf("%s: the next call: %v", tc.fault, err)
		}
	}
}

func errOrOK(err error) string {
	if err == nil {
		return "a token"
	}
	return err.Error()
}

// laterCallOverTheBinary: each answer of the stand-in, and a client's
// Transport taking the rotated token. The stub's ccmessaging-tokens live
// 4 minutes here, under the 5-minute window, so every later call renews
// the token.
func laterCallOverTheBinary(t *testing.T, bin string) {
	cfg := filepath.Join(t.TempDir(), "stub.yaml")
	os.WriteFile(cfg, []byte("messagingTokenLifetime: 4m\n"), 0o600)
	p := startStub(t, bin, "-addr", "127.0.0.1:0", "-controls", "-config", cfg)
	access := accessToken(t, p.base)
	m := applyToken(t, p.base, access, applyBody("user-0001", "demo-channel"), 200)
	messaging, _ := m["token"].(string)
	call := func(appKey, auth, token string) (*http.Response, string) {
		h := http.Header{}
		for k, v := range map[string]string{"x-app-key": appKey, "Authorization": auth, "ccmessaging-token": token} {
			if v != "" {
				h.Set(k, v)
			}
		}
		resp, raw := plain(t, nil, newRequest(t, http.MethodPost, p.base+server.LaterCallPath, h, []byte(`{"content":"hello"}`)))
		return resp, string(raw)
	}
	for _, tc := range []struct {
		name                string
		appKey, auth, token string
		status              int
	}{
		{"all three", "demo-app-key", "Bearer " + access, messaging, 200},
		{"no credentials", "", "", messaging, 401},
		{"forged AccessToken", "demo-app-key", "Bearer forged", messaging, 403},
		{"no ccmessaging-token", "demo-app-key", "Bearer " + access, "", 401},
		{"forged ccmessaging-token", "demo-app-key", "Bearer " + access, "forged", 401},
		{"the AccessToken as the ccmessaging-token", "demo-app-key", "Bearer " + access, access, 401},
	} {
		start := time.Now()
		resp, body := call(tc.appKey, tc.auth, tc.token)
		rotated := resp.Header.Get("ccmessaging-token")
		t.Logf("%s: %d in %v, WWW-Authenticate %q, new ccmessaging-token %v: %s", tc.name, resp.StatusCode,
			time.Since(start).Round(time.Millisecond), resp.Header.Get("WWW-Authenticate"), rotated != "", strings.TrimSpace(body))
		if resp.StatusCode != tc.status || (tc.status == 200) != (rotated != "") {
			t.Errorf("%s: %d, new token %q; want %d, and a new token with a 200 only", tc.name, resp.StatusCode, rotated, tc.status)
		}
		if tc.status == 401 && resp.Header.Get("WWW-Authenticate") != "Bearer" {
			t.Errorf("%s: no WWW-Authenticate: Bearer", tc.name)
		}
	}
	arm(t, nil, p.base, `{"op":"laterCall","status":500}`)
	if resp, body := call("demo-app-key", "Bearer "+access, messaging); resp.StatusCode != 500 {
		t.Errorf("fail-next laterCall 500: %d %s", resp.StatusCode, body)
	} else {
		t.Logf("fail-next laterCall 500: %d %s", resp.StatusCode, strings.TrimSpace(body))
	}

	// The client's Transport sends the three headers and takes the new
	// token from the answer.
	c, err := client.New(p.base, client.WithCredentials("demo-app-key", "demo-app-secret"), client.WithRefreshMargin(0))
	if err != nil {
		t.Fatal(err)
	}
	ts := c.TokenSource(client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "demo-channel", Locale: "en"})
	first, err := ts.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &client.Transport{Source: ts}}
	resp, err := hc.Post(p.base+server.LaterCallPath, "application/json", strings.NewReader(`{"content":"hello"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	next, _ := ts.Token(context.Background())
	if resp.StatusCode != 200 || next.Value == first.Value || next.Value != resp.Header.Get("ccmessaging-token") {
		t.Errorf("Transport: %d; the source holds the rotated token: %v", resp.StatusCode, next.Value == resp.Header.Get("ccmessaging-token"))
	}
}

// faultsOverHTTP2: with -tls-cert the binary speaks HTTP/2, which cannot
// hijack: reset and truncate reset the stream (RST_STREAM,
// INTERNAL_ERROR), and the connection carries on.
func faultsOverHTTP2(t *testing.T, bin string) {
	certFile, keyFile, pool := selfSigned(t)
	p := startStub(t, bin, "-addr", "127.0.0.1:0", "-controls", "-tls-cert", certFile, "-tls-key", keyFile)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Timeout: 5 * time.Second, Transport: tr}
	c, err := client.New(p.base, client.WithCredentials("demo-app-key", "demo-app-secret"), client.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	req := client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "demo-channel", Locale: "en"}
	if _, err := c.ApplyToken(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	for _, fault := range []string{"reset", "truncate"} {
		arm(t, hc, p.base, `{"op":"applyToken","fault":"`+fault+`"}`)
		_, err := c.ApplyToken(context.Background(), req)
		t.Logf("%s over HTTP/2: %v", fault, err)
		if err == nil || !strings.Contains(err.Error(), "INTERNAL_ERROR") {
			t.Errorf("%s over HTTP/2: %v; want the stream reset", fault, err)
		}
	}
	resp, err := hc.Get(p.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Errorf("HTTP/%d; want 2", resp.ProtoMajor)
	}
	if _, err := c.ApplyToken(context.Background(), req); err != nil {
		t.Errorf("after the faults: %v", err)
	}
}
