package client_test

// These tests run the Transport against the stub's own later call
// (servertest's LaterCallURL) instead of a hand-made fake: the stub's
// clock is moved with Advance, so that it refuses tokens the client still
// holds for good (a client clock behind the platform's), and into the
// rotation window, where it hands out a new ccmessaging-token.

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/client"
	"github.com/aicc-kit/applytoken/internal/fakeclock"
	"github.com/aicc-kit/applytoken/server/servertest"
)

// laterSession is a client of a stub, on a clock of its own that a test
// moves with the stub's (advance) or leaves behind (srv.Advance alone).
type laterSession struct {
	srv   *servertest.Server
	clock *fakeclock.Clock
	c     *client.Client
	ts    *client.MessagingTokenSource
	hc    *http.Client // through the Transport
}

func newLaterSession(t *testing.T, opts ...client.Option) *laterSession {
	t.Helper()
	srv := servertest.New(t)
	clock := fakeclock.New(srv.Now())
	opts = append([]client.Option{
		client.WithCredentials(srv.AppKey, srv.AppSecret),
		client.WithHTTPClient(srv.Client()),
		client.WithClock(clock.Now),
	}, opts...)
	c, err := client.New(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := c.TokenSource(session(srv))
	return &laterSession{srv, clock, c, ts, &http.Client{Timeout: 10 * time.Second, Transport: &client.Transport{Source: ts, Base: srv.Client().Transport}}}
}

// advance moves both clocks.
func (s *laterSession) advance(d time.Duration) {
	s.srv.Advance(d)
	s.clock.Advance(d)
}

// send makes a later call through the Transport and returns its status
// and the ccmessaging-token header of the answer the caller got.
func (s *laterSession) send(t *testing.T) (int, string) {
	t.Helper()
	resp, err := s.hc.Post(s.srv.LaterCallURL, "application/json", strings.NewReader(`{"content":"hello"}`))
	if err != nil {
		t.Fatalf("later call: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("ccmessaging-token")
}

func (s *laterSession) token(t *testing.T) string {
	t.Helper()
	tok, err := s.ts.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok.Value
}

// calls returns the stub's calls of tokenByAkSk, applyToken and laterCall.
func (s *laterSession) calls() [3]int {
	return [3]int{s.srv.Calls(opTokenByAkSk), s.srv.Calls(opApplyToken), s.srv.Calls("laterCall")}
}

func wantCalls(t *testing.T, s *laterSession, want [3]int, when string) {
	t.Helper()
	if got := s.calls(); got != want {
		t.Errorf("%s: tokenByAkSk, applyToken, laterCall calls = %v; want %v", when, got, want)
	}
}

func TestLaterCallTransport(t *testing.T) {
	t.Run("a session", func(t *testing.T) {
		s := newLaterSession(t)
		for range 3 {
			if status, _ := s.send(t); status != 200 {
				t.Fatalf("later call: %d", status)
			}
		}
		wantCalls(t, s, [3]int{1, 1, 3}, "three later calls")
	})

	// The stub's clock an hour on, the client's not: the stub refuses the
	// ccmessaging-token (401) while the AccessToken, renewed on time, is
	// good. The Transport applies again and sends once more.
	t.Run("401: re-apply, retry", func(t *testing.T) {
		s := newLaterSession(t)
		s.send(t)
		old := s.token(t)
		s.advance(52 * time.Minute) // the AccessToken is renewed on the way; the token has 8 minutes left
		if status, rotated := s.send(t); status != 200 || rotated != "" {
			t.Fatalf("8 minutes before expiry: %d, new token %q", status, rotated)
		}
		wantCalls(t, s, [3]int{2, 1, 2}, "before the stub's clock moves alone")
		s.srv.Advance(8 * time.Minute) // the token has expired on the stub's clock only
		if status, _ := s.send(t); status != 200 {
			t.Fatalf("after the token expired on the stub: %d; want 200 after a re-apply", status)
		}
		wantCalls(t, s, [3]int{2, 2, 4}, "after the 401")
		if s.token(t) == old {
			t.Error("the refused token is still the source's")
		}
	})

	// The stub's clock 10 minutes on, the client's not: the AccessToken has
	// expired for the stub (403); the Transport renews it and sends once
	// more, with the same ccmessaging-token.
	t.Run("403: renew the AccessToken, retry", func(t *testing.T) {
		s := newLaterSession(t)
		s.send(t)
		tok := s.token(t)
		s.srv.Advance(10 * time.Minute)
		if status, _ := s.send(t); status != 200 {
			t.Fatalf("after the AccessToken expired on the stub: %d; want 200 after a renewal", status)
		}
		wantCalls(t, s, [3]int{2, 1, 3}, "after the 403")
		if s.token(t) != tok {
			t.Error("a 403 changed the ccmessaging-token")
		}
	})

	// In the token's last 5 minutes the stub answers with a new token; the
	// Transport takes it, and the next call sends it. No applyToken call.
	t.Run("rotation", func(t *testing.T) {
		s := newLaterSession(t, client.WithRefreshMargin(time.Minute))
		s.send(t)
		old := s.token(t)
		s.advance(time.Hour - 6*time.Minute) // 6 minutes left: outside the window
		if _, rotated := s.send(t); rotated != "" {
			t.Fatal("a new token 6 minutes before expiry")
		}
		s.advance(2 * time.Minute) // 4 minutes left
		status, rotated := s.send(t)
		if status != 200 || rotated == "" || rotated == old {
			t.Fatalf("4 minutes before expiry: %d, new token %q", status, rotated)
		}
		if got := s.token(t); got != rotated {
			t.Fatalf("the source holds %.12q; want the rotated %.12q", got, rotated)
		}
		s.advance(5 * time.Minute) // the old token has expired; the rotated one lives
		if status, again := s.send(t); status != 200 || again != "" {
			t.Errorf("with the rotated token, past the old one's expiry: %d, new token %q; want 200 and none", status, again)
		}
		wantCalls(t, s, [3]int{2, 1, 4}, "after the rotation")
		if got := s.token(t); got != rotated {
			t.Error("the source let the rotated token go")
		}
		tok, _ := s.ts.Token(context.Background())
		if want := s.clock.Now().Add(time.Hour - 5*time.Minute); !tok.Expiry.Equal(want) {
			t.Errorf("the rotated token expires at %v; want an hour from the rotation, %v", tok.Expiry, want)
		}
	})

	// Both refused at once (the stub's clock far ahead): 403 first, as the
	// stub checks the AccessToken before the ccmessaging-token; the one
	// retry meets the 401 and returns it. The next call must not send the
	// refused token again.
	t.Run("both refused: the next call recovers", func(t *testing.T) {
		s := newLaterSession(t)
		s.send(t)
		s.srv.Advance(2 * time.Hour)
		if status, _ := s.send(t); status != 401 {
			t.Fatalf("both tokens expired on the stub: %d; want the retry's 401", status)
		}
		wantCalls(t, s, [3]int{2, 1, 3}, "after 403 then 401")
		if status, _ := s.send(t); status != 200 {
			t.Fatalf("the next call: %d; want 200", status)
		}
		wantCalls(t, s, [3]int{2, 2, 4}, "the next call: one applyToken, one later call")
	})
}
