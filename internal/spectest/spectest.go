// Package spectest checks HTTP answers against openapi/applytoken.yaml, for
// the kit's own tests: one place that decides whether an answer keeps to
// the contract, shared by the tests of the server, its in-process fake and
// the built binary.
//
//	resp, body := ... // any exchange with the stub
//	spectest.Check(t, req, resp, body)
package spectest

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/aicc-kit/applytoken/openapi"
)

// ContentType is the media type of every JSON answer.
const ContentType = "application/json; charset=UTF-8"

var contract = sync.OnceValues(openapi.Load)

// Check fails t unless resp, whose body is body, is an answer the contract
// allows to req. On a path and method of the contract the answer is
// validated by kin-openapi's ValidateResponse with IncludeResponseStatus
// on, so a status the operation does not document fails. The only answers
// outside the spec it accepts are 404 on an unknown path and 405, with an
// Allow header listing the path's methods, on a known path; both must
// carry the Error body.
func Check(t testing.TB, req *http.Request, resp *http.Response, body []byte) {
	t.Helper()
	doc, err := contract()
	if err != nil {
		t.Fatal(err)
	}
	where := req.Method + " " + req.URL.Path
	if ct := resp.Header.Get("Content-Type"); ct != ContentType {
		t.Errorf("%s: %d answer has Content-Type %q; want %q", where, resp.StatusCode, ct, ContentType)
	}
	item := doc.Paths.Value(req.URL.Path)
	if item == nil || req.URL.RawPath != "" {
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d on a path the contract does not have; want 404", where, resp.StatusCode)
		}
		checkError(t, doc, where, req, body)
		return
	}
	op := item.GetOperation(req.Method)
	if op == nil {
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d on a method the path does not have; want 405", where, resp.StatusCode)
		}
		if got, want := resp.Header.Get("Allow"), allow(item); got != want {
			t.Errorf("%s: 405 with Allow %q; want %q", where, got, want)
		}
		checkError(t, doc, where, req, body)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route:   &routers.Route{Spec: doc, Path: req.URL.Path, PathItem: item, Method: req.Method, Operation: op},
		},
		Status:  resp.StatusCode,
		Header:  resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s: %d answer breaks the contract: %v\nbody: %.300s", where, resp.StatusCode, err, body)
	}
}

// checkError validates body against the Error schema. An answer to HEAD
// has no body to check.
func checkError(t testing.TB, doc *openapi3.T, where string, req *http.Request, body []byte) {
	t.Helper()
	if req.Method == http.MethodHead {
		return
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Errorf("%s: body is not JSON: %v: %.300s", where, err, body)
		return
	}
	if err := doc.Components.Schemas["Error"].Value.VisitJSON(v); err != nil {
		t.Errorf("%s: body is not the Error schema: %v: %.300s", where, err, body)
	}
}

func allow(item *openapi3.PathItem) string {
	return strings.Join(slices.Sorted(maps.Keys(item.Operations())), ", ")
}
