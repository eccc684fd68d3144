package client

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/aicc-kit/applytoken/internal/fakeclock"
)

// Test credentials; the secret must never show in an error.
const (
	testAppKey    = "test-app-key"
	testAppSecret = "test-app-secret-5d1c"
)

var testRequest = ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "demo-channel", Locale: "en"}

// upstream is a small stand-in for the two operations, one per test, in
// the manner of x/oauth2's tests: it answers as the contract says unless a
// test replaces a handler, and counts calls.
type upstream struct {
	*httptest.Server
	akskCalls  atomic.Int32
	applyCalls atomic.Int32

	mu      sync.Mutex
	aksk    http.HandlerFunc // nil: the default answer
	apply   http.HandlerFunc
	expires string
}

func newUpstream(t testing.TB) *upstream {
	t.Helper()
	u := &upstream{expires: "600"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /apigovernance/api/oauth/tokenByAkSk", func(w http.ResponseWriter, r *http.Request) {
		n := u.akskCalls.Add(1)
		u.mu.Lock()
		h, expires := u.aksk, u.expires
		u.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		var body map[string]string
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body["app_key"] != testAppKey || body["app_secret"] != testAppSecret {
			writeJSON(w, http.StatusUnauthorized, `{"errorCode":"invalid_client","exceptionInfo":"Unauthorized operation."}`)
			return
		}
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"AccessToken":"at-%d","ApplyType":"Bearer","CreateTime":"1545650171","Expires":%q,"Scope":"ccmessaging","AppKey":%q,"UserID":"Anonymous"}`, n, expires, testAppKey))
	})
	mux.HandleFunc("POST /apiaccess/ccmessaging/applyToken", func(w http.ResponseWriter, r *http.Request) {
		n := u.applyCalls.Add(1)
		u.mu.Lock()
		h := u.apply
		u.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"token":"mt-%d","resultCode":"0"}`, n))
	})
	u.Server = httptest.NewServer(mux)
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) setAksk(h http.HandlerFunc) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.aksk = h
}

func (u *upstream) setApply(h http.HandlerFunc) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.apply = h
}

func (u *upstream) newClient(t testing.TB, opts ...Option) *Client {
	t.Helper()
	opts = append([]Option{WithCredentials(testAppKey, testAppSecret)}, opts...)
	c, err := New(u.URL, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// newFakeClock returns a clock a test moves by hand, starting at the wall clock.
func newFakeClock() *fakeclock.Clock { return fakeclock.New(time.Now()) }

// tokenSourceFunc adapts a function to oauth2.TokenSource.
type tokenSourceFunc func() (*oauth2.Token, error)

func (f tokenSourceFunc) Token() (*oauth2.Token, error) { return f() }
