package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"
)

// accessTokenMargin is how long before its Expiry an AccessToken is
// renewed: well inside the shortest lifetime the contract lets a caller
// ask tokenByAkSk for, and early enough to stay clear of the rate limit
// integrators meet when they renew at the last moment.
const accessTokenMargin = 30 * time.Second

// newAccessTokens returns the AccessToken leg: tokenByAkSk, or the user's
// own source, behind the cache. oauth2.TokenSource has no way to be told
// "this token was refused"; the cache's invalidate is that way.
func newAccessTokens(w *wire, s settings) *cache[oauth2.Token] {
	fetch := func(ctx context.Context) (*oauth2.Token, error) {
		return w.tokenByAkSk(ctx, s.appSecret)
	}
	if ts := s.accessSource; ts != nil {
		fetch = func(ctx context.Context) (*oauth2.Token, error) { return fromSource(ctx, ts) }
	}
	return newCache("an AccessToken", s.now, accessTokenMargin, accessExpiry, fetch)
}

func accessExpiry(t *oauth2.Token) time.Time { return t.Expiry }

// fromSource asks the user's source. Its Token takes no context, so it
// runs in a goroutine of its own: a caller whose ctx ends stops waiting for
// it, and it runs to its end (an oauth2.TokenSource is safe for concurrent
// use, so the next caller may ask it again meanwhile).
func fromSource(ctx context.Context, ts oauth2.TokenSource) (*oauth2.Token, error) {
	type answer struct {
		t   *oauth2.Token
		err error
	}
	done := make(chan answer, 1)
	go func() {
		t, err := ts.Token()
		done <- answer{t, err}
	}()
	var a answer
	select {
	case a = <-done:
	case <-ctx.Done():
		return nil, fmt.Errorf("client: waiting for the AccessToken source: %w", ctx.Err())
	}
	if a.err != nil {
		return nil, fmt.Errorf("client: AccessToken source: %w", a.err)
	}
	if a.t == nil || a.t.AccessToken == "" {
		return nil, errors.New("client: the AccessToken source returned an empty token")
	}
	return a.t, nil
}
