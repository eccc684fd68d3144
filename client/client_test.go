package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/oauth2"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

func TestNewRejectsBadInput(t *testing.T) {
	creds := WithCredentials(testAppKey, testAppSecret)
	tests := []struct {
		name    string
		baseURL string
		opts    []Option
		want    string
	}{
		{"no credentials", "https://example.com", nil, "no credentials"},
		{"two credentials", "https://example.com", []Option{creds, WithAccessTokenSource("k", oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "a"}))}, "more than once"},
		{"empty app key", "https://example.com", []Option{WithCredentials("", "s")}, "app key is empty"},
		{"app key with newline", "https://example.com", []Option{WithCredentials("k\r\nX-Evil: 1", "s")}, "control character"},
		{"empty secret", "https://example.com", []Option{WithCredentials("k", "")}, "app secret is empty"},
		{"nil token source", "https://example.com", []Option{WithAccessTokenSource("k", nil)}, "token source is nil"},
		{"nil http client", "https://example.com", []Option{creds, WithHTTPClient(nil)}, "http client is nil"},
		{"empty user agent", "https://example.com", []Option{creds, WithUserAgent("")}, "user agent"},
		{"user agent with newline", "https://example.com", []Option{creds, WithUserAgent("a\nb")}, "user agent"},
		{"nil clock", "https://example.com", []Option{creds, WithClock(nil)}, "clock is nil"},
		{"negative margin", "https://example.com", []Option{creds, WithRefreshMargin(-time.Second)}, "margin"},
		{"margin of an hour", "https://example.com", []Option{creds, WithRefreshMargin(time.Hour)}, "margin"},
		{"nil option", "https://example.com", []Option{creds, nil}, "nil Option"},
		{"empty base URL", "", []Option{creds}, "scheme"},
		{"no scheme", "service.besclouds.com", []Option{creds}, "scheme"},
		{"ftp scheme", "ftp://service.besclouds.com", []Option{creds}, "scheme"},
		{"no host", "https://", []Option{creds}, "host"},
		{"user info", "https://u:p@service.besclouds.com", []Option{creds}, "user information"},
		{"query", "https://service.besclouds.com?x=1", []Option{creds}, "query"},
		{"bad URL", "https://[::1", []Option{creds}, "base URL"},
		// The URL is not repeated with its user information or query.
		{"ftp scheme with user info", "ftp://u:p@service.besclouds.com", []Option{creds}, "scheme"},
		{"no host with user info", "https://u:p@", []Option{creds}, "host"},
		{"bad URL with user info", "https://u:p@[::1", []Option{creds}, "base URL"},
		{"query with a secret", "https://service.besclouds.com?token=u:p", []Option{creds}, "query"},
		{"ftp scheme with a query", "ftp://service.besclouds.com?token=u:p", []Option{creds}, "scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.baseURL, tt.opts...)
			if err == nil {
				t.Fatalf("New = %v, nil; want an error containing %q", c, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "client: ") {
				t.Errorf("New error = %q; want one starting with %q and containing %q", err, "client: ", tt.want)
			}
			if strings.Contains(err.Error(), "u:p") {
				t.Errorf("error %q echoes the URL's user information", err)
			}
		})
	}
}

func TestNewAcceptsPathPrefix(t *testing.T) {
	var gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.Path
		writeJSON(w, http.StatusOK, `{"token":"t","resultCode":"0"}`)
	}))
	defer srv.Close()
	c, err := New(srv.URL+"/gateway", WithAccessTokenSource(testAppKey, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "at"})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ApplyToken(context.Background(), testRequest); err != nil {
		t.Fatal(err)
	}
	if want := "/gateway/apiaccess/ccmessaging/applyToken"; gotPath != want {
		t.Errorf("path = %q; want %q", gotPath, want)
	}
}

