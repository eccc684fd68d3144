package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/gen/contract"
)

var sentinels = map[int]error{
	400: ErrBadRequest,
	401: ErrUnauthorized,
	403: ErrForbidden,
	404: ErrNotFound,
	413: ErrPayloadTooLarge,
	500: ErrServer,
	502: ErrServer,
}

func TestSentinelMessages(t *testing.T) {
	for err, want := range map[error]string{
		ErrBadRequest:      "client: bad request (400)",
		ErrUnauthorized:    "client: unauthorized (401)",
		ErrForbidden:       "client: forbidden (403)",
		ErrNotFound:        "client: not found (404)",
		ErrPayloadTooLarge: "client: payload too large (413)",
		ErrServer:          "client: server error (5xx)",
	} {
		if err.Error() != want {
			t.Errorf("sentinel message = %q; want %q", err, want)
		}
	}
	if errors.Is(&APIError{StatusCode: 600}, ErrServer) || errors.Is(&APIError{StatusCode: 499}, ErrServer) {
		t.Error("ErrServer matches a status outside 5xx")
	}
}

// checkAPIError asserts that err is an *APIError with status and the
// matching sentinel (and no other).
func checkAPIError(t *testing.T, err error, status int, code, info string) *APIError {
	t.Helper()
	var aerr *APIError
	if !errors.As(err, &aerr) {
		t.Fatalf("error = %v (%T); want an *APIError", err, err)
	}
	if aerr.StatusCode != status || aerr.ErrorCode != code || aerr.ExceptionInfo != info {
		t.Errorf("APIError = {%d %q %q}; want {%d %q %q}", aerr.StatusCode, aerr.ErrorCode, aerr.ExceptionInfo, status, code, info)
	}
	for s, sentinel := range sentinels {
		want := s == status || (sentinel == ErrServer && status >= 500)
		if got := errors.Is(err, sentinel); got != want {
			t.Errorf("errors.Is(%d error, %v) = %v; want %v", status, sentinel, got, want)
		}
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "client: ") || strings.Contains(msg, testAppSecret) || strings.Contains(msg, "at-") {
		t.Errorf("message %q: want the client: prefix and no secret or token", msg)
	}
	return aerr
}

func TestApplyTokenStatuses(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 413, 500} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			u := newUpstream(t)
			u.setApply(func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, status, `{"errorCode":"code","exceptionInfo":"info"}`)
			})
			_, err := u.newClient(t).ApplyToken(context.Background(), testRequest)
			checkAPIError(t, err, status, "code", "info")
			if !strings.Contains(err.Error(), "applyToken") {
				t.Errorf("message %q does not name the operation", err)
			}
			// A 403 renews the AccessToken and tries once more.
			wantApply := int32(1)
			if status == http.StatusForbidden {
				wantApply = 2
			}
			if got := u.applyCalls.Load(); got != wantApply {
				t.Errorf("applyToken calls = %d; want %d", got, wantApply)
			}
		})
	}
}

func TestTokenByAkSkStatuses(t *testing.T) {
	for _, status := range []int{400, 401, 413, 500} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			u := newUpstream(t)
			u.setAksk(func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, status, `{"errorCode":"code","exceptionInfo":"info"}`)
			})
			_, err := u.newClient(t).ApplyToken(context.Background(), testRequest)
			checkAPIError(t, err, status, "code", "info")
			if !strings.Contains(err.Error(), "tokenByAkSk") {
				t.Errorf("message %q does not name the operation", err)
			}
			if got := u.applyCalls.Load(); got != 0 {
				t.Errorf("applyToken calls = %d; want 0", got)
			}
		})
	}
}

func TestResultError(t *testing.T) {
	u := newUpstream(t)
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"token":"","resultCode":"1","resultDesc":"The channel is disabled."}`)
	})
	_, err := u.newClient(t).ApplyToken(context.Background(), testRequest)
	var rerr *ResultError
	if !errors.As(err, &rerr) {
		t.Fatalf("error = %v; want a *ResultError", err)
	}
	if rerr.ResultCode != "1" || rerr.ResultDesc != "The channel is disabled." {
		t.Errorf("ResultError = %+v", rerr)
	}
	if want := `client: applyToken: resultCode "1": The channel is disabled.`; err.Error() != want {
		t.Errorf("message = %q; want %q", err, want)
	}
	var aerr *APIError
	if errors.As(err, &aerr) {
		t.Error("a resultCode 1 answer is also an *APIError")
	}
}

// TestMalformedBodiesKeepStatus: whatever the body, the status survives.
func TestMalformedBodiesKeepStatus(t *testing.T) {
	huge := `{"token":"` + strings.Repeat("x", maxBodyBytes) + `","resultCode":"0"}`
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
	}{
		{"200 not JSON", 200, "text/html", "<html>gateway</html>"},
		{"200 truncated", 200, "application/json", `{"token":"abc","resu`},
		{"200 wrong type", 200, "application/json", `{"token":42,"resultCode":"0"}`},
		{"200 empty token", 200, "application/json", `{"token":"","resultCode":"0"}`},
		{"200 no resultCode", 200, "application/json", `{"token":"t"}`},
		{"200 empty", 200, "application/json", ``},
		{"200 over 1 MiB", 200, "application/json", huge},
		{"500 HTML", 500, "text/html", "<html>oops</html>"},
		{"502 empty", 502, "text/plain", ""},
		{"401 error without fields", 401, "application/json", `{}`},
		{"403 array", 403, "application/json", `[]`},
		{"404 over 1 MiB", 404, "application/json", `{"errorCode":"` + strings.Repeat("x", maxBodyBytes) + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUpstream(t)
			u.setApply(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			})
			_, err := u.newClient(t).ApplyToken(context.Background(), testRequest)
			aerr := checkAPIError(t, err, tt.status, "", "")
			if aerr.Unwrap() == nil {
				t.Errorf("Unwrap() = nil; want the decoding failure")
			}
			if len(err.Error()) > 300 {
				t.Errorf("message is %d bytes long; want it short", len(err.Error()))
			}
		})
	}
}

