package contracttests

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// serverCase is one request the suite sends and the status it must get.
// Answers are validated against op's documented responses; a 405 case
// checks the Error schema and the Allow header instead.
type serverCase struct {
	op     string
	status int
	name   string
	// fault marks a case that needs Target.FailNext.
	fault bool
	send  func(t *testing.T, h *harness) *exchange
	// check asserts what the schema cannot say.
	check func(t *testing.T, h *harness, x *exchange)
	// generated marks a case generated from the spec (generated.go), whose
	// failure prints the seed.
	generated bool
	// canary, when set, is a value the request carries that no part of
	// the answer may repeat.
	canary string
}

// bigBody is over the cap (x-max-body-bytes) the spec documents for 413.
var bigBody = mustJSON(map[string]string{"app_key": strings.Repeat("k", overTheCap()), "app_secret": "s"})

// serverCases are the fixed cases. err names a value of the contract they
// probe that the contract no longer has (a specGap): they need revisiting.
func serverCases() (cs []serverCase, err error) {
	defer catchSpecGap(&err)
	return append(tokenByAkSkCases(), applyTokenCases()...), nil
}

func tokenByAkSkCases() []serverCase {
	post := func(header http.Header, body []byte) func(*testing.T, *harness) *exchange {
		return func(t *testing.T, h *harness) *exchange {
			if header == nil {
				header = jsonHeader()
			}
			return h.do(t, http.MethodPost, pathOf(opTokenByAkSk), header, body)
		}
	}
	valid := func(t *testing.T, h *harness) *exchange {
		return post(nil, h.credentials(h.target.AppKey, h.target.AppSecret))(t, h)
	}
	withExpire := func(v string) func(*testing.T, *harness) *exchange {
		return func(t *testing.T, h *harness) *exchange {
			hdr := jsonHeader()
			hdr.Set("X-Token-Expire", v)
			return post(hdr, h.credentials(h.target.AppKey, h.target.AppSecret))(t, h)
		}
	}
	expireMin, expireMax, expireDefault := expireBounds()
	// asked is a lifetime the contract allows other than the default, so
	// that the answer shows the header was read.
	asked := strconv.FormatInt(expireMin, 10)
	if expireMin == expireDefault {
		asked = strconv.FormatInt(expireMax, 10)
	}
	return []serverCase{
		{op: opTokenByAkSk, status: 200, name: "valid credentials", send: valid, check: accessTokenFor(strconv.FormatInt(expireDefault, 10))},
		{op: opTokenByAkSk, status: 200, name: "X-Token-Expire at a bound, not the default", send: withExpire(asked), check: accessTokenFor(asked)},
		{op: opTokenByAkSk, status: 400, name: "not JSON", send: post(nil, []byte(`{"app_key":`))},
		{op: opTokenByAkSk, status: 400, name: "app_secret missing", send: func(t *testing.T, h *harness) *exchange {
			return post(nil, mustJSON(map[string]string{"app_key": h.target.AppKey}))(t, h)
		}},
		{op: opTokenByAkSk, status: 400, name: "X-Token-Expire below its bound", send: withExpire(strconv.FormatInt(expireMin-1, 10))},
		{op: opTokenByAkSk, status: 400, name: "X-Token-Expire not an integer", send: withExpire("ten")},
		{op: opTokenByAkSk, status: 401, name: "wrong secret", send: func(t *testing.T, h *harness) *exchange {
			return post(nil, h.credentials(h.target.AppKey, h.target.AppSecret+"-wrong"))(t, h)
		}},
		{op: opTokenByAkSk, status: 401, name: "unknown app key", send: func(t *testing.T, h *harness) *exchange {
			return post(nil, h.credentials("no-such-app-key", h.target.AppSecret))(t, h)
		}},
		{op: opTokenByAkSk, status: 413, name: "body over the cap", send: post(nil, bigBody)},
		{op: opTokenByAkSk, status: 500, name: "injected fault", fault: true, send: func(t *testing.T, h *harness) *exchange {
			if err := h.target.FailNext(opTokenByAkSk, 500); err != nil {
				t.Fatalf("FailNext: %v", err)
			}
			return valid(t, h)
		}},
		{op: opTokenByAkSk, status: 405, name: "GET", send: get(opTokenByAkSk), check: allowsPost},
	}
}

