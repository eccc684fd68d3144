package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/openapi"
)

// strictCall is what a strict middleware saw of one call of the vendor.
type strictCall struct {
	operationID, pattern string
	request, response    any
}

// TestFlow proves the path of docs/architecture.md, "How one request flows
// through the stub", for a valid request of each operation sent to
// Stub.ServeHTTP: the generated ServeMux routed it (the request carries
// the generated router's pattern), the generated wrapper bound its header
// parameters and the generated strict handler its body (a strict
// middleware sees them in the request object), and the answer is the
// bytes and headers the generated Visit method writes for the response
// object the vendor returned. It fails if anything skips the generated
// strict handler. Requests the chain refuses never reach it.
func TestFlow(t *testing.T) {
	var calls []strictCall
	record := func(f apiserver.StrictHandlerFunc, operationID string) apiserver.StrictHandlerFunc {
		return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
			response, err := f(ctx, w, r, request)
			calls = append(calls, strictCall{operationID, r.Pattern, request, response})
			return response, err
		}
	}
	cfg := DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	s, err := newStub(cfg, contract.Operations, record)
	if err != nil {
		t.Fatal(err)
	}
	serve := func(path string, header http.Header, body []byte) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Header = header
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		return rec
	}
	// last returns the one call the request made through the strict handler.
	last := func(t *testing.T, before int) strictCall {
		t.Helper()
		if len(calls) != before+1 {
			t.Fatalf("%d calls through the generated strict handler; want 1", len(calls)-before)
		}
		return calls[before]
	}
	// sameAsVisit compares the answer with what visit writes.
	sameAsVisit := func(t *testing.T, op string, got *httptest.ResponseRecorder, visit func(http.ResponseWriter) error) {
		t.Helper()
		want := httptest.NewRecorder()
		if err := visit(&responseWriter{ResponseWriter: want, op: s.ops[op]}); err != nil {
			t.Fatal(err)
		}
		if got.Code != want.Code || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
			t.Errorf("answer %d %s; Visit writes %d %s", got.Code, got.Body, want.Code, want.Body)
		}
		for _, name := range slices.Sorted(maps.Keys(want.Header())) {
			if g, w := got.Header().Values(name), want.Header().Values(name); !slices.Equal(g, w) {
				t.Errorf("header %s %q; Visit writes %q", name, g, w)
			}
		}
	}

	sv := readSpec(t)
	var access string
	t.Run(openapi.TokenByAkSk, func(t *testing.T) {
		before := len(calls)
		hdr := http.Header{"Content-Type": {"application/json"}, "X-Token-Expire": {itoa(sv.expireMin)}}
		rec := serve(openapi.TokenByAkSkPath, hdr, credentials(demoKey, demoSecret))
		call := last(t, before)
		req, _ := call.request.(apiserver.TokenByAkSkRequestObject)
		if call.operationID != "TokenByAkSk" || call.pattern != "POST "+openapi.TokenByAkSkPath {
			t.Errorf("strict call %q routed by %q", call.operationID, call.pattern)
		}
		if p := req.Params.XTokenExpire; p == nil || int64(*p) != sv.expireMin {
			t.Errorf("X-Token-Expire not bound by the generated wrapper: %v", p)
		}
		if req.Body == nil || req.Body.AppKey != demoKey || req.Body.AppSecret != demoSecret {
			t.Errorf("body not bound by the generated strict handler: %+v", req.Body)
		}
		resp, ok := call.response.(apiserver.TokenByAkSk200JSONResponse)
		if !ok {
			t.Fatalf("the vendor answered %T", call.response)
		}
		access = resp.Body.AccessToken
		sameAsVisit(t, openapi.TokenByAkSk, rec, resp.VisitTokenByAkSkResponse)
	})
	t.Run(openapi.ApplyToken, func(t *testing.T) {
		before := len(calls)
		rec := serve(openapi.ApplyTokenPath, authHeader(demoKey, access), applyBody(nil))
		call := last(t, before)
		req, _ := call.request.(apiserver.ApplyTokenRequestObject)
		if call.operationID != "ApplyToken" || call.pattern != "POST "+openapi.ApplyTokenPath {
			t.Errorf("strict call %q routed by %q", call.operationID, call.pattern)
		}
		if req.Params.XAppKey != demoKey {
			t.Errorf("x-app-key not bound by the generated wrapper: %q", req.Params.XAppKey)
		}
		if req.Body == nil || req.Body.UserID != "user-0001" || req.Body.ChannelID != enabledChannel {
			t.Errorf("body not bound by the generated strict handler: %+v", req.Body)
		}
		resp, ok := call.response.(apiserver.ApplyToken200JSONResponse)
		if !ok {
			t.Fatalf("the vendor answered %T", call.response)
		}
		sameAsVisit(t, openapi.ApplyToken, rec, resp.VisitApplyTokenResponse)
	})
	t.Run("refused before the generated code", func(t *testing.T) {
		before := len(calls)
		for name, tc := range map[string]struct {
			path   string
			header http.Header
			body   []byte
			status int
		}{
			"forged AccessToken":       {openapi.ApplyTokenPath, authHeader(demoKey, "forged"), applyBody(nil), 403},
			"userId too long":          {openapi.ApplyTokenPath, authHeader(demoKey, access), applyBody(func(b map[string]any) { b["userId"] = repeat("u", sv.userIDMax+1) }), 400},
			"X-Token-Expire twice":     {openapi.TokenByAkSkPath, http.Header{"Content-Type": {"application/json"}, "X-Token-Expire": {itoa(sv.expireMin), itoa(sv.expireMin + 10)}}, credentials(demoKey, demoSecret), 400},
			"unknown path":             {"/nope", nil, nil, 404},
			"percent-encoded spelling": {"/apiaccess/ccmessaging/apply%54oken", authHeader(demoKey, access), applyBody(nil), 404},
		} {
			if rec := serve(tc.path, tc.header, tc.body); rec.Code != tc.status {
				t.Errorf("%s: status %d; want %d", name, rec.Code, tc.status)
			}
		}
		if len(calls) != before {
			t.Errorf("%d refused requests reached the strict handler", len(calls)-before)
		}
	})
}

// TestChainCallsTheGeneratedHandlerLast: a request the chain passes is
// answered by the handler the generated router registered, with the body
// it read from memory.
func TestChainCallsTheGeneratedHandlerLast(t *testing.T) {
	h := newHarness(t)
	op := h.stub.ops[openapi.TokenByAkSk]
	var got []byte
	generated := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusTeapot)
	})
	body := credentials(demoKey, demoSecret)
	r := httptest.NewRequest(http.MethodPost, op.Path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.stub.chain(op, generated).ServeHTTP(rec, r)
	if rec.Code != http.StatusTeapot || !bytes.Equal(got, body) {
		t.Errorf("status %d, body %q; want the generated handler's answer to the whole body", rec.Code, got)
	}
}
