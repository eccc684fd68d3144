package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

// TestFailNextEveryDocumentedStatus arms every error status the contract
// documents for each operation: each is answered with that status, the
// contract's example Error body and its documented headers.
func TestFailNextEveryDocumentedStatus(t *testing.T) {
	h := newHarness(t)
	for _, op := range openapi.Operations() {
		for _, status := range op.Statuses() {
			if status < 400 {
				continue
			}
			if err := h.stub.FailNext(op.ID, status); err != nil {
				t.Fatal(err)
			}
			req := h.request(op.Method, op.Path, http.Header{"Content-Type": {"application/json"}}, nil)
			resp, body := h.do(req)
			if resp.StatusCode != status {
				t.Errorf("%s %d: status %d", op.ID, status, resp.StatusCode)
			}
			if want := errorBody(op, status); !sameError(body, want.ErrorCode, want.ExceptionInfo) {
				t.Errorf("%s %d: body %s; want the contract's example %+v", op.ID, status, body, want)
			}
			for _, hd := range op.Response(status).Headers {
				if got := resp.Header.Get(hd.Name); got != hd.Example {
					t.Errorf("%s %d: %s %q; want %q", op.ID, status, hd.Name, got, hd.Example)
				}
			}
		}
	}
}

// TestFailNextTakesTheSpecsShape: a status the spec documents with a
// header, here one neither operation documents (429 while the contract
// has none) added with Retry-After to a copy of applyToken, is answered
// with it and no change to the stub; one added with no example, with a
// fixed text.
func TestFailNextTakesTheSpecsShape(t *testing.T) {
	free := undocumented(contract.ApplyToken, contract.TokenByAkSk)
	if len(free) < 2 {
		t.Fatalf("the contract documents all but %v of the error statuses; this test needs two it does not", free)
	}
	withHeader, plain := free[0], free[1]
	apply := *contract.ApplyToken
	apply.Responses = append(slices.Clone(apply.Responses),
		rules.Response{Status: withHeader, Schema: "Error", Example: `{"errorCode":"slow_down","exceptionInfo":"Slow down."}`,
			Headers: []rules.Header{{Name: "Retry-After", Required: true, Example: "30"}}},
		rules.Response{Status: plain, Schema: "Error"}) // no example: a fixed text
	slices.SortFunc(apply.Responses, func(a, b rules.Response) int { return a.Status - b.Status })
	text := http.StatusText(plain)
	cfg := DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	s, err := newStub(cfg, []*rules.Operation{&apply, contract.TokenByAkSk})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		status     int
		code, info string
		retryAfter string
	}{
		{withHeader, "slow_down", "Slow down.", "30"},
		{plain, strings.ToLower(strings.ReplaceAll(text, " ", "_")), text + ".", ""},
	} {
		if err := s.FailNext(openapi.ApplyToken, tc.status); err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, openapi.ApplyTokenPath, bytes.NewReader(applyBody(nil))))
		if rec.Code != tc.status || rec.Header().Get("Retry-After") != tc.retryAfter || !sameError(rec.Body.Bytes(), tc.code, tc.info) {
			t.Errorf("FailNext %d: got %d, Retry-After %q, %s; want %d, %q, %s %q",
				tc.status, rec.Code, rec.Header().Get("Retry-After"), rec.Body, tc.status, tc.retryAfter, tc.code, tc.info)
		}
		if ct := rec.Header().Get("Content-Type"); ct != jsonContentType {
			t.Errorf("FailNext %d: Content-Type %q", tc.status, ct)
		}
	}
	if err := s.FailNext(openapi.TokenByAkSk, withHeader); err == nil {
		t.Errorf("FailNext accepted a %d for tokenByAkSk, which documents none", withHeader)
	}
}

// undocumented are the error statuses none of ops documents, those a
// server is likeliest to add first (429, 503) first, then the rest of
// 4xx and 5xx that net/http names, ascending.
func undocumented(ops ...*rules.Operation) []int {
	candidates := []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}
	for status := 400; status <= 599; status++ {
		candidates = append(candidates, status)
	}
	var out []int
	for _, status := range candidates {
		if http.StatusText(status) == "" || slices.Contains(out, status) ||
			slices.ContainsFunc(ops, func(op *rules.Operation) bool { return op.Response(status) != nil }) {
			continue
		}
		out = append(out, status)
	}
	return out
}

func sameError(body []byte, code, info string) bool {
	var e struct{ ErrorCode, ExceptionInfo string }
	return json.Unmarshal(body, &e) == nil && e.ErrorCode == code && e.ExceptionInfo == info
}