// TestApplyTokenWire checks every header and body field the client sends.
func TestApplyTokenWire(t *testing.T) {
	u := newUpstream(t)
	u.setAksk(func(w http.ResponseWriter, r *http.Request) {
		if got, want := r.Header.Get("Content-Type"), "application/json; charset=UTF-8"; got != want {
			t.Errorf("tokenByAkSk Content-Type = %q; want %q", got, want)
		}
		if got := r.Header.Get("X-Token-Expire"); got != "" {
			t.Errorf("tokenByAkSk X-Token-Expire = %q; want none", got)
		}
		if got, want := r.Header.Get("User-Agent"), "test-agent/1"; got != want {
			t.Errorf("tokenByAkSk User-Agent = %q; want %q", got, want)
		}
		body, _ := io.ReadAll(r.Body)
		if got, want := string(body), `{"app_key":"test-app-key","app_secret":"test-app-secret-5d1c"}`; got != want {
			t.Errorf("tokenByAkSk body = %s; want %s", got, want)
		}
		writeJSON(w, http.StatusOK, `{"AccessToken":"at-x","ApplyType":"Bearer","CreateTime":"1","Expires":"600"}`)
	})
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		for name, want := range map[string]string{
			"Content-Type":  "application/json; charset=UTF-8",
			"X-App-Key":     testAppKey,
			"Authorization": "Bearer at-x",
			"User-Agent":    "test-agent/1",
		} {
			if got := r.Header.Values(name); len(got) != 1 || got[0] != want {
				t.Errorf("applyToken %s = %q; want exactly [%q]", name, got, want)
			}
		}
		body, _ := io.ReadAll(r.Body)
		var got map[string]any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("applyToken body %s: %v", body, err)
		}
		want := map[string]any{"userId": "user-0001", "userName": "Alice", "channelId": "demo-channel", "locale": "en"}
		if len(got) != len(want) {
			t.Errorf("applyToken body = %s; want exactly the fields %v", body, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("applyToken body %s = %v; want %q", k, got[k], v)
			}
		}
		writeJSON(w, http.StatusOK, `{"token":"mt-x","resultCode":"0","unknownField":1}`)
	})
	clock := newFakeClock()
	start := clock.Now()
	c := u.newClient(t, WithUserAgent("test-agent/1"), WithClock(clock.Now))
	tok, err := c.ApplyToken(context.Background(), testRequest)
	if err != nil {
		t.Fatalf("ApplyToken: %v", err)
	}
	if tok.Value != "mt-x" {
		t.Errorf("Value = %q; want %q", tok.Value, "mt-x")
	}
	if want := start.Add(time.Hour); !tok.Expiry.Equal(want) {
		t.Errorf("Expiry = %v; want %v", tok.Expiry, want)
	}
}

// TestApplyTokenValidation: what the contract refuses never leaves the
// process. The bounds and the pattern probed are read from gen/contract:
// userId's maxLength, and values locale's pattern refuses.
func TestApplyTokenValidation(t *testing.T) {
	u := newUpstream(t)
	c := u.newClient(t)
	with := func(f func(*ApplyTokenRequest)) ApplyTokenRequest {
		r := testRequest
		f(&r)
		return r
	}
	body := contract.ApplyTokenRequestSchema
	user, locale := body.Property("userId"), body.Property("locale")
	if user == nil || user.MaxLength == nil || locale == nil || locale.Pattern == nil {
		t.Fatalf("the contract's %s needs userId's maxLength and locale's pattern, which this test probes", body.Name)
	}
	max := int(*user.MaxLength)
	// refused is the first of candidates locale's pattern refuses.
	refused := func(candidates ...string) string {
		t.Helper()
		for _, v := range candidates {
			if !locale.Pattern.MatchString(v) {
				return v
			}
		}
		t.Fatalf("locale's pattern %s takes every one of %q; give this test a value it refuses", locale.Pattern.Source, candidates)
		return ""
	}
	tests := []struct {
		name  string
		req   ApplyTokenRequest
		field string
	}{
		{"empty userId", with(func(r *ApplyTokenRequest) { r.UserID = "" }), "userId"},
		{fmt.Sprintf("%d ASCII characters, maxLength+1", max+1), with(func(r *ApplyTokenRequest) { r.UserID = strings.Repeat("a", max+1) }), "userId"},
		{fmt.Sprintf("%d code points, maxLength+1", max+1), with(func(r *ApplyTokenRequest) { r.UserID = strings.Repeat("é", max+1) }), "userId"},
		{"invalid UTF-8 userId", with(func(r *ApplyTokenRequest) { r.UserID = "a\xffb" }), "userId"},
		{"empty userName", with(func(r *ApplyTokenRequest) { r.UserName = "" }), "userName"},
		{"invalid UTF-8 userName", with(func(r *ApplyTokenRequest) { r.UserName = "\xc3" }), "userName"},
		{"empty channelId", with(func(r *ApplyTokenRequest) { r.ChannelID = "" }), "channelId"},
		{"empty locale", with(func(r *ApplyTokenRequest) { r.Locale = "" }), "locale"},
		{"one letter", with(func(r *ApplyTokenRequest) { r.Locale = refused("e") }), "locale"},
		{"four letters", with(func(r *ApplyTokenRequest) { r.Locale = refused("engl") }), "locale"},
		{"upper case", with(func(r *ApplyTokenRequest) { r.Locale = refused("EN") }), "locale"},
		{"with country", with(func(r *ApplyTokenRequest) { r.Locale = refused("en-US", "en_US", "en-us", "en-USA") }), "locale"},
		{"non-ASCII letters", with(func(r *ApplyTokenRequest) { r.Locale = refused("éé") }), "locale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.ApplyToken(context.Background(), tt.req)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("ApplyToken error = %v; want a *ValidationError", err)
			}
			if verr.Field != tt.field {
				t.Errorf("Field = %q; want %q", verr.Field, tt.field)
			}
			if !strings.HasPrefix(err.Error(), "client: invalid "+tt.field+": ") {
				t.Errorf("message = %q; want it to name %s", err, tt.field)
			}
		})
	}
	if n := u.akskCalls.Load() + u.applyCalls.Load(); n != 0 {
		t.Errorf("%d requests went on the wire; want none", n)
	}

	// The bounds themselves are accepted.
	for _, req := range []ApplyTokenRequest{
		with(func(r *ApplyTokenRequest) { r.UserID = "a" }),
		with(func(r *ApplyTokenRequest) { r.UserID = strings.Repeat("a", max) }),
		with(func(r *ApplyTokenRequest) { r.UserID = strings.Repeat("用", max) }), // 3 bytes a character: maxLength counts characters
		with(func(r *ApplyTokenRequest) { r.Locale = "zho" }),
	} {
		if _, err := c.ApplyToken(context.Background(), req); err != nil {
			t.Errorf("ApplyToken(%+v) = %v; want a token", req, err)
		}
	}
}

