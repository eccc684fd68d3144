package openapi_test

import (
	"bytes"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

// TestDocumentOnce: the document is parsed once and shared, and its
// operations are exactly gen/contract's.
func TestDocumentOnce(t *testing.T) {
	a, err := openapi.Document()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := openapi.Document(); a != b {
		t.Error("Document parsed the contract twice")
	}
	var ids []string
	for _, path := range a.Paths.InMatchingOrder() {
		for _, op := range a.Paths.Value(path).Operations() {
			ids = append(ids, op.OperationID)
			if openapi.Operation(op.OperationID) == nil {
				t.Errorf("applytoken.yaml's %s is not in gen/contract: run make generate", op.OperationID)
			}
		}
	}
	for _, op := range openapi.Operations() {
		r, err := openapi.Route(op.ID)
		if err != nil || r.Operation.OperationID != op.ID || r.Path != op.Path || r.Method != op.Method {
			t.Errorf("Route(%s) = %+v, %v", op.ID, r, err)
		}
	}
	if len(ids) != len(openapi.Operations()) {
		t.Errorf("the document has %d operations, gen/contract %d", len(ids), len(openapi.Operations()))
	}
	if _, err := openapi.Route("getToken"); err == nil {
		t.Error("Route of an unknown operation: no error")
	}
}

// answer is the spec's own answer for op and status: its example (or the
// named one) with the documented headers' examples.
func answer(t *testing.T, op string, status int, name string) (http.Header, []byte) {
	t.Helper()
	body, err := openapi.ResponseExample(op, status, name)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Content-Type": {"application/json; charset=UTF-8"}}
	for _, hd := range openapi.Operation(op).Response(status).Headers {
		h.Set(hd.Name, hd.Example)
	}
	return h, body
}

// exampleNames are the named examples of op's answer with status, or ""
// for its single example.
func exampleNames(t *testing.T, op string, status int) []string {
	r, err := openapi.Route(op)
	if err != nil {
		t.Fatal(err)
	}
	mt := r.Operation.Responses.Status(status).Value.Content.Get("application/json")
	if mt.Example != nil {
		return []string{""}
	}
	return slices.Sorted(maps.Keys(mt.Examples))
}

// TestValidateResponse passes every example answer of the spec and fails
// each kind of answer it does not document.
func TestValidateResponse(t *testing.T) {
	for _, op := range openapi.Operations() {
		req := httptest.NewRequest(op.Method, op.Path, nil)
		for _, status := range op.Statuses() {
			for _, name := range exampleNames(t, op.ID, status) {
				h, body := answer(t, op.ID, status, name)
				if err := openapi.ValidateResponse(op.ID, req, status, h, body); err != nil {
					t.Errorf("%s %d %s: the spec's own example fails: %v", op.ID, status, name, err)
				}
			}
		}
	}
	req := httptest.NewRequest(http.MethodPost, openapi.ApplyTokenPath, nil)
	okHeader, okBody := answer(t, openapi.ApplyToken, 200, "success")
	errHeader, errBody := answer(t, openapi.ApplyToken, 401, "")
	without := func(h http.Header, name string) http.Header { h = h.Clone(); h.Del(name); return h }
	set := func(h http.Header, name, v string) http.Header { h = h.Clone(); h.Set(name, v); return h }
	for name, tc := range map[string]struct {
		status int
		header http.Header
		body   string
		want   string
	}{
		"a status the spec lacks":     {418, errHeader, string(errBody), "status is not supported"},
		"Cache-Control missing":       {200, without(okHeader, "Cache-Control"), string(okBody), "Cache-Control"},
		"Cache-Control another value": {200, set(okHeader, "Cache-Control", "max-age=60"), string(okBody), "Cache-Control"},
		"WWW-Authenticate missing":    {401, without(errHeader, "WWW-Authenticate"), string(errBody), "WWW-Authenticate"},
		"resultCode a number":         {200, okHeader, `{"token":"t","resultCode":0}`, "resultCode"},
		"two fields wrong":            {200, okHeader, `{"token":7,"resultCode":0}`, "token"},
		"not the Error body":          {401, errHeader, `{"error":"x"}`, "errorCode"},
		"not JSON":                    {401, errHeader, `<html>`, "decode"},
		"text/html":                   {401, set(errHeader, "Content-Type", "text/html"), string(errBody), "Content-Type"},
	} {
		err := openapi.ValidateResponse(openapi.ApplyToken, req, tc.status, tc.header, []byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want an error naming %q", name, err, tc.want)
		}
	}
}

func TestValidateError(t *testing.T) {
	for body, ok := range map[string]bool{
		`{"errorCode":"not_found","exceptionInfo":"Not found."}`:           true,
		`{"errorCode":"not_found","exceptionInfo":"Not found.","extra":1}`: true,
		`{"errorCode":"not_found"}`:                                        false,
		`{"errorCode":"","exceptionInfo":"x"}`:                             false,
		`{"errorCode":"not_found","exceptionInfo":"Not found."}{}`:         false,
		`not json`: false,
		``:         false,
		`[{"errorCode":"not_found","exceptionInfo":"Not found."}]`:                                            false,
		"{\"errorCode\":\"not_found\",\"exceptionInfo\":\"Not found.\"}\n":                                    true,
		`{"errorCode":7,"exceptionInfo":"Not found."}`:                                                        false,
		`{"errorCode":"not_found","exceptionInfo":"Not found.","errorCode":"later one wins, still a string"}`: true,
	} {
		if err := openapi.ValidateError([]byte(body)); (err == nil) != ok {
			t.Errorf("ValidateError(%q) = %v; want ok %v", body, err, ok)
		}
	}
}

// request is a valid request for op, as the client sends it.
func request(op, body string, header ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, openapi.Operation(op).Path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if op == openapi.ApplyToken {
		r.Header.Set("x-app-key", "demo-app-key")
		r.Header.Set("Authorization", "Bearer an-access-token")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			r.Header.Del(header[i])
		} else {
			r.Header.Set(header[i], header[i+1])
		}
	}
	return r
}

