package client_test

// These tests run the client against the stub (server/servertest) over
// real HTTP: the whole chain, its caching, every documented status, and
// the Transport's retries.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/aicc-kit/applytoken/client"
	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/server/servertest"
)

const (
	opTokenByAkSk = contract.OpTokenByAkSk
	opApplyToken  = contract.OpApplyToken
)

// newStubClient starts a stub and a client of it that reads the stub's
// clock, so that srv.Advance moves both.
func newStubClient(t *testing.T, opts ...client.Option) (*servertest.Server, *client.Client) {
	t.Helper()
	srv := servertest.New(t)
	opts = append([]client.Option{
		client.WithCredentials(srv.AppKey, srv.AppSecret),
		client.WithHTTPClient(srv.Client()),
		client.WithClock(srv.Now),
	}, opts...)
	c, err := client.New(srv.URL, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return srv, c
}

func session(srv *servertest.Server) client.ApplyTokenRequest {
	return client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: srv.ChannelID, Locale: "en"}
}

func TestStubFullChain(t *testing.T) {
	srv, c := newStubClient(t)
	ctx := context.Background()
	for i := range 20 {
		tok, err := c.ApplyToken(ctx, session(srv))
		if err != nil {
			t.Fatalf("ApplyToken %d: %v", i, err)
		}
		if !tok.Valid() || !tok.Expiry.Equal(srv.Now().Add(time.Hour)) {
			t.Fatalf("Token = %+v; want a value expiring an hour from %v", tok, srv.Now())
		}
	}
	if got := srv.Calls(opTokenByAkSk); got != 1 {
		t.Fatalf("tokenByAkSk calls for 20 ApplyToken = %d; want 1", got)
	}
	if got := srv.Calls(opApplyToken); got != 20 {
		t.Fatalf("applyToken calls = %d; want 20", got)
	}

	// The stub's AccessToken lives 600s; the client renews it 30s ahead.
	srv.Advance(569 * time.Second)
	if _, err := c.ApplyToken(ctx, session(srv)); err != nil {
		t.Fatal(err)
	}
	if got := srv.Calls(opTokenByAkSk); got != 1 {
		t.Fatalf("tokenByAkSk calls 31s before expiry = %d; want 1", got)
	}
	srv.Advance(time.Second)
	if _, err := c.ApplyToken(ctx, session(srv)); err != nil {
		t.Fatal(err)
	}
	if got := srv.Calls(opTokenByAkSk); got != 2 {
		t.Fatalf("tokenByAkSk calls 30s before expiry = %d; want 2", got)
	}
	// Long past expiry the renewed token is accepted by the stub.
	srv.Advance(time.Hour)
	if _, err := c.ApplyToken(ctx, session(srv)); err != nil {
		t.Fatalf("ApplyToken an hour later: %v", err)
	}
	if got := srv.Calls(opTokenByAkSk); got != 3 {
		t.Fatalf("tokenByAkSk calls an hour later = %d; want 3", got)
	}
}

func TestStubMessagingTokenSourceOneCallFor1000Goroutines(t *testing.T) {
	srv, c := newStubClient(t)
	ts := c.TokenSource(session(srv))

	burst := func() string {
		const n = 1000
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			values = map[string]int{}
			errs   []error
		)
		start := make(chan struct{})
		for range n {
			wg.Go(func() {
				<-start
				tok, err := ts.Token(context.Background())
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				values[tok.Value]++
			})
		}
		close(start)
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("%d of %d calls failed, first: %v", len(errs), n, errs[0])
		}
		if len(values) != 1 {
			t.Fatalf("%d goroutines saw %d different tokens; want 1", n, len(values))
		}
		for v := range values {
			return v
		}
		return ""
	}

	first := burst()
	if got := srv.Calls(opApplyToken); got != 1 {
		t.Fatalf("applyToken calls from 1000 goroutines = %d; want 1", got)
	}
	if again := burst(); again != first {
		t.Fatal("a warm source applied again")
	}
	if got := srv.Calls(opApplyToken); got != 1 {
		t.Fatalf("applyToken calls after a warm burst = %d; want 1", got)
	}

	// 56 minutes in, the token is within the 5-minute margin of its hour.
	srv.Advance(56 * time.Minute)
	second := burst()
	if second == first {
		t.Fatal("the token was not refreshed 4 minutes before it expires")
	}
	if got := srv.Calls(opApplyToken); got != 2 {
		t.Fatalf("applyToken calls after Advance(56m) = %d; want 2", got)
	}
	// The AccessToken (600s) was long gone: renewed once on the way.
	if got := srv.Calls(opTokenByAkSk); got != 2 {
		t.Fatalf("tokenByAkSk calls after Advance(56m) = %d; want 2", got)
	}
}

