package main

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server"
)

// TestAdvanceControl: with -controls, POST /_stub/advance moves the clock
// the stub dates its tokens by, so that an AccessToken expires and a
// ccmessaging-token comes up for rotation without waiting; it refuses
// what is not a forward move of at most 24h with the reason, and does not
// move the clock then. Without -controls there is no such path.
func TestAdvanceControl(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.MessagingTokenLifetime, cfg.MessagingTokenRotateBefore = time.Hour, 5*time.Minute
	stub, ctl, err := newStub(cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	h := routes(stub, ctl)
	send := func(method, path string, header http.Header, body string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		for k, vs := range header {
			req.Header[k] = vs
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	moveBy := func(by time.Duration) {
		t.Helper()
		if rec := send(http.MethodPost, "/_stub/advance", nil, `{"by":"`+by.String()+`"}`); rec.Code != http.StatusNoContent {
			t.Fatalf("advance %v: %d %s; want 204", by, rec.Code, rec.Body)
		}
	}
	// accessToken returns a fresh AccessToken and how long it lives.
	accessToken := func() (string, time.Duration) {
		t.Helper()
		rec := send(http.MethodPost, openapi.TokenByAkSkPath, http.Header{"Content-Type": {"application/json"}},
			`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`)
		var r struct{ AccessToken, Expires string }
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &r) != nil {
			t.Fatalf("tokenByAkSk: %d %s", rec.Code, rec.Body)
		}
		secs, err := strconv.Atoi(r.Expires)
		if err != nil {
			t.Fatalf("Expires %q: %v", r.Expires, err)
		}
		return r.AccessToken, time.Duration(secs) * time.Second
	}
	authorized := func(access string) http.Header {
		return http.Header{"Content-Type": {"application/json"}, "X-App-Key": {"demo-app-key"}, "Authorization": {"Bearer " + access}}
	}
	apply := func(access string) *httptest.ResponseRecorder {
		t.Helper()
		return send(http.MethodPost, openapi.ApplyTokenPath, authorized(access),
			`{"userId":"user-0001","userName":"Alice","channelId":"demo-channel","locale":"en"}`)
	}

	t.Run("an AccessToken expires", func(t *testing.T) {
		access, lifetime := accessToken()
		// Two seconds short of its end: the clock runs on with the wall
		// clock, and a token counts whole seconds.
		moveBy(lifetime - 2*time.Second)
		if rec := apply(access); rec.Code != http.StatusOK {
			t.Fatalf("2s before the end of its %v: %d %s; want 200", lifetime, rec.Code, rec.Body)
		}
		moveBy(2 * time.Second)
		if rec := apply(access); rec.Code != http.StatusForbidden {
			t.Fatalf("at the end of its %v: %d %s; want 403", lifetime, rec.Code, rec.Body)
		}
	})

	t.Run("a ccmessaging-token comes up for rotation", func(t *testing.T) {
		access, _ := accessToken()
		rec := apply(access)
		var r struct{ Token string }
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &r) != nil || r.Token == "" {
			t.Fatalf("applyToken: %d %s", rec.Code, rec.Body)
		}
		later := func() *httptest.ResponseRecorder {
			access, _ := accessToken() // the clock moves past an AccessToken's default lifetime
			hdr := authorized(access)
			hdr.Set("ccmessaging-token", r.Token)
			return send(http.MethodPost, server.LaterCallPath, hdr, "")
		}
		if rec := later(); rec.Code != http.StatusOK || rec.Header().Get("ccmessaging-token") != "" {
			t.Fatalf("a later call at once: %d, new token %q; want 200 and none", rec.Code, rec.Header().Get("ccmessaging-token"))
		}
		// An hour's token, renewed in its last 5 minutes (cfg above).
		moveBy(56 * time.Minute)
		if rec := later(); rec.Code != http.StatusOK || rec.Header().Get("ccmessaging-token") == "" {
			t.Fatalf("a later call 56m on: %d %s, no new ccmessaging-token; want 200 with one", rec.Code, rec.Body)
		}
		moveBy(4 * time.Minute)
		if rec := later(); rec.Code != http.StatusUnauthorized {
			t.Fatalf("a later call 60m on: %d %s; want 401, the token expired", rec.Code, rec.Body)
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		for _, tc := range []struct{ body, reason string }{
			{`{"by":"0s"}`, "by 0s does not move the clock forward: want more than 0s, at most 24h0m0s"},
			{`{"by":"-90s"}`, "by -1m30s does not move the clock forward"},
			{`{"by":"24h0m1s"}`, "by 24h0m1s is more than 24h0m0s, the most one call moves the clock"},
			{`{"by":"soon"}`, `by \"soon\" is not a duration such as 90s or 1h`},
			{`{"by":""}`, `want {\"by\": \"90s\"}`},
			{`{}`, `want {\"by\": \"90s\"}`},
			{`{"by":90}`, "cannot unmarshal number"},
			{`{"by":"90s","to":"2030-01-01"}`, `unknown field \"to\"`},
			{`not json`, "invalid character"},
		} {
			rec := send(http.MethodPost, "/_stub/advance", nil, tc.body)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.reason) || !strings.Contains(rec.Body.String(), `"errorCode":"invalid_request"`) {
				t.Errorf("%s: %d %s; want 400 saying %q", tc.body, rec.Code, rec.Body, tc.reason)
			}
		}
		// The refused moves left the clock alone: a token is still good.
		access, _ := accessToken()
		if rec := apply(access); rec.Code != http.StatusOK {
			t.Errorf("after the refused moves: %d %s", rec.Code, rec.Body)
		}
		rec := send(http.MethodGet, "/_stub/advance", nil, "")
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
			t.Errorf("GET /_stub/advance: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
		}
	})

	t.Run("off by default", func(t *testing.T) {
		stub, ctl, err := newStub(server.DefaultConfig(), false)
		if err != nil || ctl != nil {
			t.Fatalf("newStub without -controls: controls %v, %v; want none", ctl, err)
		}
		rec := httptest.NewRecorder()
		routes(stub, ctl).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_stub/advance", strings.NewReader(`{"by":"90s"}`)))
		if rec.Code != http.StatusNotFound {
			t.Errorf("without -controls: %d; want the stub's 404", rec.Code)
		}
	})
}

// TestOffsetClock: the clock runs with the wall clock, ahead by what it
// was moved, and a refused move leaves it where it was.
func TestOffsetClock(t *testing.T) {
	var c offsetClock
	before := time.Now()
	if now := c.Now(); now.Before(before) || now.Sub(before) > time.Minute {
		t.Fatalf("unmoved: %v; want the wall clock, %v", now, before)
	}
	if err := c.Advance(90 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(maxAdvance); err != nil {
		t.Fatal(err)
	}
	want := before.Add(maxAdvance + 90*time.Second)
	if now := c.Now(); now.Before(want) || now.Sub(want) > time.Minute {
		t.Errorf("moved by 24h1m30s: %v; want %v or a little later", now, want)
	}
	for _, d := range []time.Duration{0, -time.Second, maxAdvance + 1} {
		if err := c.Advance(d); err == nil {
			t.Errorf("Advance(%v) taken", d)
		}
	}
	c.offset.Store(math.MaxInt64 - int64(time.Hour))
	if err := c.Advance(2 * time.Hour); err == nil || !strings.Contains(err.Error(), "can move no further") {
		t.Errorf("past the largest offset: %v", err)
	}
	if got := c.offset.Load(); got != math.MaxInt64-int64(time.Hour) {
		t.Errorf("a refused move changed the offset to %v", time.Duration(got))
	}
}