func applyTokenCases() []serverCase {
	// post sends body with valid credentials, after edit changes the headers.
	post := func(body func(h *harness) []byte, edit func(h http.Header)) func(*testing.T, *harness) *exchange {
		return func(t *testing.T, h *harness) *exchange {
			hdr := authHeader(h.target.AppKey, h.accessToken(t))
			if edit != nil {
				edit(hdr)
			}
			return h.do(t, http.MethodPost, pathOf(opApplyToken), hdr, body(h))
		}
	}
	with := func(change func(b map[string]any)) func(h *harness) []byte {
		return func(h *harness) []byte {
			b := applyBody(h.target.ChannelID)
			change(b)
			return mustJSON(b)
		}
	}
	valid := with(func(map[string]any) {})
	applyBody("")                     // read now: a specGap here fails serverCases, not a request
	badLocale := localeWithACountry() // likewise
	raw := func(s string) func(*harness) []byte { return func(*harness) []byte { return []byte(s) } }
	setHeader := func(k, v string) func(http.Header) { return func(h http.Header) { h.Set(k, v) } }
	delHeader := func(k string) func(http.Header) { return func(h http.Header) { h.Del(k) } }

	return []serverCase{
		{op: opApplyToken, status: 200, name: "valid request", send: post(valid, nil), check: messagingToken},
		{op: opApplyToken, status: 200, name: "header names in other case", send: post(valid, func(h http.Header) {
			key, auth := h.Get(appKeyHeader()), h.Get("Authorization")
			h.Del(appKeyHeader())
			h.Del("Authorization")
			h[strings.Map(swapCase, http.CanonicalHeaderKey(appKeyHeader()))] = []string{key}
			h["AUTHORIZATION"] = []string{auth}
		}), check: messagingToken},
		{op: opApplyToken, status: 200, name: "unknown fields ignored", send: post(with(func(b map[string]any) { b["extra"] = map[string]any{"a": 1} }), nil), check: messagingToken},
		{op: opApplyToken, status: 200, name: "plain application/json", send: post(valid, setHeader("Content-Type", "application/json")), check: messagingToken},
		{op: opApplyToken, status: 200, name: "disabled channel", send: post(func(h *harness) []byte { return mustJSON(applyBody(h.target.DisabledChannelID)) }, nil), check: businessFailure},

		{op: opApplyToken, status: 400, name: fmt.Sprintf("userId of %d characters", userIDMaxLength()+1), send: post(with(func(b map[string]any) { b["userId"] = strings.Repeat("u", userIDMaxLength()+1) }), nil)},
		{op: opApplyToken, status: 400, name: "userId empty", send: post(with(func(b map[string]any) { b["userId"] = "" }), nil)},
		{op: opApplyToken, status: 400, name: "locale with a country", send: post(with(func(b map[string]any) { b["locale"] = badLocale }), nil)},
		{op: opApplyToken, status: 400, name: "userName missing", send: post(with(func(b map[string]any) { delete(b, "userName") }), nil)},
		{op: opApplyToken, status: 400, name: "channelId a number", send: post(with(func(b map[string]any) { b["channelId"] = 7 }), nil)},
		{op: opApplyToken, status: 400, name: "not JSON", send: post(raw(`{"userId":`), nil)},
		{op: opApplyToken, status: 400, name: "empty body", send: post(raw(""), nil)},
		{op: opApplyToken, status: 400, name: "text/plain", send: post(valid, setHeader("Content-Type", "text/plain"))},

		{op: opApplyToken, status: 401, name: "no credentials", send: post(valid, func(h http.Header) { h.Del(appKeyHeader()); h.Del("Authorization") }), check: bearerChallenge},
		{op: opApplyToken, status: 401, name: "no credentials and a bad body", send: post(raw("not json"), func(h http.Header) { h.Del(appKeyHeader()); h.Del("Authorization") }), check: bearerChallenge},
		{op: opApplyToken, status: 401, name: appKeyHeader() + " missing", send: post(valid, delHeader(appKeyHeader())), check: bearerChallenge},
		{op: opApplyToken, status: 401, name: "Authorization missing", send: post(valid, delHeader("Authorization")), check: bearerChallenge},
		{op: opApplyToken, status: 401, name: "Basic scheme", send: post(valid, setHeader("Authorization", "Basic ZGVtbzpkZW1v")), check: bearerChallenge},
		{op: opApplyToken, status: 401, name: "unknown app key", send: post(valid, setHeader(appKeyHeader(), "no-such-app-key")), check: bearerChallenge},

		{op: opApplyToken, status: 403, name: "forged AccessToken", send: post(valid, setHeader("Authorization", "Bearer forged.token.value"))},
		{op: opApplyToken, status: 403, name: "messaging token as AccessToken", send: func(t *testing.T, h *harness) *exchange {
			token := h.messagingToken(t)
			return h.do(t, http.MethodPost, pathOf(opApplyToken), authHeader(h.target.AppKey, token), valid(h))
		}},

		{op: opApplyToken, status: 404, name: "unknown path", send: func(t *testing.T, h *harness) *exchange {
			return h.do(t, http.MethodPost, "/apiaccess/ccmessaging/noSuchOperation", jsonHeader(), valid(h))
		}},
		{op: opApplyToken, status: 405, name: "GET", send: get(opApplyToken), check: allowsPost},
		{op: opApplyToken, status: 413, name: "body over the cap", send: post(func(*harness) []byte { return bigBody }, nil)},
		{op: opApplyToken, status: 500, name: "unknown channel", send: post(with(func(b map[string]any) { b["channelId"] = "no-such-channel" }), nil)},
	}
}

