package client

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// messagingTokenLifetime is how long a ccmessaging-token lives, as the
// vendor documents; applyToken's answer does not say.
const messagingTokenLifetime = time.Hour

// timeNow is time.Now, a variable so that tests can move it.
var timeNow = time.Now

// Token is a ccmessaging-token. Later CC-Messaging calls send Value in the
// ccmessaging-token header. Expiry is one hour after the applyToken request
// that obtained it left the client, read on the client's clock.
type Token struct {
	Value  string
	Expiry time.Time
}

// Valid reports whether t is non-nil, has a Value and has not expired by
// the wall clock. A zero Expiry never expires.
func (t *Token) Valid() bool {
	return t != nil && t.Value != "" && (t.Expiry.IsZero() || timeNow().Before(t.Expiry))
}

// MessagingTokenSource caches the ccmessaging-token of one user session.
// Token returns the cached token until the refresh margin before its
// Expiry (5 minutes unless [WithRefreshMargin] says otherwise) and then
// applies for a new one. It is safe for concurrent use: however many
// goroutines ask at once, one applyToken call is made, and the others wait
// for it (or for their context). Create one with [Client.TokenSource].
//
// The cache goes further than oauth2's reuse layer on purpose: it can be
// invalidated (a 401 means the platform no longer takes the token), and
// [Transport] replaces its token with one the platform rotates in a
// response header.
type MessagingTokenSource struct {
	c      *Client
	req    ApplyTokenRequest
	margin time.Duration

	cur atomic.Pointer[cachedToken] // read without a lock on every call
	sem chan struct{}               // single-flights refreshes; a waiter can give up
}

// cachedToken keeps the refresh time next to the token, so the warm path
// is one clock read and one comparison.
type cachedToken struct {
	tok       *Token
	refreshAt time.Time
}

func newMessagingTokenSource(c *Client, req ApplyTokenRequest) *MessagingTokenSource {
	return &MessagingTokenSource{c: c, req: req, margin: c.refreshMargin, sem: make(chan struct{}, 1)}
}

// Token returns the session's ccmessaging-token, applying for a new one
// when none is cached or the cached one is within the refresh margin of
// its Expiry. The returned Token is shared and must not be modified.
//
// ctx bounds the applyToken call (and tokenByAkSk, when the AccessToken is
// due) and the wait for another goroutine's call.
func (s *MessagingTokenSource) Token(ctx context.Context) (*Token, error) {
	if e := s.cur.Load(); e != nil && s.c.now().Before(e.refreshAt) {
		return e.tok, nil
	}
	return s.refresh(ctx)
}

func (s *MessagingTokenSource) refresh(ctx context.Context) (*Token, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("client: waiting for a ccmessaging-token: %w", ctx.Err())
	}
	defer func() { <-s.sem }()
	// Whoever held sem before may have refreshed already.
	if e := s.cur.Load(); e != nil && s.c.now().Before(e.refreshAt) {
		return e.tok, nil
	}
	tok, err := s.c.ApplyToken(ctx, s.req)
	if err != nil {
		return nil, err
	}
	s.store(tok)
	return tok, nil
}

func (s *MessagingTokenSource) store(tok *Token) {
	s.cur.Store(s.entry(tok))
}

func (s *MessagingTokenSource) entry(tok *Token) *cachedToken {
	return &cachedToken{tok: tok, refreshAt: tok.Expiry.Add(-s.margin)}
}

// Invalidate drops the cached token: the next call to Token applies for a
// new one. Use it when the platform refuses the token (a 401).
func (s *MessagingTokenSource) Invalidate() {
	s.cur.Store(nil)
}

// invalidate drops used if it is still the cached token, so that callers
// that saw the same refused token cause one new application, not one each.
func (s *MessagingTokenSource) invalidate(used *Token) {
	if e := s.cur.Load(); e != nil && e.tok == used {
		s.cur.CompareAndSwap(e, nil)
	}
}

// rotate replaces used with a token the platform handed out in its place,
// unless the cache has moved on already. The new token's hour starts now.
func (s *MessagingTokenSource) rotate(used *Token, value string) {
	e := s.cur.Load()
	if e == nil || e.tok != used || value == used.Value {
		return
	}
	s.cur.CompareAndSwap(e, s.entry(&Token{Value: value, Expiry: s.c.now().Add(messagingTokenLifetime)}))
}