// TestBodyOverCapRefused: a body within every field's rule but over the
// contract's x-max-body-bytes, which the stub answers with 413, is
// refused before it is sent; one of exactly the cap goes.
func TestBodyOverCapRefused(t *testing.T) {
	u := newUpstream(t)
	c := u.newClient(t)
	schema, limit := contract.ApplyTokenRequestSchema, contract.ApplyToken.Body.MaxBytes
	if limit <= 0 {
		t.Fatal("the contract caps applyToken's body with no x-max-body-bytes; this test probes the cap")
	}
	var field string // a string property with no maxLength, to fill
	for _, name := range slices.Sorted(maps.Keys(schema.Properties)) {
		if p := schema.Properties[name]; p.Type == rules.TypeString && p.MaxLength == nil && p.Pattern == nil {
			field = name
			break
		}
	}
	if field == "" {
		t.Fatalf("every string property of %s is bounded, so no body reaches the cap of %d bytes through a field; build this test's body another way", schema.Name, limit)
	}
	sized := func(n int64) ApplyTokenRequest { // a request whose body is n bytes
		t.Helper()
		fill := func(k int64) []byte {
			m := map[string]any{}
			b, _ := json.Marshal(testRequest)
			json.Unmarshal(b, &m)
			m[field] = strings.Repeat("a", int(k))
			b, _ = json.Marshal(m)
			return b
		}
		var req ApplyTokenRequest
		if err := json.Unmarshal(fill(n-int64(len(fill(0)))), &req); err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(req); int64(len(b)) != n {
			t.Fatalf("built a body of %d bytes; want %d", len(b), n)
		}
		return req
	}
	_, err := c.ApplyToken(context.Background(), sized(limit+1))
	var verr *ValidationError
	if !errors.As(err, &verr) || verr.Field != "body" || !strings.Contains(verr.Reason, strconv.FormatInt(limit, 10)) {
		t.Fatalf("ApplyToken with a body of %d bytes: %v; want a *ValidationError for the body naming the cap of %d", limit+1, err, limit)
	}
	if n := u.applyCalls.Load(); n != 0 {
		t.Errorf("%d applyToken requests went on the wire; want none", n)
	}
	if _, err := c.ApplyToken(context.Background(), sized(limit)); err != nil {
		t.Errorf("ApplyToken with a body of exactly the cap, %d bytes: %v; want a token", limit, err)
	}
}

