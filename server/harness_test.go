package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/fakeclock"
	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/internal/stubproc"
	"github.com/aicc-kit/applytoken/openapi"
)

// harness runs a Stub behind a real HTTP server, on a clock that moves only
// when told to, and checks every answer against the contract.
type harness struct {
	t     testing.TB
	stub  *Stub
	srv   *httptest.Server
	clock *fakeclock.Clock
	log   *stubproc.Buffer
}

// maxBody is the contract's cap on a request body of the operation id
// (x-max-body-bytes). Each operation has its own: a vendor change may
// lower one and not the other.
func maxBody(t testing.TB, id string) int {
	t.Helper()
	op := openapi.Operation(id)
	if op == nil || op.Body == nil || op.Body.MaxBytes <= 0 {
		t.Fatalf("the contract's %s has no body with a cap (x-max-body-bytes), which these tests probe", id)
	}
	return int(op.Body.MaxBytes)
}

// specValues are the contract's values the tests probe, read from
// gen/contract rather than restated: userId's maxLength, locale's
// pattern, and X-Token-Expire's bounds and default, in seconds.
type specValues struct {
	// tokenMaxBody and applyMaxBody are each operation's body cap.
	tokenMaxBody, applyMaxBody          int
	userIDMax                           int
	locale                              *rules.Pattern
	expireMin, expireMax, expireDefault int64
}

// readSpec reads specValues, failing t when the contract no longer has
// one of them (the tests that probe it need revisiting).
func readSpec(t testing.TB) specValues {
	t.Helper()
	expire := spectest.Param(t, contract.OpTokenByAkSk, expireParam)
	if expire.Minimum == nil || expire.Default == "" {
		t.Fatalf("the contract's %s of %s needs a minimum and a default, which these tests probe", expireParam, contract.OpTokenByAkSk)
	}
	def, err := strconv.ParseInt(expire.Default, 10, 64)
	if err != nil {
		t.Fatalf("the contract's default of %s, %q, is not an integer", expireParam, expire.Default)
	}
	locale := spectest.Property(t, contract.OpApplyToken, "locale")
	if locale.Pattern == nil {
		t.Fatalf("the contract's locale has no pattern, which these tests probe")
	}
	return specValues{
		tokenMaxBody:  maxBody(t, contract.OpTokenByAkSk),
		applyMaxBody:  maxBody(t, contract.OpApplyToken),
		userIDMax:     spectest.MaxLength(t, spectest.Property(t, contract.OpApplyToken, "userId"), "userId"),
		locale:        locale.Pattern,
		expireMin:     int64(*expire.Minimum),
		expireMax:     spectest.Maximum(t, expire, expireParam),
		expireDefault: def,
	}
}

// seconds is n seconds, and itoa n as decimal text.
func seconds(n int64) time.Duration { return time.Duration(n) * time.Second }
func itoa(n int64) string           { return strconv.FormatInt(n, 10) }

// Names the table tests use beside the demo configuration.
const (
	demoKey        = "demo-app-key"
	demoSecret     = "demo-app-secret"
	otherKey       = "other-app-key"
	otherSecret    = "other-app-secret"
	enabledChannel = "demo-channel"
	offChannel     = "disabled-channel"
	// canary is planted in what callers send; no answer may repeat it.
	canary = "CANARY-c4n4ry"
)

func newHarness(t testing.TB, edit ...func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, clock: fakeclock.New(time.Unix(1_800_000_000, 0)), log: &stubproc.Buffer{}}
	cfg := DefaultConfig()
	cfg.Apps[otherKey] = otherSecret
	cfg.Now = h.clock.Now
	cfg.Logger = slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, e := range edit {
		e(&cfg)
	}
	stub, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.stub = stub
	h.srv = httptest.NewServer(stub)
	t.Cleanup(h.srv.Close)
	return h
}

// do sends req, reads the whole answer within a bound, and checks it
// against the contract.
func (h *harness) do(req *http.Request) (*http.Response, []byte) {
	h.t.Helper()
	c := *h.srv.Client()
	c.Timeout = 10 * time.Second
	resp, err := c.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: reading the answer: %v", req.Method, req.URL.Path, err)
	}
	spectest.Check(h.t, req, resp, body)
	return resp, body
}

func (h *harness) request(method, path string, header http.Header, body io.Reader) *http.Request {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return req
}

// tokenRequest asks tokenByAkSk for an AccessToken; expire "" sends no
// X-Token-Expire.
func (h *harness) tokenRequest(key, secret, expire string) *http.Request {
	hdr := http.Header{"Content-Type": {"application/json"}}
	if expire != "" {
		hdr.Set("X-Token-Expire", expire)
	}
	return h.request(http.MethodPost, openapi.TokenByAkSkPath, hdr, bytes.NewReader(credentials(key, secret)))
}

func (h *harness) accessToken(key, secret string) string {
	h.t.Helper()
	resp, body := h.do(h.tokenRequest(key, secret, ""))
	var r struct{ AccessToken string }
	if err := json.Unmarshal(body, &r); err != nil || resp.StatusCode != http.StatusOK || r.AccessToken == "" {
		h.t.Fatalf("tokenByAkSk: %d %s", resp.StatusCode, body)
	}
	return r.AccessToken
}

// applyRequest asks applyToken with the demo app's credentials.
func (h *harness) applyRequest(token string, body []byte) *http.Request {
	return h.request(http.MethodPost, openapi.ApplyTokenPath, authHeader(demoKey, token), bytes.NewReader(body))
}

func (h *harness) messagingToken(accessToken string) string {
	h.t.Helper()
	resp, body := h.do(h.applyRequest(accessToken, applyBody(nil)))
	var r struct{ Token string }
	if err := json.Unmarshal(body, &r); err != nil || resp.StatusCode != http.StatusOK || r.Token == "" {
		h.t.Fatalf("applyToken: %d %s", resp.StatusCode, body)
	}
	return r.Token
}

func authHeader(key, token string) http.Header {
	return http.Header{
		"Content-Type":  {"application/json; charset=UTF-8"},
		"X-App-Key":     {key},
		"Authorization": {"Bearer " + token},
	}
}

func credentials(key, secret string) []byte {
	return mustJSON(map[string]any{"app_key": key, "app_secret": secret})
}

// applyBody is a valid applyToken body after edit.
func applyBody(edit func(map[string]any)) []byte {
	b := map[string]any{"userId": "user-0001", "userName": "Alice", "channelId": enabledChannel, "locale": "en"}
	if edit != nil {
		edit(b)
	}
	return mustJSON(b)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// readError decodes an Error answer.
func readError(t testing.TB, body []byte) (code, info string) {
	var e struct{ ErrorCode, ExceptionInfo string }
	if err := json.Unmarshal(body, &e); err != nil {
		t.Helper()
		t.Fatalf("not an Error body: %v: %s", err, body)
	}
	return e.ErrorCode, e.ExceptionInfo
}

// hiddenLength hides a reader's length, so the client sends it chunked.
type hiddenLength struct{ io.Reader }

func repeat(s string, n int) string { return strings.Repeat(s, n) }
