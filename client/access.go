package client

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// accessTokenMargin is how long before its Expiry an AccessToken is
// renewed. The contract's shortest AccessToken lives 60 seconds.
const accessTokenMargin = 30 * time.Second

// tokenSourceFunc adapts a function to oauth2.TokenSource. Wrapping a
// user's source in it also keeps oauth2.ReuseTokenSourceWithExpiry from
// unwrapping, and changing, a reuse source the user passed in.
type tokenSourceFunc func() (*oauth2.Token, error)

func (f tokenSourceFunc) Token() (*oauth2.Token, error) { return f() }

// accessTokens is the AccessToken leg: an oauth2 reuse layer over a
// fetcher (tokenByAkSk, or the user's source), which it replaces with a new
// one to force a renewal after a 403. oauth2.TokenSource has no way to be
// told "this token was refused", hence the wrapper.
//
// It also re-checks expiry on the client's clock, which the reuse layer
// cannot see (it reads the wall clock), and keeps the token in use behind
// an atomic pointer so that Transport's per-request read takes no lock.
type accessTokens struct {
	now   func() time.Time
	fetch func(context.Context) (*oauth2.Token, error)

	cur atomic.Pointer[oauth2.Token] // the token in use
	sem chan struct{}                // a mutex a waiter can give up on

	// Guarded by sem.
	reuse oauth2.TokenSource
	// ctx is the context of the call holding sem: oauth2.TokenSource.Token
	// takes none, and the fetcher should still stop when its caller does.
	ctx context.Context
}

func newAccessTokens(now func() time.Time, fetch func(context.Context) (*oauth2.Token, error)) *accessTokens {
	a := &accessTokens{now: now, fetch: fetch, sem: make(chan struct{}, 1)}
	a.reuse = a.newReuse()
	return a
}

func (a *accessTokens) newReuse() oauth2.TokenSource {
	return oauth2.ReuseTokenSourceWithExpiry(nil, tokenSourceFunc(func() (*oauth2.Token, error) {
		return a.fetch(a.ctx)
	}), accessTokenMargin)
}

// usable reports whether t may still be sent, on the client's clock.
func (a *accessTokens) usable(t *oauth2.Token) bool {
	return t.Expiry.IsZero() || a.now().Before(t.Expiry.Add(-accessTokenMargin))
}

// token returns an AccessToken that is not about to expire.
func (a *accessTokens) token(ctx context.Context) (*oauth2.Token, error) {
	if t := a.cur.Load(); t != nil && a.usable(t) {
		return t, nil
	}
	if err := a.lock(ctx); err != nil {
		return nil, err
	}
	defer a.unlock()
	prev := a.cur.Load()
	if prev != nil && a.usable(prev) {
		return prev, nil
	}
	t, err := a.next(ctx)
	if err != nil {
		return nil, err
	}
	if !a.usable(t) && t == prev {
		// The reuse layer still trusts t on the wall clock; the client's
		// clock says otherwise, so start afresh. (A token fetched just now
		// is taken as it is, however short its life.)
		a.reuse = a.newReuse()
		if t, err = a.next(ctx); err != nil {
			return nil, err
		}
	}
	a.cur.Store(t)
	return t, nil
}

// next asks the reuse layer; the caller holds sem.
func (a *accessTokens) next(ctx context.Context) (*oauth2.Token, error) {
	a.ctx = ctx
	t, err := a.reuse.Token()
	a.ctx = nil
	if err != nil {
		return nil, err
	}
	if t == nil || t.AccessToken == "" {
		return nil, errors.New("client: the AccessToken source returned an empty token")
	}
	return t, nil
}

// invalidate drops used, if it is still the token in use, so that the next
// call to token fetches a new one. Concurrent callers that saw the same
// refused token cause one renewal, not one each.
func (a *accessTokens) invalidate(ctx context.Context, used *oauth2.Token) {
	if a.lock(ctx) != nil {
		return
	}
	defer a.unlock()
	if cur := a.cur.Load(); cur != nil && cur.AccessToken == used.AccessToken {
		a.cur.Store(nil)
		a.reuse = a.newReuse()
	}
}

func (a *accessTokens) lock(ctx context.Context) error {
	select {
	case a.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("client: waiting for an AccessToken: %w", ctx.Err())
	}
}

func (a *accessTokens) unlock() { <-a.sem }
