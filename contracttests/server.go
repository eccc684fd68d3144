package contracttests

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/openapi"
)

// Target names a server under test and the configuration it was started with.
type Target struct {
	// BaseURL is scheme and host, e.g. http://127.0.0.1:8080.
	BaseURL string
	// AppKey and AppSecret are credentials the server accepts.
	AppKey, AppSecret string
	// ChannelID is a configured, enabled channel; DisabledChannelID a
	// configured, disabled one.
	ChannelID, DisabledChannelID string
	// HTTPClient sends the requests; nil means a client with a 10 s timeout.
	// The suite never follows a redirect, this client's included: the
	// contract documents no 3xx, and the client of this module follows
	// none, so a redirect is the answer under test.
	HTTPClient *http.Client
	// FailNext, when set, makes the server answer the next call of the
	// operation (an operationId) with status. Some documented statuses
	// (tokenByAkSk's 500) cannot be caused from outside; without FailNext
	// their cases are reported as not driven (see AllowNotDriven).
	FailNext func(op string, status int) error
	// Advance, when set, moves the server's clock forward by d, so that an
	// AccessToken can be shown to expire without waiting: AdvanceURL
	// speaks the protocol of the stub's -controls endpoint /_stub/advance,
	// and servertest's Advance, wrapped to return nil, moves the in-process
	// stub's. An error fails the expiry case with it. The clock may run on
	// by itself between the moves. Without Advance the expiry case is
	// reported as not driven, loudly: the suite never sleeps.
	Advance func(d time.Duration) error
	// PeerURL, when set, is the base URL of a second instance of the same
	// server, configured alike (the same AppKey and AppSecret) but signing
	// tokens with its own key: an AccessToken it issues must be refused by
	// BaseURL. Without it that case is reported as not driven.
	PeerURL string
	// AllowNotDriven lets the cases this target cannot drive (for want of
	// FailNext, Advance or PeerURL) skip, saying NOT DRIVEN, even with
	// CI=true in the environment, where they otherwise fail: go test
	// shows no skip of a package that passes, so a CI run would pass with
	// them unproved. Set it for a server that offers no such controls,
	// knowing which statuses the run leaves unchecked.
	AllowNotDriven bool
}

// maxBody bounds how much of an answer the suite reads.
const maxBody = 1 << 20

// RunServer drives every documented status of both operations against
// target, plus 405 on a known path, and validates every answer against the
// spec. Beside the fixed cases it sends cases generated from the spec:
// every constraint of every request schema and header parameter at and
// beyond its bounds, values its patterns refuse, required properties
// missing, null and of every wrong type, unknown properties, wrong media
// types; tokens presented where they do not belong (another signer,
// expired; another purpose is a fixed case); and a canary in every field and header that no
// answer may repeat. The generated cases are seeded: a failure prints the
// seed, and APPLYTOKEN_CONTRACTTESTS_SEED replays it. RunServer fails when
// the spec documents a status the suite has no case for.
func RunServer(t *testing.T, target Target) {
	t.Helper()
	runServer(t, target, false)
}

// runServer is RunServer; fixedOnly leaves out the generated cases, to
// show (teeth_test.go) what they add.
func runServer(t *testing.T, target Target, fixedOnly bool) {
	t.Helper()
	if err := target.check(); err != nil {
		t.Fatal(err)
	}
	if target.HTTPClient == nil {
		target.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	hc := *target.HTTPClient // a copy: the caller's client keeps its own policy
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	target.HTTPClient = &hc
	h := &harness{target: target}
	cases, err := serverCases()
	if err != nil {
		t.Fatal(err)
	}
	var notDriven []string
	if !fixedOnly {
		g, err := newGenerator(target)
		if err != nil {
			t.Fatal(err)
		}
		h.seed = g.seed
		t.Logf("generated cases: seed %d (replay with %s=%d)", g.seed, seedEnv, g.seed)
		gen, err := g.cases()
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, gen...)
	}
	results := map[pair]string{}
	start := time.Now()
	for _, sc := range cases {
		p := pair{sc.op, sc.status}
		t.Run(p.String()+"/"+sc.name, func(t *testing.T) {
			defer func() { // deferred: t.Fatal and t.Skip end the goroutine
				switch {
				case t.Failed():
					results[p] = orMark(results[p], "failed")
				case t.Skipped():
					results[p] = orMark(results[p], "not driven")
					notDriven = append(notDriven, p.String()+"/"+sc.name)
				default:
					results[p] = "driven"
				}
			}()
			if sc.fault && target.FailNext == nil {
				h.skipNotDriven(t, "%s needs Target.FailNext; this target cannot be made to answer it", p)
			}
			h.run(t, sc)
		})
	}
	t.Logf("%d cases in %v", len(cases), time.Since(start).Round(time.Millisecond))
	if len(notDriven) > 0 {
		t.Logf("NOT DRIVEN (the target lacks what they need; see Target):\n  %s", strings.Join(notDriven, "\n  "))
	}
	reportCoverage(t, "server", documentedPairs(), results)
}

