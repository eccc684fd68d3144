package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// Transport is an [http.RoundTripper] for later CC-Messaging calls: it
// sends each request with the ccmessaging-token from Source and the
// x-app-key and Authorization of Source's Client. It never changes the
// caller's request; it sends a clone.
//
// Transport goes further than oauth2.Transport on purpose, as the vendor's
// documentation asks:
//   - on a 401 it invalidates the ccmessaging-token, applies for a new one
//     and sends the request once more;
//   - on a 403 it renews the AccessToken and sends the request once more;
//   - it retries only when the body can be sent again: no body, or
//     Request.GetBody set (http.NewRequest sets it for bytes.Buffer,
//     bytes.Reader and strings.Reader). Otherwise the 401 or 403 answer is
//     returned, and the refused token is still dropped for the next request;
//   - when an answer carries a ccmessaging-token header with a new value
//     (the platform rotates a token that expires during a session), the
//     next request uses it;
//   - a redirect that an http.Client follows to another scheme or host
//     than the one its chain began on is sent as it is, without the
//     credentials, as net/http drops Authorization on such a redirect.
//
// The answer of a retried request is returned whatever its status, and a
// token it refuses too (a 401 or 403 again) is dropped for the next
// request; the discarded answer's body is drained and closed. When new
// credentials cannot be had for the retry (applyToken refuses, say),
// RoundTrip returns that error instead of the 401 or 403.
type Transport struct {
	// Source supplies the ccmessaging-token, and through its Client the
	// AccessToken and app key. It must be set.
	Source *MessagingTokenSource

	// Base sends the requests. If nil, http.DefaultTransport is used.
	Base http.RoundTripper
}

// RoundTrip sends req with the CC-Messaging credentials, retrying once as
// the type's documentation says.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBodyClosed := false
	if req.Body != nil {
		defer func() {
			if !reqBodyClosed {
				req.Body.Close()
			}
		}()
	}
	if t.Source == nil {
		return nil, errors.New("client: Transport's Source is nil")
	}
	if redirectedAway(req) {
		reqBodyClosed = true
		return t.base().RoundTrip(req)
	}
	ctx := req.Context()
	tok, at, err := t.credentials(ctx)
	if err != nil {
		return nil, err
	}
	// The base RoundTripper closes the body from here on.
	reqBodyClosed = true
	resp, err := t.send(req, req.Body, tok, at)
	if err != nil {
		return nil, err
	}
	if !t.observe(resp, tok, at) {
		return resp, nil
	}

	body, ok := replayableBody(req)
	if !ok {
		return resp, nil
	}
	tok, at, err = t.credentials(ctx)
	if err != nil {
		if body != nil {
			body.Close()
		}
		discard(resp)
		return nil, err
	}
	discard(resp)
	resp, err = t.send(req, body, tok, at)
	if err != nil {
		return nil, err
	}
	// A credential the retry's answer refuses too is dropped as well, so
	// that the next request does not send it again.
	t.observe(resp, tok, at)
	return resp, nil
}

// observe takes up what an answer says of the credentials it was sent
// with: a 401 drops the ccmessaging-token, a 403 the AccessToken, and any
// other answer's rotated ccmessaging-token replaces the one sent. It
// reports whether the answer refused a credential.
func (t *Transport) observe(resp *http.Response, tok *Token, at *oauth2.Token) (refused bool) {
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		t.Source.tokens.invalidate(tok)
	case http.StatusForbidden:
		t.Source.c.access.invalidate(at)
	default:
		t.takeRotated(tok, resp)
		return false
	}
	return true
}

func (t *Transport) credentials(ctx context.Context) (*Token, *oauth2.Token, error) {
	tok, err := t.Source.Token(ctx)
	if err != nil {
		return nil, nil, err
	}
	at, err := t.Source.c.access.get(ctx)
	if err != nil {
		return nil, nil, err
	}
	return tok, at, nil
}

func (t *Transport) send(req *http.Request, body io.ReadCloser, tok *Token, at *oauth2.Token) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Body = body
	if r.Header == nil {
		r.Header = make(http.Header, 3)
	}
	r.Header[headerMessagingToken] = []string{tok.Value}
	setCredentials(r.Header, t.Source.c.appKey, at)
	return t.base().RoundTrip(r)
}

func (t *Transport) takeRotated(used *Token, resp *http.Response) {
	if v := resp.Header.Get(headerMessagingToken); v != "" {
		t.Source.rotate(used, v)
	}
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

// redirectedAway reports whether req is a redirect that an http.Client
// follows to another scheme or host than the request that began the chain.
// Such a request goes without the credentials, as net/http sends no
// Authorization to another domain: the AccessToken and ccmessaging-token
// are not handed to whoever a server redirects to. A chain whose start is
// unknown counts as leaving.
func redirectedAway(req *http.Request) bool {
	first := req
	for first.Response != nil {
		if first = first.Response.Request; first == nil {
			return true
		}
	}
	return first != req && !sameOrigin(first.URL, req.URL)
}

func sameOrigin(a, b *url.URL) bool {
	return a != nil && b != nil && a.Scheme == b.Scheme && strings.EqualFold(a.Host, b.Host)
}

// replayableBody returns a fresh copy of req's body for a second attempt,
// and false when there is no way to send it again.
func replayableBody(req *http.Request) (io.ReadCloser, bool) {
	switch {
	case req.Body == nil || req.Body == http.NoBody:
		return req.Body, true
	case req.GetBody == nil:
		return nil, false
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, false
	}
	return body, true
}

// discard drains a little of an answer that will not be returned, so its
// connection can be reused, and closes it.
func discard(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
}