var sentinelOf = map[int]error{
	400: client.ErrBadRequest,
	401: client.ErrUnauthorized,
	403: client.ErrForbidden,
	404: client.ErrNotFound,
	413: client.ErrPayloadTooLarge,
	500: client.ErrServer,
}

// TestStubEveryDocumentedStatus walks the contract: each status it
// documents for an operation, other than 200, reaches the caller as an
// *APIError with that status and the headers documented for it.
func TestStubEveryDocumentedStatus(t *testing.T) {
	for _, op := range contract.Operations {
		for _, r := range op.Responses {
			if r.Status == http.StatusOK {
				continue
			}
			t.Run(op.ID+"/"+strconv.Itoa(r.Status), func(t *testing.T) {
				srv, c := newStubClient(t)
				srv.FailNext(op.ID, r.Status)
				if op.ID == opApplyToken && r.Status == http.StatusForbidden {
					// ApplyToken renews the AccessToken after a 403 and
					// tries once more; fail that too.
					srv.FailNext(op.ID, r.Status)
				}
				_, err := c.ApplyToken(context.Background(), session(srv))
				aerr := checkStatus(t, err, r.Status)
				for _, h := range r.Headers {
					if got := aerr.Header.Get(h.Name); h.Required && got == "" {
						t.Errorf("APIError.Header lacks %s, documented for %s %d", h.Name, op.ID, r.Status)
					}
				}
			})
		}
	}
}

