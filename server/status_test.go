package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/openapi"
)

// statusRow is one row of the status table (docs/architecture.md, "The
// status table"), exercised over real HTTP. Rows are grouped by the operation they answer for; a path the
// contract does not have belongs to none.
type statusRow struct {
	op     string // operationId, or "" for an unknown path
	status int
	name   string
	config func(*Config)                // optional, before the stub starts
	send   func(*harness) *http.Request // may prepare the stub first
	check  func(*testing.T, *harness, *http.Response, []byte)
}

const (
	tokenOp = "tokenByAkSk"
	applyOp = "applyToken"
)

func TestStatusTable(t *testing.T) {
	sv := readSpec(t)
	rows := append(tokenByAkSkRows(sv), applyTokenRows(sv)...)
	for _, row := range rows {
		t.Run(fmt.Sprintf("%s/%d/%s", or(row.op, "unknown path"), row.status, row.name), func(t *testing.T) {
			t.Parallel()
			var edits []func(*Config)
			if row.config != nil {
				edits = append(edits, row.config)
			}
			h := newHarness(t, edits...)
			resp, body := h.do(row.send(h))
			if resp.StatusCode != row.status {
				t.Fatalf("status %d; want %d\nbody: %s", resp.StatusCode, row.status, body)
			}
			checkCommon(t, row, resp, body)
			if row.check != nil {
				row.check(t, h, resp, body)
			}
		})
	}
	t.Run("every documented status has a row", func(t *testing.T) {
		covered := map[string]bool{}
		for _, row := range rows {
			covered[fmt.Sprintf("%s %d", row.op, row.status)] = true
		}
		for _, want := range documentedPairs(t) {
			if !covered[want] {
				t.Errorf("no row for %s", want)
			}
		}
	})
}

// documentedPairs lists every (operation, status) the contract documents,
// plus the 405 of each operation and the 404 of an unknown path.
func documentedPairs(t *testing.T) []string {
	pairs := []string{" 404"}
	for _, op := range openapi.Operations() {
		pairs = append(pairs, op.ID+" 405")
		for _, status := range op.Statuses() {
			pairs = append(pairs, fmt.Sprintf("%s %d", op.ID, status))
		}
	}
	slices.Sort(pairs)
	return pairs
}

// checkCommon asserts what every answer owes, beyond its schema: it never
// repeats the caller's input, and its exceptionInfo is one of the stub's
// own sentences, never an internal error's text.
func checkCommon(t *testing.T, row statusRow, resp *http.Response, body []byte) {
	t.Helper()
	if bytes.Contains(body, []byte(canary)) {
		t.Errorf("the answer repeats the caller's input: %s", body)
	}
	if resp.StatusCode == http.StatusOK || row.send == nil || resp.Request.Method == http.MethodHead {
		return
	}
	if _, info := readError(t, body); !ownSentence.MatchString(info) && !slices.Contains(fixedSentences(), info) {
		t.Errorf("exceptionInfo %q is not one of the stub's sentences", info)
	}
	if resp.StatusCode == http.StatusUnauthorized && row.op == applyOp {
		if got := resp.Header.Get("WWW-Authenticate"); got != "Bearer" {
			t.Errorf("401 with WWW-Authenticate %q; want Bearer", got)
		}
	}
}

// ownSentence is the shape of every 400 that says what is wrong: a
// rules.Violation, which names the contract's header or field.
var ownSentence = regexp.MustCompile(`^Incorrect request: (header [A-Za-z-]+|field [A-Za-z_]+|the body) [^"]+\. Check the request path and parameters\.$`)

// fixedSentences are the contract's own Error examples and the stub's
// fixed texts.
func fixedSentences() []string {
	var s []string
	for _, op := range openapi.Operations() {
		for _, status := range op.Statuses() {
			if status >= 400 {
				s = append(s, errorBody(op, status).ExceptionInfo)
			}
		}
	}
	for _, a := range []errorAnswer{errNotFound, errMethod("POST"), errInternal} {
		_, info := readError(nil, a.body)
		s = append(s, info)
	}
	return s
}

