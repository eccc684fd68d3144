package spectest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
)

// recorder notes failures instead of failing the test that runs Check.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// TestCheckHasTeeth: Check passes answers the contract allows and fails
// each kind it does not.
func TestCheckHasTeeth(t *testing.T) {
	const errBody = `{"errorCode":"not_found","exceptionInfo":"Not found."}`
	const applyOK = `{"token":"t","resultCode":"0"}`
	json := http.Header{"Content-Type": {ContentType}}
	with := func(h http.Header, k, v string) http.Header {
		h = h.Clone()
		h.Set(k, v)
		return h
	}
	for _, tc := range []struct {
		name, method, path string
		status             int
		header             http.Header
		body               string
		ok                 bool
	}{
		{"200 with no-store", "POST", openapi.ApplyTokenPath, 200, with(json, "Cache-Control", "no-store"), applyOK, true},
		{"404 on an unknown path", "POST", "/nope", 404, json, errBody, true},
		{"405 with Allow", "GET", openapi.ApplyTokenPath, 405, with(json, "Allow", "POST"), errBody, true},
		{"401 with its challenge", "POST", openapi.ApplyTokenPath, 401, with(json, "WWW-Authenticate", "Bearer"), errBody, true},

		{"200 without Cache-Control", "POST", openapi.ApplyTokenPath, 200, json, applyOK, false},
		{"status the contract lacks", "POST", openapi.ApplyTokenPath, 418, json, errBody, false},
		{"404 on a path of tokenByAkSk", "POST", openapi.TokenByAkSkPath, 404, json, errBody, false},
		{"Content-Type without charset", "POST", "/nope", 404, http.Header{"Content-Type": {"application/json"}}, errBody, false},
		{"401 without its challenge", "POST", openapi.ApplyTokenPath, 401, json, errBody, false},
		{"not the Error body", "POST", openapi.ApplyTokenPath, 400, json, `{"error":"x"}`, false},
		{"empty exceptionInfo", "POST", openapi.ApplyTokenPath, 500, json, `{"errorCode":"x","exceptionInfo":""}`, false},
		{"405 without Allow", "GET", openapi.ApplyTokenPath, 405, json, errBody, false},
		{"404 on a known path and method", "POST", openapi.ApplyTokenPath + "x", 200, json, applyOK, false},
		{"unknown path answered as HTML", "POST", "/nope", 404, json, "<html>", false},
		{"405 on a known method", "POST", openapi.ApplyTokenPath, 405, with(json, "Allow", "POST"), errBody, false},
	} {
		rec := &recorder{TB: t}
		req := httptest.NewRequest(tc.method, tc.path, nil)
		Check(rec, req, &http.Response{StatusCode: tc.status, Header: tc.header}, []byte(tc.body))
		if ok := len(rec.failures) == 0; ok != tc.ok {
			t.Errorf("%s: passed %v; want %v (failures: %q)", tc.name, ok, tc.ok, rec.failures)
		}
	}
}
