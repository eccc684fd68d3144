package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen"
)

// TestErrorHooksWriteTheErrorBody drives each hook the generated code
// calls, as it would, and checks the answer is the contract's Error.
func TestErrorHooksWriteTheErrorBody(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		name   string
		hook   func(http.ResponseWriter, *http.Request, error)
		status int
	}{
		{"std-http ErrorHandlerFunc and strict RequestErrorHandlerFunc", h.stub.requestError, http.StatusBadRequest},
		{"strict ResponseErrorHandlerFunc", h.stub.responseError, http.StatusInternalServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			tc.hook(&responseWriter{ResponseWriter: rec}, r, errors.New("json: secret detail "+canary))
			if rec.Code != tc.status {
				t.Errorf("status %d; want %d", rec.Code, tc.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != jsonContentType {
				t.Errorf("Content-Type %q", ct)
			}
			if strings.Contains(rec.Body.String(), canary) {
				t.Errorf("the answer repeats the error: %s", rec.Body)
			}
			errorBody(t, rec.Body.Bytes())
		})
	}
	t.Run("no second answer", func(t *testing.T) {
		rec := httptest.NewRecorder()
		w := &responseWriter{ResponseWriter: rec}
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("{}"))
		h.stub.responseError(w, httptest.NewRequest(http.MethodPost, "/", nil), errors.New("late"))
		if rec.Code != http.StatusOK || rec.Body.String() != "{}" {
			t.Errorf("got %d %q; want the first answer untouched", rec.Code, rec.Body)
		}
	})
	if log := h.log.String(); !strings.Contains(log, "answer failed") {
		t.Errorf("the response hook logged nothing: %s", log)
	}
}

// TestPanicGoesToTheLogOnly: the caller sees the Error body, the log the
// panic and its stack.
func TestPanicGoesToTheLogOnly(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Now = func() time.Time { panic("clock broke " + canary) } })
	resp, body := h.do(h.tokenRequest(demoKey, demoSecret, ""))
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d; want 500", resp.StatusCode)
	}
	if strings.Contains(string(body), canary) || strings.Contains(string(body), "goroutine") {
		t.Errorf("the answer carries the panic: %s", body)
	}
	if log := h.log.String(); !strings.Contains(log, "clock broke "+canary) || !strings.Contains(log, "runtime/debug.Stack") {
		t.Errorf("the log lacks the panic or its stack:\n%s", log)
	}
}

// TestPanicAfterTheAnswerBegan: a half-written answer cannot be mended, so
// the connection is cut; net/http's own abort passes through untouched.
func TestPanicAfterTheAnswerBegan(t *testing.T) {
	s := newHarness(t).stub
	for name, tc := range map[string]struct {
		begun bool
		value any
	}{
		"answer begun":        {true, "boom"},
		"ErrAbortHandler":     {false, http.ErrAbortHandler},
		"abort, answer begun": {true, http.ErrAbortHandler},
	} {
		got := func() (v any) {
			defer func() { v = recover() }()
			w := &responseWriter{ResponseWriter: httptest.NewRecorder()}
			if tc.begun {
				w.WriteHeader(http.StatusOK)
			}
			func() {
				defer s.recoverPanic(w, httptest.NewRequest(http.MethodPost, "/", nil), &exchange{})
				panic(tc.value)
			}()
			return nil
		}()
		if got != http.ErrAbortHandler {
			t.Errorf("%s: recovered %v; want http.ErrAbortHandler", name, got)
		}
	}
}

// TestApplyTokenOutsideServeHTTP: without the credentials ServeHTTP
// checked, the operation trusts nobody.
func TestApplyTokenOutsideServeHTTP(t *testing.T) {
	s := newHarness(t).stub
	resp, err := s.ApplyToken(context.Background(), gen.ApplyTokenRequestObject{Body: &gen.ApplyTokenRequest{
		UserId: "u", UserName: "n", ChannelId: enabledChannel, Locale: "en",
	}})
	if _, ok := resp.(gen.ApplyToken401JSONResponse); !ok || err != nil {
		t.Errorf("got %T, %v; want a 401", resp, err)
	}
}

func TestFailNextRefusesWhatTheContractDoesNotDocument(t *testing.T) {
	s := newHarness(t).stub
	for _, tc := range []struct {
		op     string
		status int
	}{
		{"getToken", 500}, {"", 500}, {applyOp, 200}, {applyOp, 418}, {applyOp, 405},
		{tokenOp, 403}, {tokenOp, 404}, {tokenOp, 429},
	} {
		if err := s.FailNext(tc.op, tc.status); err == nil {
			t.Errorf("FailNext(%q, %d) accepted", tc.op, tc.status)
		}
	}
}

// TestFailNextQueues: failures fire in order, once each, for their
// operation alone.
func TestFailNextQueues(t *testing.T) {
	h := newHarness(t)
	for _, status := range []int{500, 403} {
		if err := h.stub.FailNext(applyOp, status); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []int{500, 403, 200} {
		req := h.applyRequest(h.accessToken(demoKey, demoSecret), applyBody(nil)) // tokenByAkSk is not affected
		if resp, body := h.do(req); resp.StatusCode != want {
			t.Errorf("status %d; want %d: %s", resp.StatusCode, want, body)
		}
	}
}
