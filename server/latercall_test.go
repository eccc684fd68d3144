package server

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/openapi"
)

// laterHarness is a harness with the later-call stand-in served beside
// the stub.
type laterHarness struct {
	*harness
	later *httptest.Server
}

func newLaterHarness(t *testing.T, edit ...func(*Config)) *laterHarness {
	h := newHarness(t, edit...)
	later := httptest.NewServer(h.stub.LaterCall())
	t.Cleanup(later.Close)
	return &laterHarness{h, later}
}

// call sends a later call with the given headers (a value of "" leaves
// the header out) and returns the answer and its body.
func (h *laterHarness) call(appKey, authorization, messaging string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.later.URL+LaterCallPath, strings.NewReader(`{"content":"hello"}`))
	if err != nil {
		h.t.Fatal(err)
	}
	for name, v := range map[string]string{contract.SchemeAppKey.Name: appKey, "Authorization": authorization, contract.SchemeMessagingToken.Name: messaging} {
		if v != "" {
			req.Header.Set(name, v)
		}
	}
	resp, err := faultClient(10 * time.Second).Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp, string(body)
}

// session is an AccessToken and a ccmessaging-token of the demo app.
func (h *laterHarness) session() (access, messaging string) {
	access = h.accessToken(demoKey, demoSecret)
	return access, h.messagingToken(access)
}

func TestLaterCallAnswers(t *testing.T) {
	h := newLaterHarness(t)
	access, messaging := h.session()
	otherAccess := h.accessToken(otherKey, otherSecret)
	wantBody := func(status int) string {
		return string(documentedOf(laterCall()).answers[status].body)
	}
	for _, tc := range []struct {
		name                    string
		appKey, auth, messaging string
		status                  int
	}{
		{"all three", demoKey, "Bearer " + access, messaging, 200},
		{"no x-app-key", "", "Bearer " + access, messaging, 401},
		{"no Authorization", demoKey, "", messaging, 401},
		{"Authorization not Bearer", demoKey, "Basic " + access, messaging, 401},
		{"unknown app key", "no-such-app", "Bearer " + access, messaging, 401},
		{"forged AccessToken", demoKey, "Bearer forged", messaging, 403},
		{"another app's AccessToken", demoKey, "Bearer " + otherAccess, messaging, 403},
		{"a ccmessaging-token as the AccessToken", demoKey, "Bearer " + messaging, messaging, 403},
		{"no ccmessaging-token", demoKey, "Bearer " + access, "", 401},
		{"forged ccmessaging-token", demoKey, "Bearer " + access, "forged", 401},
		{"ccmessaging-token one character off", demoKey, "Bearer " + access, flip(messaging), 401},
		{"the AccessToken as the ccmessaging-token", demoKey, "Bearer " + access, access, 401},
		{"another app's ccmessaging-token", otherKey, "Bearer " + otherAccess, messaging, 401},
		// The order: credentials, then the AccessToken, then the token.
		{"forged AccessToken and ccmessaging-token", demoKey, "Bearer forged", "forged", 403},
		{"no x-app-key, both forged", "", "Bearer forged", "forged", 401},
	} {
		resp, body := h.call(tc.appKey, tc.auth, tc.messaging)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s; want %d", tc.name, resp.StatusCode, body, tc.status)
			continue
		}
		switch tc.status {
		case 200:
			if body != laterCallBody || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Ccmessaging-Token") != "" {
				t.Errorf("%s: %q, Cache-Control %q, ccmessaging-token %q; want the stand-in's body, no-store and no new token an hour from expiry",
					tc.name, body, resp.Header.Get("Cache-Control"), resp.Header.Get("Ccmessaging-Token"))
			}
		case 401:
			if body != wantBody(401) || resp.Header.Get("WWW-Authenticate") != "Bearer" {
				t.Errorf("%s: %q, WWW-Authenticate %q; want applyToken's 401", tc.name, body, resp.Header.Get("WWW-Authenticate"))
			}
		case 403:
			if code, info := readError(t, []byte(body)); code != "invalid_token" || !strings.Contains(info, "illegal or expired token") {
				t.Errorf("%s: %q; want the vendor's 403", tc.name, body)
			}
		}
		if strings.Contains(body, "forged") || (messaging != "" && strings.Contains(body, messaging)) {
			t.Errorf("%s: the answer repeats what was sent: %s", tc.name, body)
		}
	}
	if body, want := wantBody(401), string(documentedOf(contract.ApplyToken).answers[401].body); body != want {
		t.Errorf("the later call's 401 is %q; want applyToken's %q", body, want)
	}
}