func TestValidateRequest(t *testing.T) {
	const apply = `{"userId":"user-0001","userName":"Alice","channelId":"demo-channel","locale":"en"}`
	const login = `{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`
	// The bounds probed, from gen/contract: the spec's own test
	// (spec_test.go) holds them to the vendor's pages.
	var expire *rules.Schema
	for _, p := range openapi.Operation(openapi.TokenByAkSk).Params {
		if p.Name == "X-Token-Expire" {
			expire = p.Schema
		}
	}
	if expire == nil || expire.Minimum == nil || expire.Maximum == nil {
		t.Fatal("the contract's X-Token-Expire needs a minimum and a maximum, which this test probes")
	}
	capBytes := openapi.Operation(openapi.TokenByAkSk).Body.MaxBytes
	if capBytes == 0 {
		t.Fatal("the contract's tokenByAkSk body has no x-max-body-bytes, which this test probes")
	}
	atLeast := strconv.FormatInt(int64(*expire.Minimum), 10)
	beyond := strconv.FormatInt(int64(*expire.Maximum)+1, 10)
	for name, tc := range map[string]struct {
		req  *http.Request
		want string // "" for valid
	}{
		"a valid applyToken request":      {request(openapi.ApplyToken, apply), ""},
		"Bearer in lower case":            {request(openapi.ApplyToken, apply, "Authorization", "bearer t"), ""},
		"a valid tokenByAkSk request":     {request(openapi.TokenByAkSk, login), ""},
		"X-Token-Expire at its minimum":   {request(openapi.TokenByAkSk, login, "X-Token-Expire", atLeast), ""},
		"Authorization missing":           {request(openapi.ApplyToken, apply, "Authorization", ""), "Authorization"},
		"Authorization Basic":             {request(openapi.ApplyToken, apply, "Authorization", "Basic eA=="), "Authorization"},
		"x-app-key missing":               {request(openapi.ApplyToken, apply, "x-app-key", ""), "x-app-key"},
		"locale not a language code":      {request(openapi.ApplyToken, strings.Replace(apply, `"en"`, `"12"`, 1)), "locale"},
		"X-Token-Expire past its maximum": {request(openapi.TokenByAkSk, login, "X-Token-Expire", beyond), "X-Token-Expire"},
		"text/plain":                      {request(openapi.TokenByAkSk, login, "Content-Type", "text/plain"), "Content-Type"},
		"two JSON values":                 {request(openapi.TokenByAkSk, login+login), "one JSON value"},
		"not UTF-8":                       {request(openapi.TokenByAkSk, strings.Replace(login, "demo-app-secret", "demo\xff", 1)), "UTF-8"},
		"over x-max-body-bytes":           {request(openapi.TokenByAkSk, `{"app_key":"k","app_secret":"`+strings.Repeat("s", int(capBytes))+`"}`), "x-max-body-bytes"},
		"body missing":                    {request(openapi.TokenByAkSk, ""), "required"},
		"an operation the spec lacks":     {request(openapi.TokenByAkSk, login), "no operation"},
	} {
		op := openapi.OperationAt(tc.req.Method, tc.req.URL.Path).ID
		if name == "an operation the spec lacks" {
			op = "getToken"
		}
		err := openapi.ValidateRequest(op, tc.req)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v; want valid", name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v; want an error naming %q", name, err, tc.want)
		}
	}
}

// TestValidateRequestLeavesTheRequest: the request goes out as it came,
// body and all, without the defaults kin-openapi would write into it.
func TestValidateRequestLeavesTheRequest(t *testing.T) {
	const login = `{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`
	req := request(openapi.TokenByAkSk, login)
	before := req.Header.Clone()
	if err := openapi.ValidateRequest(openapi.TokenByAkSk, req); err != nil {
		t.Fatal(err)
	}
	if !maps.EqualFunc(req.Header, before, slices.Equal) {
		t.Errorf("header %v after validation; want %v (X-Token-Expire's default must not be written)", req.Header, before)
	}
	got, _ := io.ReadAll(req.Body)
	if !bytes.Equal(got, []byte(login)) {
		t.Errorf("body %q after validation; want %q", got, login)
	}
}

func TestResponseExample(t *testing.T) {
	if _, err := openapi.ResponseExample(openapi.ApplyToken, 200, ""); err == nil {
		t.Error("applyToken 200 has named examples only; want an error for the single one")
	}
	if _, err := openapi.ResponseExample(openapi.ApplyToken, 200, "nope"); err == nil {
		t.Error("an example name the spec lacks: no error")
	}
	if _, err := openapi.ResponseExample(openapi.TokenByAkSk, 403, ""); err == nil {
		t.Error("a status the operation lacks: no error")
	}
	if b, err := openapi.ResponseExample(openapi.ApplyToken, 200, "failure"); err != nil || !bytes.Contains(b, []byte(`"resultCode":"1"`)) {
		t.Errorf("applyToken 200 failure = %s, %v", b, err)
	}
}
