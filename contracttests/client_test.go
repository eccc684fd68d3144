package contracttests

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/client"
	"github.com/aicc-kit/applytoken/openapi"
)

// clientCase is one documented answer and what the client must make of it.
type clientCase struct {
	op      string
	status  int
	example string // a named example of the answer; "" for its only example
	// want is the sentinel the error must match; nil for success.
	want error
	// result is set when resultCode "1" must give a *client.ResultError.
	result bool
}

func clientCases() []clientCase {
	return []clientCase{
		{op: opTokenByAkSk, status: 200},
		{op: opTokenByAkSk, status: 400, want: client.ErrBadRequest},
		{op: opTokenByAkSk, status: 401, want: client.ErrUnauthorized},
		{op: opTokenByAkSk, status: 413, want: client.ErrPayloadTooLarge},
		{op: opTokenByAkSk, status: 500, want: client.ErrServer},
		{op: opApplyToken, status: 200, example: "success"},
		{op: opApplyToken, status: 200, example: "failure", result: true},
		{op: opApplyToken, status: 400, want: client.ErrBadRequest},
		{op: opApplyToken, status: 401, want: client.ErrUnauthorized},
		{op: opApplyToken, status: 403, want: client.ErrForbidden},
		{op: opApplyToken, status: 404, want: client.ErrNotFound},
		{op: opApplyToken, status: 413, want: client.ErrPayloadTooLarge},
		{op: opApplyToken, status: 500, want: client.ErrServer},
	}
}

var validRequest = client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "demo-channel", Locale: "en"}

// answerer arranges for the server at baseURL to give cc's answer, and
// returns the transport the client must use to get it.
type answerer func(cc clientCase) http.RoundTripper

// runClient drives the client through every case against baseURL, with
// every request and answer validated against the spec, and fails when a
// documented pair has no case.
func runClient(t *testing.T, baseURL string, answer answerer) {
	results := map[pair]string{}
	for _, cc := range clientCases() {
		p := pair{cc.op, cc.status}
		name := p.String()
		if cc.example != "" {
			name += "/" + cc.example
		}
		t.Run(name, func(t *testing.T) {
			defer func() {
				if t.Failed() {
					results[p] = orMark(results[p], "failed")
				} else {
					results[p] = "driven"
				}
			}()
			vt := &validatingTransport{t: t, base: answer(cc)}
			cl, err := client.New(baseURL,
				client.WithCredentials("demo-app-key", "demo-app-secret"),
				client.WithHTTPClient(&http.Client{Transport: vt, Timeout: 10 * time.Second}))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			tok, err := cl.ApplyToken(ctx, validRequest)
			checkClientResult(t, cc, tok, err, caseExample(t, cc))
			if vt.count() == 0 {
				t.Error("the client sent nothing")
			}
		})
	}
	reportCoverage(t, "client", documentedPairs(), results)
}

// caseExample returns the spec's example of the answer a case expects to
// end in: the error answer itself, or applyToken's success for a success.
func caseExample(t *testing.T, cc clientCase) map[string]any {
	t.Helper()
	op, status, name := cc.op, cc.status, cc.example
	if cc.want == nil && !cc.result {
		op, status, name = opApplyToken, http.StatusOK, "success"
	}
	data, err := openapi.ResponseExample(op, status, name)
	if err != nil {
		t.Fatalf("%s %d: %v", op, status, err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// checkClientResult checks the client's result against the spec example
// (ex) the answer was built from.
func checkClientResult(t *testing.T, cc clientCase, tok *client.Token, err error, ex map[string]any) {
	t.Helper()
	switch {
	case cc.result:
		var re *client.ResultError
		if !errors.As(err, &re) {
			t.Fatalf("err = %v; want a *client.ResultError", err)
		}
	case cc.want != nil:
		var ae *client.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v; want a *client.APIError", err)
		}
		if !errors.Is(err, cc.want) {
			t.Errorf("err = %v; want errors.Is %v", err, cc.want)
		}
		if ae.StatusCode != cc.status || ae.ErrorCode != ex["errorCode"] || ae.ExceptionInfo != ex["exceptionInfo"] {
			t.Errorf("APIError %+v; want status %d with the example's errorCode %q and exceptionInfo %q", ae, cc.status, ex["errorCode"], ex["exceptionInfo"])
		}
	default:
		if err != nil {
			t.Fatalf("ApplyToken: %v", err)
		}
		if tok.Value != ex["token"] || !tok.Valid() {
			t.Errorf("token %+v; want a valid token %q", tok, ex["token"])
		}
		if d := time.Until(tok.Expiry); d < 59*time.Minute || d > 61*time.Minute {
			t.Errorf("token expires in %v; want about an hour", d)
		}
	}
}

// validatingTransport checks every request the client sends, and every
// answer it gets, against the spec.
type validatingTransport struct {
	t    *testing.T
	base http.RoundTripper
	mu   sync.Mutex
	n    int
}

func (v *validatingTransport) count() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.n
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	v.mu.Lock()
	v.n++
	v.mu.Unlock()
	spec := openapi.OperationAt(req.Method, req.URL.Path)
	if spec == nil {
		v.t.Errorf("the client called %s %s, an operation the spec does not have", req.Method, req.URL.Path)
		return nil, errors.New("no such operation in the spec")
	}
	op := spec.ID
	if err := openapi.ValidateRequest(op, req); err != nil {
		v.t.Error(err)
	}
	if ct := req.Header.Get("Content-Type"); op == opApplyToken && ct != "application/json; charset=UTF-8" {
		v.t.Errorf("applyToken Content-Type %q; want exactly application/json; charset=UTF-8", ct)
	}
	resp, err := v.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := openapi.ValidateResponse(op, req, resp.StatusCode, resp.Header, body); err != nil {
		v.t.Error(err)
	}
	return resp, nil
}

// TestClientAgainstSpecExamples answers the client with the spec's own
// example for every documented status.
func TestClientAgainstSpecExamples(t *testing.T) {
	fake := newExampleServer(t)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	runClient(t, srv.URL, func(cc clientCase) http.RoundTripper {
		fake.reset()
		fake.set(cc.op, cc.status, cc.example)
		if cc.op == opTokenByAkSk {
			fake.set(opApplyToken, http.StatusOK, "success")
		}
		return http.DefaultTransport
	})
}