// TestLaterCallExpiry: an expired AccessToken is a 403, an expired
// ccmessaging-token a 401.
func TestLaterCallExpiry(t *testing.T) {
	h := newLaterHarness(t)
	access, messaging := h.session()
	h.clock.Advance(600 * time.Second) // the AccessToken's default lifetime
	if resp, body := h.call(demoKey, "Bearer "+access, messaging); resp.StatusCode != 403 {
		t.Errorf("expired AccessToken: %d %s; want 403", resp.StatusCode, body)
	}
	fresh := h.accessToken(demoKey, demoSecret)
	if resp, body := h.call(demoKey, "Bearer "+fresh, messaging); resp.StatusCode != 200 {
		t.Errorf("renewed AccessToken: %d %s; want 200", resp.StatusCode, body)
	}
	h.clock.Advance(time.Hour - 600*time.Second) // the ccmessaging-token's hour
	fresh = h.accessToken(demoKey, demoSecret)
	if resp, body := h.call(demoKey, "Bearer "+fresh, messaging); resp.StatusCode != 401 {
		t.Errorf("expired ccmessaging-token: %d %s; want 401", resp.StatusCode, body)
	}
}

// TestLaterCallRotation: in the token's last 5 minutes a 200 carries a new
// token; the old one stays valid to its expiry, the new one for a whole
// lifetime from the call.
func TestLaterCallRotation(t *testing.T) {
	h := newLaterHarness(t)
	access, messaging := h.session()
	h.clock.Advance(time.Hour - 5*time.Minute - time.Second) // 5m1s left
	access = h.accessToken(demoKey, demoSecret)
	if resp, _ := h.call(demoKey, "Bearer "+access, messaging); resp.StatusCode != 200 || resp.Header.Get("Ccmessaging-Token") != "" {
		t.Fatalf("5m1s before expiry: %d, ccmessaging-token %q; want 200 and no new token", resp.StatusCode, resp.Header.Get("Ccmessaging-Token"))
	}
	h.clock.Advance(2 * time.Second) // 4m59s left
	resp, _ := h.call(demoKey, "Bearer "+access, messaging)
	rotated := resp.Header.Get("Ccmessaging-Token")
	if resp.StatusCode != 200 || rotated == "" || rotated == messaging {
		t.Fatalf("4m59s before expiry: %d, ccmessaging-token %q; want 200 and a new token", resp.StatusCode, rotated)
	}
	if len(resp.Header.Values("Ccmessaging-Token")) != 1 {
		t.Errorf("ccmessaging-token sent %d times", len(resp.Header.Values("Ccmessaging-Token")))
	}
	now := h.clock.Now()
	exp, err := h.stub.vendor.signer.expiry(purposeMessaging, demoKey, rotated, now)
	if err != nil || !exp.Equal(now.Add(time.Hour)) {
		t.Errorf("the rotated token: expiry %v, %v; want an hour from the call, %v", exp, err, now.Add(time.Hour))
	}
	// Same subject: applyToken's token and the rotated one differ only in
	// expiry, nonce and signature.
	if a, b := decodeToken(t, messaging), decodeToken(t, rotated); string(a[headerLen:len(a)-macLen]) != string(b[headerLen:len(b)-macLen]) {
		t.Error("the rotated token is for another app key or subject")
	}
	if resp, _ := h.call(demoKey, "Bearer "+access, messaging); resp.StatusCode != 200 {
		t.Errorf("the old token after rotation: %d; want 200 until its expiry", resp.StatusCode)
	}
	h.clock.Advance(5 * time.Minute)
	access = h.accessToken(demoKey, demoSecret)
	if resp, _ := h.call(demoKey, "Bearer "+access, messaging); resp.StatusCode != 401 {
		t.Errorf("the old token past its expiry: %d; want 401", resp.StatusCode)
	}
	if resp, _ := h.call(demoKey, "Bearer "+access, rotated); resp.StatusCode != 200 || resp.Header.Get("Ccmessaging-Token") != "" {
		t.Errorf("the rotated token: %d, ccmessaging-token %q; want 200, no new token", resp.StatusCode, resp.Header.Get("Ccmessaging-Token"))
	}
}

// TestLaterCallRotateEdges: the window is the token's last
// MessagingTokenRotateBefore, its first instant included; so a window as
// long as the lifetime rotates on every call, even one made at the instant
// the token was issued (the clock here stands still until moved).
func TestLaterCallRotateEdges(t *testing.T) {
	cfg := DefaultConfig()
	h := newLaterHarness(t)
	access, messaging := h.session()
	h.clock.Advance(cfg.MessagingTokenLifetime - cfg.MessagingTokenRotateBefore) // exactly the window left
	access = h.accessToken(demoKey, demoSecret)
	if resp, _ := h.call(demoKey, "Bearer "+access, messaging); resp.StatusCode != 200 || resp.Header.Get("Ccmessaging-Token") == "" {
		t.Errorf("exactly %v before expiry: %d, no new token; want 200 and a new one", cfg.MessagingTokenRotateBefore, resp.StatusCode)
	}

	h = newLaterHarness(t, func(c *Config) { c.MessagingTokenRotateBefore = c.MessagingTokenLifetime })
	access, messaging = h.session()
	if resp, _ := h.call(demoKey, "Bearer "+access, messaging); resp.StatusCode != 200 || resp.Header.Get("Ccmessaging-Token") == "" {
		t.Errorf("a window as long as the lifetime, called at once: %d, no new token; want 200 and a new one", resp.StatusCode)
	}
}