// ciEnv set to "true" makes a case not driven a failure, as the kit's CI
// treats every skip: a run in CI must drive what it claims to check.
const ciEnv = "CI"

// skipNotDriven skips a case the target lacks what it needs for, saying
// NOT DRIVEN and why; with CI=true it fails the case instead, unless the
// target allows it (Target.AllowNotDriven).
func (h *harness) skipNotDriven(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := "NOT DRIVEN: " + fmt.Sprintf(format, args...)
	if os.Getenv(ciEnv) == "true" && !h.target.AllowNotDriven {
		t.Fatal(msg + " (CI=true makes a case not driven a failure; Target.AllowNotDriven, or APPLYTOKEN_ALLOW_NOT_DRIVEN=true, accepts it)")
	}
	t.Skip(msg)
}

func orMark(prev, mark string) string {
	if prev == "driven" {
		return prev
	}
	return mark
}

func (tg Target) check() error {
	var missing []string
	for name, v := range map[string]string{
		"BaseURL": tg.BaseURL, "AppKey": tg.AppKey, "AppSecret": tg.AppSecret,
		"ChannelID": tg.ChannelID, "DisabledChannelID": tg.DisabledChannelID,
	} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return errors.New("contracttests: Target needs " + strings.Join(missing, ", "))
	}
	return nil
}

// exchange is one request and its answer, read whole.
type exchange struct {
	req     *http.Request
	reqBody []byte
	status  int
	header  http.Header
	body    []byte
}

// decode unmarshals the answer's body into v.
func (x *exchange) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(x.body, v); err != nil {
		t.Fatalf("body is not the JSON the spec documents: %v\n%s", err, x.body)
	}
}

type harness struct {
	target Target
	seed   uint64
	// access is an AccessToken of the target's app for the cases that only
	// need one; "" until the first asks, and again after the clock moved.
	access string
	// last is the latest exchange, printed when a case fails.
	last *exchange
}

// do sends method path with the given headers and body and reads the answer.
func (h *harness) do(t *testing.T, method, path string, header http.Header, body []byte) *exchange {
	t.Helper()
	return h.doAt(t, h.target.BaseURL, method, path, header, body)
}

// doAt is do against another base URL.
func (h *harness) doAt(t *testing.T, base, method, path string, header http.Header, body []byte) *exchange {
	t.Helper()
	req, err := http.NewRequest(method, strings.TrimRight(base, "/")+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		req.Body = http.NoBody
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	x := &exchange{req: req, reqBody: body}
	h.last = x
	resp, err := h.target.HTTPClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	x.status, x.header, x.body = resp.StatusCode, resp.Header, data
	return x
}

// jsonHeader is the Content-Type the vendor documents for applyToken.
func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json; charset=UTF-8"}}
}

// authHeader is jsonHeader plus both credentials of applyToken.
func authHeader(appKey, accessToken string) http.Header {
	h := jsonHeader()
	h.Set(appKeyHeader(), appKey)
	h.Set("Authorization", "Bearer "+accessToken)
	return h
}