// TestStubRealRefusals reaches each refusal the stub gives on its own, not
// through FailNext.
func TestStubRealRefusals(t *testing.T) {
	ctx := context.Background()
	t.Run("wrong secret", func(t *testing.T) {
		srv := servertest.New(t)
		c, err := client.New(srv.URL, client.WithCredentials(srv.AppKey, "not-the-secret"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ApplyToken(ctx, session(srv))
		checkStatus(t, err, http.StatusUnauthorized)
		if strings.Contains(err.Error(), "not-the-secret") {
			t.Errorf("error %q shows the secret", err)
		}
	})
	t.Run("unknown app key", func(t *testing.T) {
		srv := servertest.New(t)
		c, err := client.New(srv.URL, client.WithAccessTokenSource("no-such-app", oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"})))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ApplyToken(ctx, session(srv))
		checkStatus(t, err, http.StatusUnauthorized)
	})
	t.Run("forged AccessToken", func(t *testing.T) {
		srv := servertest.New(t)
		c, err := client.New(srv.URL, client.WithAccessTokenSource(srv.AppKey, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "forged"})))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ApplyToken(ctx, session(srv))
		checkStatus(t, err, http.StatusForbidden)
		if got := srv.Calls(opApplyToken); got != 2 {
			t.Errorf("applyToken calls = %d; want 2 (one renewal)", got)
		}
	})
	t.Run("expired AccessToken is renewed", func(t *testing.T) {
		// The client's clock stands still while the stub's moves on, so
		// the client trusts an AccessToken the stub has let expire.
		srv := servertest.New(t)
		frozen := srv.Now()
		c, err := client.New(srv.URL, client.WithCredentials(srv.AppKey, srv.AppSecret),
			client.WithClock(func() time.Time { return frozen }))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ApplyToken(ctx, session(srv)); err != nil {
			t.Fatal(err)
		}
		srv.Advance(601 * time.Second)
		if _, err := c.ApplyToken(ctx, session(srv)); err != nil {
			t.Fatalf("ApplyToken after the stub expired the AccessToken: %v", err)
		}
		if a, b := srv.Calls(opTokenByAkSk), srv.Calls(opApplyToken); a != 2 || b != 3 {
			t.Errorf("tokenByAkSk, applyToken calls = %d, %d; want 2, 3", a, b)
		}
	})
	t.Run("unknown channel", func(t *testing.T) {
		srv, c := newStubClient(t)
		req := session(srv)
		req.ChannelID = "no-such-channel"
		_, err := c.ApplyToken(ctx, req)
		checkStatus(t, err, http.StatusInternalServerError)
	})
}

func checkStatus(t *testing.T, err error, status int) *client.APIError {
	t.Helper()
	var aerr *client.APIError
	if !errors.As(err, &aerr) {
		t.Fatalf("error = %v (%T); want an *APIError", err, err)
	}
	if aerr.StatusCode != status {
		t.Errorf("StatusCode = %d; want %d", aerr.StatusCode, status)
	}
	if aerr.ErrorCode == "" || aerr.ExceptionInfo == "" {
		t.Errorf("APIError %+v lacks the stub's errorCode or exceptionInfo", aerr)
	}
	for s, sentinel := range sentinelOf {
		if got, want := errors.Is(err, sentinel), s == status || (sentinel == client.ErrServer && status >= 500 && status <= 599); got != want {
			t.Errorf("errors.Is(err, %v) = %v; want %v", sentinel, got, want)
		}
	}
	if !strings.HasPrefix(err.Error(), "client: ") {
		t.Errorf("message %q lacks the client: prefix", err)
	}
	return aerr
}

func TestStubResultCodeOne(t *testing.T) {
	srv, c := newStubClient(t)
	ctx := context.Background()
	req := session(srv)
	req.ChannelID = srv.DisabledChannelID
	_, err := c.ApplyToken(ctx, req)
	var rerr *client.ResultError
	if !errors.As(err, &rerr) {
		t.Fatalf("error = %v; want a *ResultError", err)
	}
	if rerr.ResultCode != "1" {
		t.Errorf("ResultCode = %q; want \"1\"", rerr.ResultCode)
	}
	var aerr *client.APIError
	if errors.As(err, &aerr) {
		t.Error("a resultCode 1 answer is also an *APIError")
	}

	// A channel disabled later refuses a session that worked before.
	ts := c.TokenSource(session(srv))
	if _, err := ts.Token(ctx); err != nil {
		t.Fatal(err)
	}
	srv.SetChannel(srv.ChannelID, false)
	ts.Invalidate()
	if _, err := ts.Token(ctx); !errors.As(err, &rerr) {
		t.Errorf("Token on a disabled channel = %v; want a *ResultError", err)
	}
}

// breakApplyToken replaces the body of applyToken's 200 answers.
type breakApplyToken struct {
	base http.RoundTripper
	body string
}

func (b breakApplyToken) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := b.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasSuffix(req.URL.Path, "/applyToken") {
		return resp, err
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(b.body))
	resp.ContentLength = int64(len(b.body))
	return resp, nil
}

func TestStubBrokenBodyKeepsStatus(t *testing.T) {
	for _, body := range []string{`{"token":"abc","resul`, `<html>proxy</html>`, ``} {
		srv := servertest.New(t)
		hc := &http.Client{Transport: breakApplyToken{base: srv.Client().Transport, body: body}}
		c, err := client.New(srv.URL, client.WithCredentials(srv.AppKey, srv.AppSecret), client.WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ApplyToken(context.Background(), session(srv))
		var aerr *client.APIError
		if !errors.As(err, &aerr) || aerr.StatusCode != http.StatusOK {
			t.Errorf("body %q: error = %v; want an *APIError with status 200", body, err)
		}
		if errors.Unwrap(err) == nil {
			t.Errorf("body %q: the decoding failure is not reachable with errors.Unwrap", body)
		}
	}
}

// messagingFake is a later CC-Messaging endpoint: it answers the statuses a
// test queues and records the credentials of each request.
type messagingFake struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	rotateTo string // sent once, with the first 200
	got      []sent
}

type sent struct{ token, appKey, auth, body string }

func newMessagingFake(t *testing.T, statuses ...int) *messagingFake {
	f := &messagingFake{statuses: statuses}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.got = append(f.got, sent{r.Header.Get("ccmessaging-token"), r.Header.Get("x-app-key"), r.Header.Get("Authorization"), string(body)})
		status := http.StatusOK
		if len(f.statuses) > 0 {
			status, f.statuses = f.statuses[0], f.statuses[1:]
		}
		if status == http.StatusOK && f.rotateTo != "" {
			w.Header().Set("ccmessaging-token", f.rotateTo)
			f.rotateTo = ""
		}
		f.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *messagingFake) sent() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.got...)
}

