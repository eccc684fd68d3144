package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server"
)

// TestControls: -controls arms faults and configures channels; without it
// /_stub/ is just an unknown path of the stub.
func TestControls(t *testing.T) {
	post := func(t *testing.T, h http.Handler, path, body string, header http.Header) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		for k, vs := range header {
			req.Header[k] = vs
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	newRoutes := func(t *testing.T, withControls bool) http.Handler {
		stub, ctl, err := newStub(server.DefaultConfig(), withControls)
		if err != nil {
			t.Fatal(err)
		}
		return routes(stub, ctl)
	}
	credentials := http.Header{"Content-Type": {"application/json"}}
	validLogin := `{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`

	t.Run("fail-next", func(t *testing.T) {
		h := newRoutes(t, true)
		if rec := post(t, h, "/_stub/fail-next", `{"op":"tokenByAkSk","status":500}`, nil); rec.Code != http.StatusNoContent {
			t.Fatalf("fail-next: %d %s", rec.Code, rec.Body)
		}
		rec := post(t, h, openapi.TokenByAkSkPath, validLogin, credentials)
		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("armed tokenByAkSk: %d; want 500", rec.Code)
		}
		spectest.Check(t, httptest.NewRequest(http.MethodPost, openapi.TokenByAkSkPath, nil), rec.Result(), rec.Body.Bytes())
		if rec := post(t, h, openapi.TokenByAkSkPath, validLogin, credentials); rec.Code != http.StatusOK {
			t.Fatalf("the fault outlived its call: %d", rec.Code)
		}
	})
	t.Run("channel", func(t *testing.T) {
		h := newRoutes(t, true)
		if rec := post(t, h, "/_stub/channel", `{"id":"sales","enabled":true}`, nil); rec.Code != http.StatusNoContent {
			t.Fatalf("channel: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		h := newRoutes(t, true)
		for _, tc := range []struct {
			path, body string
			status     int
		}{
			{"/_stub/fail-next", `{"op":"applyToken","status":418}`, 400},
			{"/_stub/fail-next", `{"op":"nope","status":500}`, 400},
			{"/_stub/fail-next", `{"op":"applyToken","status":500,"x":1}`, 400},
			{"/_stub/fail-next", `not json`, 400},
			{"/_stub/channel", `{"id":"sales"}`, 400},
			{"/_stub/nothing", `{}`, 404},
		} {
			rec := post(t, h, tc.path, tc.body, nil)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), `"exceptionInfo"`) {
				t.Errorf("%s %s: %d %s; want %d with the Error body", tc.path, tc.body, rec.Code, rec.Body, tc.status)
			}
		}
		req := httptest.NewRequest(http.MethodGet, "/_stub/fail-next", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
			t.Errorf("GET /_stub/fail-next: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
		}
	})
	// A control request that is not what a control takes is named as such:
	// an unknown control is 404 whatever the method, and a body that is
	// empty, too large or followed by more is refused, saying so.
	t.Run("bad requests say why", func(t *testing.T) {
		h := newRoutes(t, true)
		for _, tc := range []struct {
			method, path, body string
			status             int
			allow, want        string
		}{
			{http.MethodGet, "/_stub/nothing", "", 404, "", "No such control"},
			{http.MethodDelete, "/_stub/", "", 404, "", "No such control"},
			{http.MethodGet, "/_stub/advance", "", 405, "POST", "Use POST"},
			{http.MethodGet, server.LaterCallPath, "", 405, "POST", "Use POST"},
			{http.MethodPost, "/_stub/advance", "", 400, "", "the body is empty; want a JSON object"},
			{http.MethodPost, "/_stub/channel", " \n", 400, "", "the body is empty; want a JSON object"},
			{http.MethodPost, "/_stub/advance", `{"by":"1s","x":"` + strings.Repeat("a", 5000) + `"}`, 400, "", "the body is over 4096 bytes"},
			{http.MethodPost, "/_stub/advance", `{"by":"90s"} {"by":"90s"}`, 400, "", "data after the JSON object"},
			{http.MethodPost, "/_stub/fail-next", `{"op":"applyToken","status":500}garbage`, 400, "", "data after the JSON object"},
			{http.MethodPost, "/_stub/advance", "{\"by\":\"90s\"}\n", 204, "", ""},
		} {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status || rec.Header().Get("Allow") != tc.allow || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%s %s %.40q: %d, Allow %q, %s; want %d, Allow %q, %q", tc.method, tc.path, tc.body, rec.Code, rec.Header().Get("Allow"), rec.Body, tc.status, tc.allow, tc.want)
			}
		}
		// A refused request armed nothing.
		if rec := post(t, h, openapi.TokenByAkSkPath, validLogin, credentials); rec.Code != http.StatusOK {
			t.Errorf("tokenByAkSk after refused controls: %d; want 200", rec.Code)
		}
	})
	t.Run("off by default", func(t *testing.T) {
		h := newRoutes(t, false)
		if rec := post(t, h, "/_stub/fail-next", `{"op":"tokenByAkSk","status":500}`, nil); rec.Code != http.StatusNotFound {
			t.Fatalf("without -controls: %d; want the stub's 404", rec.Code)
		}
		if rec := post(t, h, openapi.TokenByAkSkPath, validLogin, credentials); rec.Code != http.StatusOK {
			t.Fatalf("tokenByAkSk: %d", rec.Code)
		}
	})
}
