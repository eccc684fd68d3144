// Package spectest checks HTTP answers against openapi/applytoken.yaml, for
// the kit's own tests: one place that decides whether an answer keeps to
// the contract, shared by the tests of the server, its in-process fake and
// the built binary. It is openapi's response validator plus the stub's own
// promises (the exact Content-Type, 404 and 405 outside the operations).
//
//	resp, body := ... // any exchange with the stub
//	spectest.Check(t, req, resp, body)
//
// It also hands the tests the contract's values they probe (values.go),
// so that none restates a bound or a pattern of the spec:
//
//	locale := spectest.Refused(t, spectest.Property(t, openapi.ApplyToken, "locale"), "locale", "English")
package spectest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
)

// ContentType is the media type of every JSON answer.
const ContentType = "application/json; charset=UTF-8"

// Check fails t unless resp, whose body is body, is an answer the contract
// allows to req. On a path and method of the contract the answer is
// validated by openapi.ValidateResponse, so a status the operation does
// not document fails. The only answers outside the spec it accepts are 404
// on an unknown path and 405, with an Allow header listing the path's
// methods, on a known path; both must carry the Error body.
func Check(t testing.TB, req *http.Request, resp *http.Response, body []byte) {
	t.Helper()
	where := req.Method + " " + req.URL.Path
	if ct := resp.Header.Get("Content-Type"); ct != ContentType {
		t.Errorf("%s: %d answer has Content-Type %q; want %q", where, resp.StatusCode, ct, ContentType)
	}
	methods := openapi.Methods(req.URL.Path)
	if len(methods) == 0 || req.URL.RawPath != "" {
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d on a path the contract does not have; want 404", where, resp.StatusCode)
		}
		checkError(t, where, req, body)
		return
	}
	op := openapi.OperationAt(req.Method, req.URL.Path)
	if op == nil {
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d on a method the path does not have; want 405", where, resp.StatusCode)
		}
		if got, want := resp.Header.Get("Allow"), strings.Join(methods, ", "); got != want {
			t.Errorf("%s: 405 with Allow %q; want %q", where, got, want)
		}
		checkError(t, where, req, body)
		return
	}
	if err := openapi.ValidateResponse(op.ID, req, resp.StatusCode, resp.Header, body); err != nil {
		t.Errorf("%s: %v\nbody: %.300s", where, err, body)
	}
}

// checkError validates body against the Error schema. An answer to HEAD
// has no body to check.
func checkError(t testing.TB, where string, req *http.Request, body []byte) {
	t.Helper()
	if req.Method == http.MethodHead {
		return
	}
	if err := openapi.ValidateError(body); err != nil {
		t.Errorf("%s: %v: %.300s", where, err, body)
	}
}
