package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
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
// header, here a 429 with Retry-After added to a copy of applyToken, is
// answered with it and no change to the stub.
func TestFailNextTakesTheSpecsShape(t *testing.T) {
	apply := *contract.ApplyToken
	apply.Responses = append(slices.Clone(apply.Responses),
		rules.Response{Status: 429, Schema: "Error", Example: `{"errorCode":"too_many_requests","exceptionInfo":"Slow down."}`,
			Headers: []rules.Header{{Name: "Retry-After", Required: true, Example: "30"}}},
		rules.Response{Status: 503, Schema: "Error"}) // no example: a fixed text
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
		{429, "too_many_requests", "Slow down.", "30"},
		{503, "service_unavailable", "Service Unavailable.", ""},
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
	if err := s.FailNext(openapi.TokenByAkSk, 429); err == nil {
		t.Error("FailNext accepted a 429 for tokenByAkSk, which documents none")
	}
}

func sameError(body []byte, code, info string) bool {
	var e struct{ ErrorCode, ExceptionInfo string }
	return json.Unmarshal(body, &e) == nil && e.ErrorCode == code && e.ExceptionInfo == info
}
