package client

import (
	"context"
	"errors"
	"time"

	"github.com/aicc-kit/applytoken/gen/apiclient"
)

// timeNow is time.Now, a variable so that tests can move it.
var timeNow = time.Now

// ApplyTokenResult is the 200 answer of applyToken: the contract's
// ApplyTokenResult as oapi-codegen generates it, so that a property the
// contract adds is a field after `make generate`.
type ApplyTokenResult = apiclient.ApplyTokenResult

// Token is a ccmessaging-token. Later CC-Messaging calls send Value in the
// ccmessaging-token header. Expiry is the moment the applyToken request
// that obtained it left the client, read on the client's clock, plus the
// lifetime the contract gives the answer ([ApplyTokenResult.Lifetime]: the
// vendor's hour, unless a property of the answer says otherwise).
type Token struct {
	Value  string
	Expiry time.Time

	// Result is the whole answer that issued the token; Result.Token is
	// Value. For a token the platform rotated in (see [Transport]) it is
	// the answer of the token it replaced, with Token set to the new value.
	Result ApplyTokenResult
}

// Valid reports whether t is non-nil, has a Value and has not expired by
// the wall clock. A zero Expiry never expires.
func (t *Token) Valid() bool {
	return t != nil && t.Value != "" && (t.Expiry.IsZero() || timeNow().Before(t.Expiry))
}

func tokenExpiry(t *Token) time.Time { return t.Expiry }

// defaultLifetime is how long the contract says a ccmessaging-token lives
// when its answer says nothing more (x-default-lifetime); false when the
// contract leaves that to a property of each answer.
func defaultLifetime() (time.Duration, bool) { return ApplyTokenResult{}.Lifetime() }

// MessagingTokenSource caches the ccmessaging-token of one user session.
// Token returns the cached token until the refresh margin before its
// Expiry (5 minutes unless [WithRefreshMargin] says otherwise) and then
// applies for a new one. It is safe for concurrent use: however many
// goroutines ask at once, one applyToken call is made, and the others wait
// for it (or for their context) and share its outcome, an error included.
// Create one with [Client.TokenSource]; a zero MessagingTokenSource gives
// an error.
//
// The cache goes further than oauth2's reuse layer on purpose: it can be
// invalidated (a 401 means the platform no longer takes the token), and
// [Transport] replaces its token with one the platform rotates in a
// response header.
type MessagingTokenSource struct {
	c      *Client
	tokens *cache[Token]
}

func newMessagingTokenSource(c *Client, req ApplyTokenRequest) *MessagingTokenSource {
	apply := func(ctx context.Context) (*Token, error) { return c.ApplyToken(ctx, req) }
	return &MessagingTokenSource{c: c, tokens: newCache("a ccmessaging-token", c.now, c.refreshMargin, tokenExpiry, apply)}
}

// Token returns the session's ccmessaging-token, applying for a new one
// when none is cached or the cached one is within the refresh margin of
// its Expiry. The returned Token is shared and must not be modified.
//
// ctx bounds the applyToken call (and tokenByAkSk, when the AccessToken is
// due) and the wait for another goroutine's call.
func (s *MessagingTokenSource) Token(ctx context.Context) (*Token, error) {
	switch {
	case ctx == nil:
		return nil, errNilContext
	case s == nil || s.tokens == nil:
		return nil, errZeroSource
	}
	return s.tokens.get(ctx)
}

var errZeroSource = errors.New("client: the MessagingTokenSource was not made by Client.TokenSource")

// Invalidate drops the cached token: the next call to Token applies for a
// new one. Use it when the platform refuses the token (a 401).
func (s *MessagingTokenSource) Invalidate() {
	if s != nil && s.tokens != nil {
		s.tokens.drop()
	}
}

// rotate replaces used with a token the platform handed out in its place,
// unless the cache has moved on already. The new token's lifetime starts
// now.
func (s *MessagingTokenSource) rotate(used *Token, value string) {
	if value == used.Value {
		return
	}
	res := used.Result
	res.Token = value
	if next, err := newToken(res, s.c.now()); err == nil {
		s.tokens.replace(used, next)
	}
}