// tokenByAkSkRows probe X-Token-Expire at the bounds and the default sv
// reads from the contract.
func tokenByAkSkRows(sv specValues) []statusRow {
	post := func(header http.Header, body string) func(*harness) *http.Request {
		return func(h *harness) *http.Request {
			if header == nil {
				header = http.Header{"Content-Type": {"application/json"}}
			}
			return h.request(http.MethodPost, openapi.TokenByAkSkPath, header, strings.NewReader(body))
		}
	}
	valid := string(credentials(demoKey, demoSecret))
	expire := func(v string) func(*harness) *http.Request {
		return func(h *harness) *http.Request { return h.tokenRequest(demoKey, demoSecret, v) }
	}
	method := func(m string) func(*harness) *http.Request {
		return func(h *harness) *http.Request { return h.request(m, openapi.TokenByAkSkPath, nil, nil) }
	}
	faulty := func(status int) func(*harness) *http.Request {
		return func(h *harness) *http.Request {
			if err := h.stub.FailNext(tokenOp, status); err != nil {
				h.t.Fatal(err)
			}
			return h.tokenRequest(demoKey, demoSecret, "")
		}
	}
	big := string(credentials(repeat("k", sv.tokenMaxBody+6<<10), "s"))
	// configured is a default lifetime in the header's bounds other than
	// the contract's.
	configured := sv.expireDefault + 1
	if configured > sv.expireMax {
		configured = sv.expireDefault - 1
	}
	return []statusRow{
		{op: tokenOp, status: 405, name: "GET", send: method(http.MethodGet)},
		{op: tokenOp, status: 405, name: "PUT", send: method(http.MethodPut)},
		{op: tokenOp, status: 405, name: "HEAD", send: method(http.MethodHead)},

		{op: tokenOp, status: 413, name: "6 KiB over the cap", send: post(nil, big)},
		{op: tokenOp, status: 413, name: "6 KiB over the cap, chunked", send: func(h *harness) *http.Request {
			return h.request(http.MethodPost, openapi.TokenByAkSkPath, http.Header{"Content-Type": {"application/json"}}, hiddenLength{strings.NewReader(big)})
		}},
		{op: tokenOp, status: 413, name: "one byte over the cap, not JSON", send: post(nil, repeat("x", sv.tokenMaxBody+1))},
		{op: tokenOp, status: 413, name: "over the cap with a bad X-Token-Expire", send: post(http.Header{"Content-Type": {"application/json"}, "X-Token-Expire": {"ten"}}, big)},

		{op: tokenOp, status: 400, name: "not JSON", send: post(nil, `{"app_key":`)},
		{op: tokenOp, status: 400, name: "trailing data", send: post(nil, valid+` {}`)},
		{op: tokenOp, status: 400, name: "empty body", send: post(nil, "")},
		{op: tokenOp, status: 400, name: "JSON null", send: post(nil, "null")},
		{op: tokenOp, status: 400, name: "an array", send: post(nil, `[`+valid+`]`)},
		{op: tokenOp, status: 400, name: "app_secret missing", send: post(nil, `{"app_key":"`+canary+`"}`)},
		{op: tokenOp, status: 400, name: "app_key empty", send: post(nil, `{"app_key":"","app_secret":"`+canary+`"}`)},
		{op: tokenOp, status: 400, name: "app_key a number", send: post(nil, `{"app_key":7,"app_secret":"`+canary+`"}`)},
		{op: tokenOp, status: 400, name: "text/plain", send: post(http.Header{"Content-Type": {"text/plain"}}, valid)},
		{op: tokenOp, status: 400, name: "no Content-Type", send: post(http.Header{}, valid)},
		{op: tokenOp, status: 400, name: fmt.Sprintf("X-Token-Expire %d, below its minimum", sv.expireMin-1), send: expire(itoa(sv.expireMin - 1))},
		{op: tokenOp, status: 400, name: fmt.Sprintf("X-Token-Expire %d, above its maximum", sv.expireMax+1), send: expire(itoa(sv.expireMax + 1))},
		{op: tokenOp, status: 400, name: "X-Token-Expire not an integer", send: expire(canary)},
		{op: tokenOp, status: 400, name: "X-Token-Expire a fraction", send: expire(itoa(sv.expireDefault) + ".5")},
		{op: tokenOp, status: 400, name: "X-Token-Expire negative", send: expire(itoa(-sv.expireDefault))},
		{op: tokenOp, status: 400, name: "X-Token-Expire empty", send: post(http.Header{"Content-Type": {"application/json"}, "X-Token-Expire": {""}}, valid)},
		{op: tokenOp, status: 400, name: "X-Token-Expire twice", send: post(http.Header{"Content-Type": {"application/json"}, "X-Token-Expire": {itoa(sv.expireDefault), itoa(sv.expireMin)}}, valid)},

		{op: tokenOp, status: 401, name: "wrong secret", send: expire(""), config: func(c *Config) { c.Apps[demoKey] = "another-secret" }},
		{op: tokenOp, status: 401, name: "unknown app key", send: post(nil, string(credentials(canary, demoSecret)))},
		{op: tokenOp, status: 401, name: "another app's secret", send: post(nil, string(credentials(demoKey, otherSecret)))},
		{op: tokenOp, status: 401, name: "injected", send: faulty(401)},

		{op: tokenOp, status: 500, name: "injected", send: faulty(500)},
		{op: tokenOp, status: 500, name: "panic", send: expire(""), config: func(c *Config) { c.Now = func() time.Time { panic("clock broke") } }},
		{op: tokenOp, status: 400, name: "injected", send: faulty(400)},
		{op: tokenOp, status: 413, name: "injected", send: faulty(413)},

		{op: tokenOp, status: 200, name: "default lifetime", send: expire(""), check: accessToken(itoa(sv.expireDefault))},
		{op: tokenOp, status: 200, name: fmt.Sprintf("X-Token-Expire %d, its minimum", sv.expireMin), send: expire(itoa(sv.expireMin)), check: accessToken(itoa(sv.expireMin))},
		{op: tokenOp, status: 200, name: fmt.Sprintf("X-Token-Expire %d, its maximum", sv.expireMax), send: expire(itoa(sv.expireMax)), check: accessToken(itoa(sv.expireMax))},
		{op: tokenOp, status: 200, name: "configured default", send: expire(""), check: accessToken(itoa(configured)),
			config: func(c *Config) { c.AccessTokenLifetime = seconds(configured) }},
		{op: tokenOp, status: 200, name: "unknown fields ignored", send: post(nil, `{"app_key":"demo-app-key","app_secret":"demo-app-secret","extra":{"a":[1]}}`), check: accessToken(itoa(sv.expireDefault))},
		{op: tokenOp, status: 200, name: "charset in Content-Type", send: post(http.Header{"Content-Type": {"application/json; charset=UTF-8"}}, valid), check: accessToken(itoa(sv.expireDefault))},
	}
}