func TestAccessTokenReusedThenRenewed(t *testing.T) {
	u := newUpstream(t)
	clock := newFakeClock()
	c := u.newClient(t, WithClock(clock.Now))
	ctx := context.Background()
	for range 10 {
		if _, err := c.ApplyToken(ctx, testRequest); err != nil {
			t.Fatal(err)
		}
	}
	if got := u.akskCalls.Load(); got != 1 {
		t.Fatalf("tokenByAkSk calls after 10 ApplyToken = %d; want 1", got)
	}
	// 600s lifetime, renewed 30s ahead.
	clock.Advance(570*time.Second - time.Nanosecond)
	if _, err := c.ApplyToken(ctx, testRequest); err != nil {
		t.Fatal(err)
	}
	if got := u.akskCalls.Load(); got != 1 {
		t.Fatalf("tokenByAkSk calls 1ns before the margin = %d; want 1", got)
	}
	clock.Advance(time.Nanosecond)
	if _, err := c.ApplyToken(ctx, testRequest); err != nil {
		t.Fatal(err)
	}
	if got := u.akskCalls.Load(); got != 2 {
		t.Fatalf("tokenByAkSk calls at the margin = %d; want 2", got)
	}
}

func TestApplyTokenRenewsAccessTokenOnce403(t *testing.T) {
	u := newUpstream(t)
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer at-1" {
			writeJSON(w, http.StatusForbidden, `{"errorCode":"invalid_token","exceptionInfo":"auth fail!"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"token":"mt","resultCode":"0"}`)
	})
	c := u.newClient(t)
	if _, err := c.ApplyToken(context.Background(), testRequest); err != nil {
		t.Fatalf("ApplyToken: %v", err)
	}
	if a, b := u.akskCalls.Load(), u.applyCalls.Load(); a != 2 || b != 2 {
		t.Errorf("tokenByAkSk, applyToken calls = %d, %d; want 2, 2", a, b)
	}
}

func TestApplyTokenContextCancelled(t *testing.T) {
	u := newUpstream(t)
	c := u.newClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.ApplyToken(ctx, testRequest); !errors.Is(err, context.Canceled) {
		t.Errorf("ApplyToken error = %v; want context.Canceled", err)
	}
}

// TestNilContextAndZeroValues: a nil context, or a Client or source not
// made by this package, gives an error rather than a panic, and nothing is
// sent.
func TestNilContextAndZeroValues(t *testing.T) {
	u := newUpstream(t)
	var nilCtx context.Context
	c := u.newClient(t)
	if _, err := c.ApplyToken(nilCtx, testRequest); err == nil || err.Error() != "client: nil Context" {
		t.Errorf("ApplyToken(nil) = %v; want client: nil Context", err)
	}
	ts := c.TokenSource(testRequest)
	if _, err := ts.Token(nilCtx); err == nil || err.Error() != "client: nil Context" {
		t.Errorf("Token(nil) = %v; want client: nil Context", err)
	}
	if n := u.akskCalls.Load() + u.applyCalls.Load(); n != 0 {
		t.Errorf("%d requests went on the wire; want none", n)
	}

	ctx := context.Background()
	if _, err := new(Client).ApplyToken(ctx, testRequest); err == nil || !strings.Contains(err.Error(), "New") {
		t.Errorf("zero Client: ApplyToken = %v; want an error naming New", err)
	}
	if _, err := new(Client).TokenSource(testRequest).Token(ctx); err == nil || !strings.Contains(err.Error(), "New") {
		t.Errorf("zero Client: Token = %v; want an error naming New", err)
	}
	zero := new(MessagingTokenSource)
	zero.Invalidate()
	if _, err := zero.Token(ctx); err == nil || !strings.Contains(err.Error(), "Client.TokenSource") {
		t.Errorf("zero MessagingTokenSource: Token = %v; want an error naming Client.TokenSource", err)
	}
	req, _ := http.NewRequest(http.MethodGet, u.URL, nil)
	if _, err := (&Transport{Source: zero}).RoundTrip(req); err == nil {
		t.Error("Transport with a zero Source: RoundTrip succeeded; want an error")
	}
}

// TestAccessTokenSourceHonoursContext: the user's oauth2.TokenSource takes
// no context; a caller whose context ends stops waiting for it, and the
// source's call runs to its end on its own.
func TestAccessTokenSourceHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		src := tokenSourceFunc(func() (*oauth2.Token, error) {
			<-release
			return &oauth2.Token{AccessToken: "late"}, nil
		})
		c, err := New("http://127.0.0.1:1", WithAccessTokenSource("user-key", src))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := c.ApplyToken(ctx, testRequest); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("ApplyToken = %v; want context.DeadlineExceeded", err)
		}
		close(release)
	})
}

