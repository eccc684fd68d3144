package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/openapi"
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
			readError(t, rec.Body.Bytes())
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

// TestBindErrorNamesTheRule: a request the rules pass but the generated
// wrapper cannot bind (a header parameter sent twice: the rules read the
// first value, as kin-openapi does) gets a 400 that says what is wrong, in
// the contract's words, as every other 400 does; before the fix its text
// was the contract's example alone.
func TestBindErrorNamesTheRule(t *testing.T) {
	h := newHarness(t)
	sv := readSpec(t)
	req := h.tokenRequest(demoKey, demoSecret, "")
	req.Header[expireParam] = []string{itoa(sv.expireDefault), itoa(sv.expireMin)}
	resp, body := h.do(req)
	_, info := readError(t, body)
	const want = "Incorrect request: header " + expireParam + " must be sent once. Check the request path and parameters."
	if resp.StatusCode != http.StatusBadRequest || info != want {
		t.Errorf("%s twice: %d %q; want 400 %q", expireParam, resp.StatusCode, info, want)
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
				defer s.recoverPanic(w, httptest.NewRequest(http.MethodPost, "/", nil))
				panic(tc.value)
			}()
			return nil
		}()
		if got != http.ErrAbortHandler {
			t.Errorf("%s: recovered %v; want http.ErrAbortHandler", name, got)
		}
	}
}

// TestVendorCalledDirectly: the vendor takes everything from its request
// objects, so a direct call answers as it would behind the chain.
func TestVendorCalledDirectly(t *testing.T) {
	h := newHarness(t)
	v := h.stub.vendor
	resp, err := v.ApplyToken(context.Background(), apiserver.ApplyTokenRequestObject{
		Params: apiserver.ApplyTokenParams{XAppKey: demoKey},
		Body:   &apiserver.ApplyTokenRequest{UserID: "u", UserName: "n", ChannelID: enabledChannel, Locale: "en"},
	})
	ok, isOK := resp.(apiserver.ApplyToken200JSONResponse)
	if err != nil || !isOK || ok.Body.Token == "" || ok.Body.ResultCode != apiserver.ResultCodeSuccess {
		t.Fatalf("ApplyToken: %#v, %v; want a 200 with a token", resp, err)
	}
	if v.signer.verify(purposeMessaging, demoKey, ok.Body.Token, h.clock.Now()) != nil {
		t.Error("the token is not the demo app's ccmessaging-token")
	}
	sv := readSpec(t)
	expire := int32(sv.expireMin)
	resp2, err := v.TokenByAkSk(context.Background(), apiserver.TokenByAkSkRequestObject{
		Params: apiserver.TokenByAkSkParams{XTokenExpire: &expire},
		Body:   &apiserver.AccessTokenRequest{AppKey: demoKey, AppSecret: demoSecret},
	})
	access, isOK := resp2.(apiserver.TokenByAkSk200JSONResponse)
	if err != nil || !isOK || access.Body.Expires != itoa(sv.expireMin) || !v.accessGranted(demoKey, access.Body.AccessToken) {
		t.Fatalf("TokenByAkSk: %#v, %v; want a 200 with a %ds AccessToken", resp2, err, sv.expireMin)
	}
	for name, req := range map[string]apiserver.TokenByAkSkRequestObject{
		"no body":           {},
		"below the minimum": {Params: apiserver.TokenByAkSkParams{XTokenExpire: new(int32(sv.expireMin - 1))}, Body: &apiserver.AccessTokenRequest{AppKey: demoKey, AppSecret: demoSecret}},
		"wrong secret":      {Body: &apiserver.AccessTokenRequest{AppKey: demoKey, AppSecret: "x"}},
		"unknown key":       {Body: &apiserver.AccessTokenRequest{AppKey: "x", AppSecret: demoSecret}},
	} {
		if resp, err := v.TokenByAkSk(context.Background(), req); err != nil {
			t.Errorf("%s: %v", name, err)
		} else if _, isOK := resp.(apiserver.TokenByAkSk200JSONResponse); isOK {
			t.Errorf("%s: a 200", name)
		}
	}
}

// TestFailNextRefusesWhatTheContractDoesNotDocument: FailNext takes only
// an error status the operation documents: not an operation the contract
// lacks, not a success, not any status of 4xx and 5xx the operation's
// Statuses leave out (405 and 418 among them; tokenByAkSk's own lack of
// 403 and 404 today).
func TestFailNextRefusesWhatTheContractDoesNotDocument(t *testing.T) {
	s := newHarness(t).stub
	refused := func(op string, status int) {
		t.Helper()
		if err := s.FailNext(op, status); err == nil {
			t.Errorf("FailNext(%q, %d) accepted", op, status)
		}
	}
	refused("getToken", 500)
	refused("", 500)
	for _, op := range openapi.Operations() {
		tried := 0
		for _, status := range op.Statuses() {
			if status < 400 {
				refused(op.ID, status) // a success is no failure
				tried++
			}
		}
		for _, status := range undocumented(op) {
			refused(op.ID, status)
			tried++
		}
		if tried == 0 {
			t.Errorf("%s documents every status this test would try", op.ID)
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