// TestLaterCallRotateBefore: the window is Config's; one at least as long
// as the lifetime rotates on every call.
func TestLaterCallRotateBefore(t *testing.T) {
	h := newLaterHarness(t, func(c *Config) { c.MessagingTokenRotateBefore = 2 * time.Hour })
	access, messaging := h.session()
	if resp, _ := h.call(demoKey, "Bearer "+access, messaging); resp.Header.Get("Ccmessaging-Token") == "" {
		t.Error("a window longer than the lifetime: no new token")
	}
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "MessagingTokenRotateBefore: -1s is outside 1s to 24h0m0s"},
		{25 * time.Hour, "MessagingTokenRotateBefore: 25h0m0s is outside"},
		{1500 * time.Millisecond, "MessagingTokenRotateBefore: 1.5s is not a whole number of seconds"},
	} {
		cfg := DefaultConfig()
		cfg.MessagingTokenRotateBefore = tc.d
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("MessagingTokenRotateBefore %v: %v; want %q", tc.d, err, tc.want)
		}
	}
	cfg := DefaultConfig()
	cfg.MessagingTokenRotateBefore = 0
	if s, err := New(cfg); err != nil || s.vendor.rotateBefore != 5*time.Minute {
		t.Errorf("MessagingTokenRotateBefore 0: %v; want 5m", err)
	}
	if DefaultConfig().MessagingTokenRotateBefore != 5*time.Minute {
		t.Errorf("DefaultConfig: %v; want 5m", DefaultConfig().MessagingTokenRotateBefore)
	}
}

// TestLaterCallFaults: FailNext and Inject apply to the later call, with
// its own statuses, before any check.
func TestLaterCallFaults(t *testing.T) {
	h := newLaterHarness(t)
	h.stub.FailNext(OpLaterCall, 500)
	h.stub.FailNext(OpLaterCall, 401)
	h.stub.Inject(OpLaterCall, Fault{Kind: FaultMalformed})
	resp, body := h.call("", "", "")
	if resp.StatusCode != 500 || body != string(documentedOf(contract.ApplyToken).answers[500].body) {
		t.Errorf("FailNext 500: %d %s; want applyToken's 500", resp.StatusCode, body)
	}
	if resp, _ := h.call("", "", ""); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != "Bearer" {
		t.Errorf("FailNext 401: %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	if resp, body := h.call("", "", ""); resp.StatusCode != 200 || body != malformedBody || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("malformed: %d %q", resp.StatusCode, body)
	}
	h.stub.Inject(OpLaterCall, Fault{Kind: FaultTruncate})
	access, messaging := h.session()
	req, _ := http.NewRequest(http.MethodPost, h.later.URL+LaterCallPath, nil)
	req.Header.Set("x-app-key", demoKey)
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("ccmessaging-token", messaging)
	resp, err := faultClient(10 * time.Second).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != io.ErrUnexpectedEOF || string(got) != laterCallBody[:len(laterCallBody)/2] {
		t.Errorf("truncate: %q, %v", got, err)
	}
	if err := h.stub.FailNext(OpLaterCall, 400); err == nil {
		t.Error("FailNext took a 400 for the later call, which answers none")
	}
	if resp, _ := h.call(demoKey, "Bearer "+access, messaging); resp.StatusCode != 200 {
		t.Errorf("after the faults: %d", resp.StatusCode)
	}
}

func TestLaterCallMethodAndLog(t *testing.T) {
	h := newLaterHarness(t)
	resp, err := faultClient(10 * time.Second).Get(h.later.URL + LaterCallPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d, Allow %q; want 405, POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
	access, messaging := h.session()
	h.call(demoKey, "Bearer "+access, messaging)
	log := h.log.String()
	if want := "method=POST path=" + LaterCallPath + " op=laterCall status=200"; !strings.Contains(log, want) || !strings.Contains(log, "app_key="+demoKey) {
		t.Errorf("the access log has no %q with the app key:\n%s", want, log)
	}
	if strings.Contains(log, messaging) || strings.Contains(log, access) {
		t.Error("the access log holds a token")
	}
	if _, ok := h.stub.ops[OpLaterCall]; ok || len(h.stub.ops) != len(openapi.Operations()) {
		t.Error("the later call is among the contract's operations")
	}
}

func flip(tok string) string {
	b := []byte(tok)
	if b[len(b)/2] == 'A' {
		b[len(b)/2] = 'B'
	} else {
		b[len(b)/2] = 'A'
	}
	return string(b)
}

func decodeToken(t *testing.T, tok string) []byte {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