func TestDefaultHTTPClientDoesNotFollowRedirects(t *testing.T) {
	var leaked bool
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { leaked = true }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c, err := New(srv.URL, WithCredentials(testAppKey, testAppSecret))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ApplyToken(context.Background(), testRequest)
	var aerr *APIError
	if !errors.As(err, &aerr) || aerr.StatusCode != http.StatusTemporaryRedirect {
		t.Errorf("ApplyToken error = %v; want an *APIError with status 307", err)
	}
	if leaked {
		t.Error("the secret was re-sent to the redirect's target")
	}
}

func TestWithAccessTokenSource(t *testing.T) {
	u := newUpstream(t)
	var calls int
	src := tokenSourceFunc(func() (*oauth2.Token, error) {
		calls++
		return &oauth2.Token{AccessToken: "user-at"}, nil
	})
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer user-at" {
			t.Errorf("Authorization = %q; want %q", got, "Bearer user-at")
		}
		if got := r.Header.Get("x-app-key"); got != "user-key" {
			t.Errorf("x-app-key = %q; want %q", got, "user-key")
		}
		writeJSON(w, http.StatusForbidden, `{"errorCode":"invalid_token","exceptionInfo":"auth fail!"}`)
	})
	c, err := New(u.URL, WithAccessTokenSource("user-key", src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ApplyToken(context.Background(), testRequest)
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("ApplyToken error = %v; want ErrForbidden", err)
	}
	// One call, then one renewal after the 403; tokenByAkSk never.
	if calls != 2 || u.akskCalls.Load() != 0 || u.applyCalls.Load() != 2 {
		t.Errorf("source calls, tokenByAkSk, applyToken = %d, %d, %d; want 2, 0, 2", calls, u.akskCalls.Load(), u.applyCalls.Load())
	}
}

func TestAccessTokenSourceErrorsPassThrough(t *testing.T) {
	u := newUpstream(t)
	boom := errors.New("vault is sealed")
	c, err := New(u.URL, WithAccessTokenSource("k", tokenSourceFunc(func() (*oauth2.Token, error) { return nil, boom })))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ApplyToken(context.Background(), testRequest); !errors.Is(err, boom) {
		t.Errorf("ApplyToken error = %v; want %v", err, boom)
	}
	c, err = New(u.URL, WithAccessTokenSource("k", oauth2.StaticTokenSource(&oauth2.Token{})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ApplyToken(context.Background(), testRequest); err == nil || !strings.Contains(err.Error(), "empty token") {
		t.Errorf("ApplyToken error = %v; want one about an empty token", err)
	}
	if u.applyCalls.Load() != 0 {
		t.Errorf("applyToken calls = %d; want 0", u.applyCalls.Load())
	}
}

func TestTokenValid(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	defer func(f func() time.Time) { timeNow = f }(timeNow)
	timeNow = func() time.Time { return now }
	tests := []struct {
		name string
		tok  *Token
		want bool
	}{
		{"nil", nil, false},
		{"empty value", &Token{Expiry: now.Add(time.Hour)}, false},
		{"1ns before expiry", &Token{Value: "t", Expiry: now.Add(time.Nanosecond)}, true},
		{"at expiry", &Token{Value: "t", Expiry: now}, false},
		{"no expiry", &Token{Value: "t"}, true},
	}
	for _, tt := range tests {
		if got := tt.tok.Valid(); got != tt.want {
			t.Errorf("%s: Valid() = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestAccessTokenFetchedOnceForConcurrentCallers(t *testing.T) {
	u := newUpstream(t)
	c := u.newClient(t)
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := c.ApplyToken(context.Background(), testRequest); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if a, b := u.akskCalls.Load(), u.applyCalls.Load(); a != 1 || b != 100 {
		t.Errorf("tokenByAkSk, applyToken calls = %d, %d; want 1, 100", a, b)
	}
}

// TestShortAccessTokenFetchedOncePerUse: an AccessToken that lives less than
// the renewal margin is used once, and fetched once per use, not twice.
func TestShortAccessTokenFetchedOncePerUse(t *testing.T) {
	u := newUpstream(t)
	u.expires = "10"
	c := u.newClient(t)
	for range 3 {
		if _, err := c.ApplyToken(context.Background(), testRequest); err != nil {
			t.Fatal(err)
		}
	}
	if got := u.akskCalls.Load(); got != 3 {
		t.Errorf("tokenByAkSk calls = %d; want 3", got)
	}
}