// accessToken checks an AccessToken answer beyond its schema, and that
// applyToken accepts the token.
func accessToken(expires string) func(*testing.T, *harness, *http.Response, []byte) {
	return func(t *testing.T, h *harness, _ *http.Response, body []byte) {
		var r struct{ AccessToken, ApplyType, CreateTime, Expires, AppKey, UserID, Scope string }
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		if r.Expires != expires {
			t.Errorf("Expires %q; want %q", r.Expires, expires)
		}
		if want := strconv.FormatInt(h.clock.Now().Unix(), 10); r.CreateTime != want {
			t.Errorf("CreateTime %q; want %q", r.CreateTime, want)
		}
		if r.AppKey != demoKey || r.ApplyType != "Bearer" || r.UserID != "Anonymous" || r.Scope == "" {
			t.Errorf("answer %+v; want the demo app's Bearer token for Anonymous with a scope", r)
		}
		if resp, b := h.do(h.applyRequest(r.AccessToken, applyBody(nil))); resp.StatusCode != http.StatusOK {
			t.Errorf("applyToken refused the AccessToken just issued: %d %s", resp.StatusCode, b)
		}
	}
}

// applyTokenRows probe userId at the maxLength, locale against the
// pattern, and AccessTokens at the default lifetime sv reads from the
// contract.
func applyTokenRows(sv specValues) []statusRow {
	// with sends edit(body) under the demo app's fresh credentials, with
	// the headers changed by hdr.
	with := func(edit func(map[string]any), hdr func(http.Header)) func(*harness) *http.Request {
		return func(h *harness) *http.Request {
			req := h.applyRequest(h.accessToken(demoKey, demoSecret), applyBody(edit))
			if hdr != nil {
				hdr(req.Header)
			}
			return req
		}
	}
	raw := func(body string, hdr func(http.Header)) func(*harness) *http.Request {
		return func(h *harness) *http.Request {
			req := h.applyRequest(h.accessToken(demoKey, demoSecret), []byte(body))
			if hdr != nil {
				hdr(req.Header)
			}
			return req
		}
	}
	set := func(k string, v ...string) func(http.Header) { return func(h http.Header) { h[k] = v } }
	del := func(k ...string) func(http.Header) {
		return func(h http.Header) {
			for _, k := range k {
				h.Del(k)
			}
		}
	}
	field := func(k string, v any) func(map[string]any) { return func(b map[string]any) { b[k] = v } }
	drop := func(k string) func(map[string]any) { return func(b map[string]any) { delete(b, k) } }
	// token sends the valid body with the AccessToken make returns.
	token := func(make func(*harness) string) func(*harness) *http.Request {
		return func(h *harness) *http.Request { return h.applyRequest(make(h), applyBody(nil)) }
	}
	path := func(m, p string) func(*harness) *http.Request {
		return func(h *harness) *http.Request {
			return h.request(m, p, authHeader(demoKey, h.accessToken(demoKey, demoSecret)), bytes.NewReader(applyBody(nil)))
		}
	}
	faulty := func(status int) func(*harness) *http.Request {
		return func(h *harness) *http.Request {
			req := with(nil, nil)(h)
			if err := h.stub.FailNext(applyOp, status); err != nil {
				h.t.Fatal(err)
			}
			return req
		}
	}
	big := applyBody(field("userName", repeat("n", sv.applyMaxBody+6<<10)))
	exact := applyBody(field("pad", ""))
	exact = applyBody(field("pad", repeat("p", sv.applyMaxBody-len(exact))))
	ap := openapi.ApplyTokenPath

	return []statusRow{
		{status: 404, name: "unknown path", send: path(http.MethodPost, "/apiaccess/ccmessaging/noSuchOperation")},
		{status: 404, name: "GET on an unknown path", send: path(http.MethodGet, "/"+canary)},
		{status: 404, name: "path in other case", send: path(http.MethodPost, strings.ToLower(ap))},
		{status: 404, name: "trailing slash", send: path(http.MethodPost, ap+"/")},
		{status: 404, name: "double slash", send: path(http.MethodPost, "/"+ap)},
		{status: 404, name: "dot segment", send: path(http.MethodPost, "/apiaccess/ccmessaging/../ccmessaging/applyToken")},
		{status: 404, name: "percent-encoded letter", send: path(http.MethodPost, "/apiaccess/ccmessaging/apply%54oken")},
		{status: 404, name: "percent-encoded slash", send: path(http.MethodPost, "/apiaccess%2Fccmessaging/applyToken")},
		{status: 404, name: "path with a query", send: path(http.MethodPost, "/nope?token="+canary)},
		{op: applyOp, status: 404, name: "injected", send: faulty(404)},

		{op: applyOp, status: 405, name: "GET", send: path(http.MethodGet, ap)},
		{op: applyOp, status: 405, name: "PUT", send: path(http.MethodPut, ap)},
		{op: applyOp, status: 405, name: "DELETE", send: path(http.MethodDelete, ap)},
		{op: applyOp, status: 405, name: "OPTIONS", send: path(http.MethodOptions, ap)},
		{op: applyOp, status: 405, name: "HEAD", send: path(http.MethodHead, ap)},
		{op: applyOp, status: 405, name: "lowercase post", send: path("post", ap)},

		{op: applyOp, status: 401, name: "no credentials", send: with(nil, del("X-App-Key", "Authorization"))},
		{op: applyOp, status: 401, name: "no credentials and a bad body", send: raw("not json "+canary, del("X-App-Key", "Authorization"))},
		{op: applyOp, status: 401, name: "no credentials and a body over the cap", send: raw(string(big), del("X-App-Key", "Authorization"))},
		{op: applyOp, status: 401, name: "x-app-key missing", send: with(nil, del("X-App-Key"))},
		{op: applyOp, status: 401, name: "x-app-key empty", send: with(nil, set("X-App-Key", ""))},
		{op: applyOp, status: 401, name: "x-app-key twice", send: with(nil, set("X-App-Key", demoKey, demoKey))},
		{op: applyOp, status: 401, name: "unknown app key", send: with(nil, set("X-App-Key", canary))},
		{op: applyOp, status: 401, name: "Authorization missing", send: with(nil, del("Authorization"))},
		{op: applyOp, status: 401, name: "Authorization twice", send: func(h *harness) *http.Request {
			tok := h.accessToken(demoKey, demoSecret)
			return with(nil, set("Authorization", "Bearer "+tok, "Bearer "+tok))(h)
		}},
		{op: applyOp, status: 401, name: "Basic scheme", send: with(nil, set("Authorization", "Basic ZGVtbzpkZW1v"))},
		{op: applyOp, status: 401, name: "Bearer without a token", send: with(nil, set("Authorization", "Bearer"))},
		{op: applyOp, status: 401, name: "Bearer and a space", send: with(nil, set("Authorization", "Bearer "))},
		{op: applyOp, status: 401, name: "two spaces", send: func(h *harness) *http.Request {
			return with(nil, set("Authorization", "Bearer  "+h.accessToken(demoKey, demoSecret)))(h)
		}},
		{op: applyOp, status: 401, name: "a tab", send: func(h *harness) *http.Request {
			return with(nil, set("Authorization", "Bearer\t"+h.accessToken(demoKey, demoSecret)))(h)
		}},
		{op: applyOp, status: 401, name: "token with a space", send: with(nil, set("Authorization", "Bearer abc "+canary))},
		{op: applyOp, status: 401, name: "token alone", send: func(h *harness) *http.Request {
			return with(nil, set("Authorization", h.accessToken(demoKey, demoSecret)))(h)
		}},
		{op: applyOp, status: 401, name: "injected", send: faulty(401)},

		{op: applyOp, status: 403, name: "forged AccessToken", send: token(func(*harness) string { return "forged.token." + canary })},
		{op: applyOp, status: 403, name: "not base64", send: token(func(*harness) string { return "!!!!" })},
		{op: applyOp, status: 403, name: "far too long", send: token(func(*harness) string { return repeat("A", 4000) })},
		{op: applyOp, status: 403, name: "one byte changed", send: token(func(h *harness) string { return flipByte(h.accessToken(demoKey, demoSecret), 5) })},
		{op: applyOp, status: 403, name: "truncated", send: token(func(h *harness) string { tok := h.accessToken(demoKey, demoSecret); return tok[:len(tok)-2] })},
		{op: applyOp, status: 403, name: "expired", send: token(func(h *harness) string {
			tok := h.accessToken(demoKey, demoSecret)
			h.clock.Advance(seconds(sv.expireDefault)) // the default lifetime
			return tok
		})},
		{op: applyOp, status: 403, name: "issued to another app key", send: token(func(h *harness) string { return h.accessToken(otherKey, otherSecret) })},
		{op: applyOp, status: 403, name: "a ccmessaging-token", send: token(func(h *harness) string { return h.messagingToken(h.accessToken(demoKey, demoSecret)) })},
		{op: applyOp, status: 403, name: "signed with another key", send: token(func(h *harness) string {
			other := newHarness(h.t)
			return other.accessToken(demoKey, demoSecret)
		})},
		{op: applyOp, status: 403, name: "forged, with a bad body", send: func(h *harness) *http.Request {
			return h.applyRequest("forged", []byte("not json"))
		}},
		{op: applyOp, status: 403, name: "forged, with a body over the cap", send: func(h *harness) *http.Request {
			return h.applyRequest("forged", big)
		}},
		{op: applyOp, status: 403, name: "injected", send: faulty(403)},

		{op: applyOp, status: 413, name: "6 KiB over the cap", send: raw(string(big), nil)},
		{op: applyOp, status: 413, name: "6 KiB over the cap, chunked", send: func(h *harness) *http.Request {
			return h.request(http.MethodPost, ap, authHeader(demoKey, h.accessToken(demoKey, demoSecret)), hiddenLength{bytes.NewReader(big)})
		}},
		{op: applyOp, status: 413, name: "one byte over the cap, not JSON", send: raw(repeat("x", sv.applyMaxBody+1), nil)},
		{op: applyOp, status: 413, name: "injected", send: faulty(413)},

		{op: applyOp, status: 400, name: fmt.Sprintf("userId of %d characters, maxLength+8", sv.userIDMax+8), send: with(field("userId", canary+repeat("u", sv.userIDMax+8-len(canary))), nil)},
		{op: applyOp, status: 400, name: fmt.Sprintf("userId of %d characters, maxLength+1", sv.userIDMax+1), send: with(field("userId", repeat("u", sv.userIDMax+1)), nil)},
		{op: applyOp, status: 400, name: "userId empty", send: with(field("userId", ""), nil)},
		{op: applyOp, status: 400, name: "userId a number", send: with(field("userId", 7), nil)},
		{op: applyOp, status: 400, name: "userId null", send: with(field("userId", nil), nil)},
		{op: applyOp, status: 400, name: "userId missing", send: with(drop("userId"), nil)},
		{op: applyOp, status: 400, name: "userId in other case", send: with(func(b map[string]any) { delete(b, "userId"); b["USERID"] = "u" }, nil)},
		{op: applyOp, status: 400, name: "userName missing", send: with(drop("userName"), nil)},
		{op: applyOp, status: 400, name: "userName empty", send: with(field("userName", ""), nil)},
		{op: applyOp, status: 400, name: "channelId a number", send: with(field("channelId", 7), nil)},
		{op: applyOp, status: 400, name: "channelId empty", send: with(field("channelId", ""), nil)},
		{op: applyOp, status: 400, name: "channelId missing", send: with(drop("channelId"), nil)},
		{op: applyOp, status: 400, name: "locale with a country", send: func(h *harness) *http.Request {
			return with(field("locale", spectest.RefusedBy(h.t, sv.locale, "locale", "en-US", "en_US", "en-us", "en-USA")), nil)(h)
		}},
		{op: applyOp, status: 400, name: "locale in capitals", send: func(h *harness) *http.Request {
			return with(field("locale", spectest.RefusedBy(h.t, sv.locale, "locale", "EN")), nil)(h)
		}},
		{op: applyOp, status: 400, name: "locale missing", send: with(drop("locale"), nil)},
		{op: applyOp, status: 400, name: "not JSON", send: raw(`{"userId":`, nil)},
		{op: applyOp, status: 400, name: "trailing data", send: raw(string(applyBody(nil))+"x", nil)},
		{op: applyOp, status: 400, name: "empty body", send: raw("", nil)},
		{op: applyOp, status: 400, name: "JSON null", send: raw("null", nil)},
		{op: applyOp, status: 400, name: "a string", send: raw(`"`+canary+`"`, nil)},
		{op: applyOp, status: 400, name: "text/plain", send: with(nil, set("Content-Type", "text/plain"))},
		{op: applyOp, status: 400, name: "no Content-Type", send: with(nil, del("Content-Type"))},
		{op: applyOp, status: 400, name: "application/xml", send: with(nil, set("Content-Type", "application/xml"))},
		{op: applyOp, status: 400, name: "injected", send: faulty(400)},

		{op: applyOp, status: 500, name: "unknown channel", send: with(field("channelId", canary), nil)},
		{op: applyOp, status: 500, name: "channel ID in other case", send: with(field("channelId", "Demo-Channel"), nil)},
		{op: applyOp, status: 500, name: "injected", send: faulty(500)},
		{op: applyOp, status: 500, name: "panic", send: with(nil, nil), config: func(c *Config) {
			calls := 0
			c.Now = func() time.Time {
				if calls++; calls > 2 { // tokenByAkSk, then authenticate; ApplyToken panics
					panic("clock broke")
				}
				return time.Unix(1_800_000_000, 0)
			}
		}},

		{op: applyOp, status: 200, name: "disabled channel", send: with(field("channelId", offChannel), nil), check: businessFailure},
		{op: applyOp, status: 200, name: "channel disabled at run time", send: func(h *harness) *http.Request {
			h.stub.SetChannel(enabledChannel, false)
			return with(nil, nil)(h)
		}, check: businessFailure},

		{op: applyOp, status: 200, name: "valid request", send: with(nil, nil), check: messagingToken},
		{op: applyOp, status: 200, name: "X-APP-Key and AUTHORIZATION", send: func(h *harness) *http.Request {
			tok := h.accessToken(demoKey, demoSecret)
			return with(nil, func(hd http.Header) {
				del("X-App-Key", "Authorization")(hd)
				hd["X-APP-Key"] = []string{demoKey} // sent as spelled; net/http canonicalises on receipt
				hd["AUTHORIZATION"] = []string{"Bearer " + tok}
			})(h)
		}, check: messagingToken},
		{op: applyOp, status: 200, name: "lowercase bearer", send: func(h *harness) *http.Request {
			return with(nil, set("Authorization", "bearer "+h.accessToken(demoKey, demoSecret)))(h)
		}, check: messagingToken},
		{op: applyOp, status: 200, name: "plain application/json", send: with(nil, set("Content-Type", "application/json")), check: messagingToken},
		{op: applyOp, status: 200, name: "unknown fields ignored", send: with(field("extra", map[string]any{"a": []int{1}}), nil), check: messagingToken},
		{op: applyOp, status: 200, name: "channelId and an unknown CHANNELID", send: with(field("CHANNELID", canary), nil), check: messagingToken},
		{op: applyOp, status: 200, name: fmt.Sprintf("userId of %d characters, maxLength", sv.userIDMax), send: with(field("userId", repeat("u", sv.userIDMax)), nil), check: messagingToken},
		{op: applyOp, status: 200, name: fmt.Sprintf("userId of %d non-ASCII characters, maxLength", sv.userIDMax), send: with(field("userId", repeat("é", sv.userIDMax)), nil), check: messagingToken},
		{op: applyOp, status: 200, name: "three-letter locale", send: with(field("locale", "fil"), nil), check: messagingToken},
		{op: applyOp, status: 200, name: "body of exactly the cap", send: raw(string(exact), nil), check: messagingToken},
		{op: applyOp, status: 200, name: "channel enabled at run time", send: func(h *harness) *http.Request {
			h.stub.SetChannel("new-channel", true)
			return with(field("channelId", "new-channel"), nil)(h)
		}, check: messagingToken},
		{op: applyOp, status: 200, name: "AccessToken in its last second", send: token(func(h *harness) string {
			tok := h.accessToken(demoKey, demoSecret)
			h.clock.Advance(seconds(sv.expireDefault - 1))
			return tok
		}), check: messagingToken},
		{op: applyOp, status: 200, name: "AccessToken from a replica with the same key", config: sharedKey, send: token(func(h *harness) string {
			return newHarness(h.t, sharedKey).accessToken(demoKey, demoSecret)
		}), check: messagingToken},
	}
}

func sharedKey(c *Config) { c.SigningKey = bytes.Repeat([]byte{7}, 32) }

// flipByte changes byte i of the token's decoded form.
func flipByte(token string, i int) string {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		panic(err)
	}
	raw[i] ^= 0x01
	return base64.RawURLEncoding.EncodeToString(raw)
}

func messagingToken(t *testing.T, _ *harness, _ *http.Response, body []byte) {
	var r struct{ Token, ResultCode string }
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	if r.ResultCode != "0" || r.Token == "" {
		t.Errorf("resultCode %q, token %q; want \"0\" and a token", r.ResultCode, r.Token)
	}
}

func businessFailure(t *testing.T, _ *harness, _ *http.Response, body []byte) {
	var r struct{ Token, ResultCode, ResultDesc string }
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	if r.ResultCode != "1" || r.Token != "" || r.ResultDesc == "" {
		t.Errorf("resultCode %q, token %q, resultDesc %q; want \"1\", no token, a reason", r.ResultCode, r.Token, r.ResultDesc)
	}
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