func send(t *testing.T, hc *http.Client, url string, body io.Reader) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/apiaccess/ccmessaging/send", body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// onlyOnce is a body http.NewRequest cannot replay (GetBody stays nil).
type onlyOnce struct{ io.Reader }

func TestStubTransport(t *testing.T) {
	t.Run("headers", func(t *testing.T) {
		srv, c := newStubClient(t)
		m := newMessagingFake(t)
		hc := &http.Client{Transport: &client.Transport{Source: c.TokenSource(session(srv))}}
		send(t, hc, m.URL, strings.NewReader("hi"))
		got := m.sent()[0]
		if got.token == "" || got.appKey != srv.AppKey || !strings.HasPrefix(got.auth, "Bearer ") || len(got.auth) < 8 || got.body != "hi" {
			t.Errorf("sent %+v; want a ccmessaging-token, x-app-key %q and a Bearer AccessToken", got, srv.AppKey)
		}
	})

	t.Run("401: one re-apply, one retry", func(t *testing.T) {
		srv, c := newStubClient(t)
		m := newMessagingFake(t, http.StatusUnauthorized)
		hc := &http.Client{Transport: &client.Transport{Source: c.TokenSource(session(srv))}}
		if status := send(t, hc, m.URL, bytes.NewReader([]byte("payload"))); status != http.StatusOK {
			t.Fatalf("status = %d; want 200", status)
		}
		got := m.sent()
		if len(got) != 2 || got[1].body != "payload" {
			t.Fatalf("sent %+v; want two attempts with the payload", got)
		}
		if a, b := srv.Calls(opTokenByAkSk), srv.Calls(opApplyToken); a != 1 || b != 2 {
			t.Errorf("tokenByAkSk, applyToken calls = %d, %d; want 1, 2", a, b)
		}
		if got[0].auth != got[1].auth {
			t.Error("a 401 renewed the AccessToken too")
		}
	})

	t.Run("403: one AccessToken renewal, one retry", func(t *testing.T) {
		srv, c := newStubClient(t)
		m := newMessagingFake(t, http.StatusForbidden)
		hc := &http.Client{Transport: &client.Transport{Source: c.TokenSource(session(srv))}}
		if status := send(t, hc, m.URL, strings.NewReader("payload")); status != http.StatusOK {
			t.Fatalf("status = %d; want 200", status)
		}
		got := m.sent()
		if len(got) != 2 || got[1].body != "payload" {
			t.Fatalf("sent %+v; want two attempts with the payload", got)
		}
		if a, b := srv.Calls(opTokenByAkSk), srv.Calls(opApplyToken); a != 2 || b != 1 {
			t.Errorf("tokenByAkSk, applyToken calls = %d, %d; want 2, 1", a, b)
		}
		if got[0].token != got[1].token {
			t.Error("a 403 applied for a new ccmessaging-token too")
		}
	})

	t.Run("non-replayable body is not retried", func(t *testing.T) {
		for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
			srv, c := newStubClient(t)
			m := newMessagingFake(t, status)
			hc := &http.Client{Transport: &client.Transport{Source: c.TokenSource(session(srv))}}
			if got := send(t, hc, m.URL, onlyOnce{strings.NewReader("payload")}); got != status {
				t.Errorf("status = %d; want the %d itself", got, status)
			}
			if n := len(m.sent()); n != 1 {
				t.Errorf("%d: %d attempts; want 1", status, n)
			}
			if a, b := srv.Calls(opTokenByAkSk), srv.Calls(opApplyToken); a != 1 || b != 1 {
				t.Errorf("%d: tokenByAkSk, applyToken calls = %d, %d; want 1, 1", status, a, b)
			}
		}
	})

	t.Run("rotated token is used next", func(t *testing.T) {
		srv, c := newStubClient(t)
		m := newMessagingFake(t)
		m.rotateTo = "rotated-by-the-platform"
		hc := &http.Client{Transport: &client.Transport{Source: c.TokenSource(session(srv))}}
		send(t, hc, m.URL, nil)
		send(t, hc, m.URL, nil)
		got := m.sent()
		if got[0].token == "rotated-by-the-platform" || got[1].token != "rotated-by-the-platform" {
			t.Errorf("tokens sent = %q then %q; want the issued one, then the rotated one", got[0].token, got[1].token)
		}
		if n := srv.Calls(opApplyToken); n != 1 {
			t.Errorf("applyToken calls = %d; want 1", n)
		}
	})
}