func get(op string) func(*testing.T, *harness) *exchange {
	return func(t *testing.T, h *harness) *exchange {
		return h.do(t, http.MethodGet, pathOf(op), nil, nil)
	}
}

// messagingToken applies for a token on the target's enabled channel.
func (h *harness) messagingToken(t *testing.T) string {
	t.Helper()
	x := h.do(t, http.MethodPost, pathOf(opApplyToken), authHeader(h.target.AppKey, h.accessToken(t)), mustJSON(applyBody(h.target.ChannelID)))
	var r struct{ Token, ResultCode string }
	x.decode(t, &r)
	if x.status != http.StatusOK || r.ResultCode != "0" || r.Token == "" {
		t.Fatalf("applyToken on the enabled channel: status %d: %.300s", x.status, x.body)
	}
	return r.Token
}

// accessTokenFor checks an AccessToken answer beyond its schema: a token,
// its lifetime as asked (any, when expires is ""), and that applyToken
// then accepts it.
func accessTokenFor(expires string) func(*testing.T, *harness, *exchange) {
	return func(t *testing.T, h *harness, x *exchange) {
		var r struct{ AccessToken, Expires, AppKey string }
		x.decode(t, &r)
		if expires != "" && r.Expires != expires {
			t.Errorf("Expires %q; want %q", r.Expires, expires)
		}
		if r.AppKey != "" && r.AppKey != h.target.AppKey {
			t.Errorf("AppKey %q; want %q", r.AppKey, h.target.AppKey)
		}
		a := h.do(t, http.MethodPost, pathOf(opApplyToken), authHeader(h.target.AppKey, r.AccessToken), mustJSON(applyBody(h.target.ChannelID)))
		if a.status != http.StatusOK {
			t.Errorf("applyToken refused the AccessToken just issued: status %d: %.300s", a.status, a.body)
		}
	}
}

// messagingToken checks a success: resultCode "0" with a non-empty token.
func messagingToken(t *testing.T, _ *harness, x *exchange) {
	var r struct{ Token, ResultCode string }
	x.decode(t, &r)
	if r.ResultCode != "0" || r.Token == "" {
		t.Errorf("resultCode %q, token %q; want \"0\" and a token", r.ResultCode, r.Token)
	}
}

// businessFailure checks resultCode "1" with a reason and no token.
func businessFailure(t *testing.T, _ *harness, x *exchange) {
	var r struct{ Token, ResultCode, ResultDesc string }
	x.decode(t, &r)
	if r.ResultCode != "1" || r.Token != "" || r.ResultDesc == "" {
		t.Errorf("resultCode %q, token %q, resultDesc %q; want \"1\", no token, a reason", r.ResultCode, r.Token, r.ResultDesc)
	}
}

// bearerChallenge checks RFC 6750's WWW-Authenticate on a 401.
func bearerChallenge(t *testing.T, _ *harness, x *exchange) {
	if v := x.header.Get("WWW-Authenticate"); !strings.HasPrefix(v, "Bearer") {
		t.Errorf("WWW-Authenticate %q; want a Bearer challenge", v)
	}
}

// allowsPost checks RFC 9110's Allow on a 405.
func allowsPost(t *testing.T, _ *harness, x *exchange) {
	if v := x.header.Values("Allow"); !strings.Contains(strings.Join(v, ","), "POST") {
		t.Errorf("Allow %q; want POST", v)
	}
}