func TestMalformedAccessToken(t *testing.T) {
	for _, body := range []string{
		`not json`,
		`{"AccessToken":"","ApplyType":"Bearer","CreateTime":"1","Expires":"600"}`,
		`{"AccessToken":"a","ApplyType":"Basic","CreateTime":"1","Expires":"600"}`,
		`{"AccessToken":"a","ApplyType":"Bearer","CreateTime":"1","Expires":"soon"}`,
		`{"AccessToken":"a","ApplyType":"Bearer","CreateTime":"1","Expires":"-5"}`,
		`{"AccessToken":"a","ApplyType":"Bearer","CreateTime":"1","Expires":"9999999999999999999"}`,
	} {
		u := newUpstream(t)
		u.setAksk(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, body) })
		_, err := u.newClient(t).ApplyToken(context.Background(), testRequest)
		aerr := checkAPIError(t, err, 200, "", "")
		if aerr.Unwrap() == nil || !strings.Contains(err.Error(), "tokenByAkSk") {
			t.Errorf("body %s: error %v; want a decoding failure of tokenByAkSk", body, err)
		}
	}
}

func TestAPIErrorMessage(t *testing.T) {
	tests := []struct {
		err  *APIError
		want string
	}{
		{&APIError{StatusCode: 403, ErrorCode: "invalid_token", ExceptionInfo: "auth fail!", op: contract.OpApplyToken},
			"client: applyToken: 403 Forbidden: invalid_token: auth fail!"},
		{&APIError{StatusCode: 599}, "client: 599"},
		{&APIError{StatusCode: 200, op: contract.OpApplyToken, err: errors.New("malformed body: x")},
			"client: applyToken: 200 OK: malformed body: x"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
	}
}

// TestAnyStatusKeepsItsHeaders: a status the client has no name for (one
// the contract might document next, such as 429) is an *APIError with that
// status, its Error body and its headers; no sentinel claims it unless it
// is a 5xx.
func TestAnyStatusKeepsItsHeaders(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			u := newUpstream(t)
			u.setAksk(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "120")
				writeJSON(w, status, `{"errorCode":"code","exceptionInfo":"info"}`)
			})
			_, err := u.newClient(t).ApplyToken(context.Background(), testRequest)
			aerr := checkAPIError(t, err, status, "code", "info")
			if got := aerr.Header.Get("Retry-After"); got != "120" {
				t.Errorf("Header Retry-After = %q; want %q", got, "120")
			}
		})
	}
	// Headers survive a malformed body too.
	u := newUpstream(t)
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", "Bearer")
		w.WriteHeader(http.StatusUnauthorized)
	})
	_, err := u.newClient(t).ApplyToken(context.Background(), testRequest)
	if aerr := checkAPIError(t, err, http.StatusUnauthorized, "", ""); aerr.Header.Get("WWW-Authenticate") != "Bearer" {
		t.Errorf("Header = %v; want WWW-Authenticate: Bearer", aerr.Header)
	}
}

func TestUndocumentedResultCodeIsMalformed(t *testing.T) {
	u := newUpstream(t)
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"token":"t","resultCode":"2"}`)
	})
	_, err := u.newClient(t).ApplyToken(context.Background(), testRequest)
	if aerr := checkAPIError(t, err, http.StatusOK, "", ""); aerr.Unwrap() == nil || !strings.Contains(err.Error(), "resultCode") {
		t.Errorf("error = %v; want a malformed body naming resultCode", err)
	}
}

// TestAPIErrorBody: a non-200 answer's body comes whole, so a property the
// contract adds to Error is readable before the package is regenerated;
// a 200 that is not the contract's result keeps its body out, since it may
// carry a token.
func TestAPIErrorBody(t *testing.T) {
	const errBody = `{"errorCode":"code","exceptionInfo":"info","requestId":"r-1"}`
	u := newUpstream(t)
	u.setApply(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusBadRequest, errBody) })
	_, err := u.newClient(t).ApplyToken(context.Background(), testRequest)
	aerr := checkAPIError(t, err, http.StatusBadRequest, "code", "info")
	var extra struct {
		RequestID string `json:"requestId"`
	}
	if jerr := json.Unmarshal(aerr.Body, &extra); jerr != nil || extra.RequestID != "r-1" {
		t.Errorf("Body = %q (%v); want the answer's body, requestId r-1 readable", aerr.Body, jerr)
	}

	u = newUpstream(t)
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"token":"secret-token","resultCode":"2"}`)
	})
	_, err = u.newClient(t).ApplyToken(context.Background(), testRequest)
	if aerr := checkAPIError(t, err, http.StatusOK, "", ""); aerr.Body != nil {
		t.Errorf("a 200's Body = %q; want nil: it may carry a token", aerr.Body)
	}
}
