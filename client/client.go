package client

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"golang.org/x/oauth2"
)

// Client calls tokenByAkSk and applyToken on one AICC domain. It is safe
// for concurrent use, and meant to be made once and shared: it caches the
// AccessToken for all its callers.
type Client struct {
	appKey        string
	now           func() time.Time
	refreshMargin time.Duration
	wire          *wire
	access        *cache[oauth2.Token]
}

// New returns a Client for baseURL, the scheme and host of the AICC domain
// (for example https://service.besclouds.com; a path prefix is kept).
// Exactly one of [WithCredentials] and [WithAccessTokenSource] is required.
func New(baseURL string, opts ...Option) (*Client, error) {
	if err := checkBaseURL(baseURL); err != nil {
		return nil, err
	}
	s := settings{
		userAgent:     defaultUserAgent,
		now:           time.Now,
		refreshMargin: defaultRefreshMargin,
	}
	for _, opt := range opts {
		if opt == nil {
			return nil, errors.New("client: nil Option")
		}
		if err := opt(&s); err != nil {
			return nil, err
		}
	}
	switch s.credentials {
	case 0:
		return nil, errors.New("client: no credentials: use WithCredentials or WithAccessTokenSource")
	case 1:
	default:
		return nil, errors.New("client: credentials given more than once: use one of WithCredentials and WithAccessTokenSource, once")
	}
	if s.httpClient == nil {
		s.httpClient = defaultHTTPClient()
	}
	w, err := newWire(baseURL, s)
	if err != nil {
		return nil, err
	}
	return &Client{appKey: s.appKey, now: s.now, refreshMargin: s.refreshMargin, wire: w, access: newAccessTokens(w, s)}, nil
}

func checkBaseURL(baseURL string) error {
	u, err := url.Parse(baseURL)
	if err != nil {
		// *url.Error repeats the URL, password and query included.
		if uerr := (*url.Error)(nil); errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("client: base URL: %w", err)
	}
	// The URL as an error may show it: without user information or query,
	// either of which may hold a secret.
	shown := strconv.Quote((&url.URL{Scheme: u.Scheme, Opaque: u.Opaque, Host: u.Host, Path: u.Path}).String())
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("client: base URL %s: scheme must be http or https", shown)
	case u.Host == "":
		return fmt.Errorf("client: base URL %s: host is missing", shown)
	case u.User != nil:
		return errors.New("client: base URL: user information is not allowed")
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("client: base URL %s: query and fragment are not allowed", shown)
	}
	return nil
}

// ApplyToken makes one applyToken call for req and returns the new
// ccmessaging-token with the whole answer ([Token.Result]), fetching an
// AccessToken first when none is cached or the cached one is due. req is
// checked first, against the contract's request schema with the checks
// the stub runs: a field the contract would refuse, or a body over its
// x-max-body-bytes, gives a [*ValidationError] and nothing is sent.
//
// When the server refuses the AccessToken (403), ApplyToken renews it and
// tries once more; the request body is the same, so this is always safe.
// Errors are [*APIError] (any non-200 answer, or a 200 body that is not the
// contract's result), [*ResultError] (resultCode "1"), or transport errors.
func (c *Client) ApplyToken(ctx context.Context, req ApplyTokenRequest) (*Token, error) {
	if err := c.usable(ctx); err != nil {
		return nil, err
	}
	body, err := encodeRequest(req)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		at, err := c.access.get(ctx)
		if err != nil {
			return nil, err
		}
		tok, err := c.wire.applyToken(ctx, at, body)
		if attempt == 0 && errors.Is(err, ErrForbidden) {
			c.access.invalidate(at)
			continue
		}
		return tok, err
	}
}

var (
	errNilContext = errors.New("client: nil Context")
	errZeroClient = errors.New("client: the Client was not made by New")
)

// usable refuses what would otherwise panic further down: a nil ctx, as
// net/http refuses one, and a Client that New did not make.
func (c *Client) usable(ctx context.Context) error {
	switch {
	case ctx == nil:
		return errNilContext
	case c == nil || c.access == nil:
		return errZeroClient
	}
	return nil
}

// TokenSource returns a [MessagingTokenSource] for the user session req
// describes. req is checked on each application, so an invalid req shows
// as a [*ValidationError] from Token.
func (c *Client) TokenSource(req ApplyTokenRequest) *MessagingTokenSource {
	return newMessagingTokenSource(c, req)
}