// run sends one case and applies the checks every answer must pass, then the
// case's own. A failed case prints its request (and, for a generated one,
// the seed that replays it).
func (h *harness) run(t *testing.T, sc serverCase) {
	t.Helper()
	h.last = nil
	defer func() {
		if t.Failed() && h.last != nil {
			t.Logf("request:\n%s", h.describe(h.last))
			if sc.generated {
				t.Logf("generated with seed %d: replay with %s=%d go test -run '%s'", h.seed, seedEnv, h.seed, runPattern(t.Name()))
			}
		}
	}()
	x := sc.send(t, h)
	if x.status != sc.status {
		t.Errorf("%s: status %d; want %d (body %.300s)", sc.name, x.status, sc.status, x.body)
	}
	if ct := x.header.Get("Content-Type"); !isJSON(ct) {
		t.Errorf("Content-Type %q; want application/json", ct)
	}
	h.checkSchema(t, sc, x)
	if x.status != http.StatusOK {
		var e struct{ ErrorCode, ExceptionInfo string }
		if json.Unmarshal(x.body, &e) != nil || e.ErrorCode == "" || e.ExceptionInfo == "" {
			t.Errorf("error answer lacks errorCode or exceptionInfo: %.300s", x.body)
		}
	}
	if x.status == http.StatusOK {
		if cc := x.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q on a token answer; want no-store", cc)
		}
	}
	if sc.canary != "" {
		checkNoEcho(t, sc.canary, x)
	}
	if sc.check != nil && !t.Failed() {
		sc.check(t, h, x)
	}
}

// checkSchema validates the answer against the operation's documented
// responses, or against the Error schema for a 405 on a known path.
func (h *harness) checkSchema(t *testing.T, sc serverCase, x *exchange) {
	t.Helper()
	if sc.status == http.StatusMethodNotAllowed {
		if x.status != http.StatusMethodNotAllowed {
			return // already reported; the body belongs to another status
		}
		if err := openapi.ValidateError(x.body); err != nil {
			t.Errorf("405 body: %v", err)
		}
		return
	}
	if err := openapi.ValidateResponse(sc.op, x.req, x.status, x.header, x.body); err != nil {
		t.Error(err)
	}
}

// describe writes a request as a failure prints it: method, URL, headers
// in order, and the body, with the target's secret and the AccessTokens
// the suite obtained blanked out.
func (h *harness) describe(x *exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s %s\n", x.req.Method, x.req.URL)
	for _, k := range slices.Sorted(maps.Keys(x.req.Header)) {
		for _, v := range x.req.Header[k] {
			fmt.Fprintf(&b, "  %s: %q\n", k, h.redact(v))
		}
	}
	fmt.Fprintf(&b, "  body (%d bytes): %.600q", len(x.reqBody), h.redact(string(x.reqBody)))
	return b.String()
}

func (h *harness) redact(s string) string {
	if h.access != "" {
		s = strings.ReplaceAll(s, h.access, "<AccessToken>")
	}
	if scheme, token, ok := strings.Cut(s, " "); ok && strings.EqualFold(scheme, "Bearer") && len(token) > 24 {
		s = fmt.Sprintf("%s <a token of %d characters>", scheme, len(token))
	}
	return strings.ReplaceAll(s, h.target.AppSecret, "<AppSecret>")
}

// runPattern is a -run pattern that selects the test named name alone.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// accessToken fetches a fresh AccessToken from the target.
func (h *harness) accessToken(t *testing.T) string {
	t.Helper()
	return h.accessTokenAt(t, h.target.BaseURL)
}

// accessTokenAt fetches an AccessToken of the target's app from base.
func (h *harness) accessTokenAt(t *testing.T, base string) string {
	t.Helper()
	x := h.doAt(t, base, http.MethodPost, pathOf(opTokenByAkSk), jsonHeader(), h.credentials(h.target.AppKey, h.target.AppSecret))
	if x.status != http.StatusOK {
		t.Fatalf("tokenByAkSk at %s with the target's credentials: status %d: %.300s", base, x.status, x.body)
	}
	var r struct{ AccessToken string }
	x.decode(t, &r)
	if r.AccessToken == "" {
		t.Fatal("tokenByAkSk returned an empty AccessToken")
	}
	return r.AccessToken
}

// sharedAccessToken returns the AccessToken the generated cases share,
// fetching it the first time.
func (h *harness) sharedAccessToken(t *testing.T) string {
	t.Helper()
	if h.access == "" {
		h.access = h.accessToken(t)
	}
	return h.access
}

func (h *harness) credentials(key, secret string) []byte {
	return mustJSON(map[string]string{"app_key": key, "app_secret": secret})
}

// applyBody is a valid applyToken body for channel: the contract's
// examples, as the generated cases' valid request has them, with channelId
// channel. applyTokenCases reads it first, so that a required property
// with no example fails serverCases by name (a specGap), not a request.
func applyBody(channel string) map[string]any {
	b, err := exampleFields(openapi.Operation(opApplyToken), func(name string) (any, bool) { return channel, name == "channelId" })
	if err != nil {
		panic(specGap(err.Error()))
	}
	return b
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}
