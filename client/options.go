package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// An Option configures a [Client]. Each option checks its input; New
// returns the first error.
type Option func(*settings) error

// settings collects what the options say before New builds the Client.
type settings struct {
	appKey        string
	appSecret     string
	accessSource  oauth2.TokenSource
	credentials   int // how many credential options were given
	httpClient    *http.Client
	userAgent     string
	now           func() time.Time
	refreshMargin time.Duration
}

const (
	defaultTimeout       = 30 * time.Second
	defaultRefreshMargin = 5 * time.Minute
	defaultUserAgent     = "applytoken-go-client"
)

// WithCredentials makes the client obtain its AccessTokens itself, from
// tokenByAkSk with appKey and appSecret. The AccessToken is cached, shared
// by all the client's callers, and renewed 30 seconds before it expires
// (its Expires seconds after the request left), or at once when a server
// answers 403. The secret is sent only in the tokenByAkSk body and never
// appears in an error.
func WithCredentials(appKey, appSecret string) Option {
	return func(s *settings) error {
		if err := checkAppKey(appKey); err != nil {
			return err
		}
		if appSecret == "" {
			return errors.New("client: WithCredentials: app secret is empty")
		}
		s.appKey, s.appSecret = appKey, appSecret
		s.credentials++
		return nil
	}
}

// WithAccessTokenSource makes the client take its AccessTokens from ts
// instead of calling tokenByAkSk; appKey is the key they were issued to and
// is sent as x-app-key. The client keeps ts's token until 30 seconds before
// its Expiry (a zero Expiry never expires). ts.Token takes no context: a
// caller whose context ends stops waiting for it, and the call runs on to
// its end.
//
// Renewal: when a server answers 403 the client drops its copy and calls
// ts.Token again, once. If ts caches (an oauth2.ReuseTokenSource, say), it
// hands back the same token and the 403 reaches the caller; give a source
// that fetches when asked if renewal should work.
func WithAccessTokenSource(appKey string, ts oauth2.TokenSource) Option {
	return func(s *settings) error {
		if err := checkAppKey(appKey); err != nil {
			return err
		}
		if ts == nil {
			return errors.New("client: WithAccessTokenSource: token source is nil")
		}
		s.appKey, s.accessSource = appKey, ts
		s.credentials++
		return nil
	}
}

// WithHTTPClient makes the client send tokenByAkSk and applyToken through
// hc. The default is an http.Client with a 30-second timeout that does not
// follow redirects, so that neither the secret in the tokenByAkSk body nor
// the x-app-key header is replayed to another host.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return errors.New("client: WithHTTPClient: http client is nil")
		}
		s.httpClient = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header of the client's own requests.
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n\x00") {
			return errors.New("client: WithUserAgent: user agent is empty or contains a line break or NUL")
		}
		s.userAgent = ua
		return nil
	}
}

// WithClock makes the client read the time from now instead of time.Now.
// It exists for tests that move a fake server's clock: expiry and refresh
// decisions then follow now. [Token.Valid] keeps using the wall clock.
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		if now == nil {
			return errors.New("client: WithClock: clock is nil")
		}
		s.now = now
		return nil
	}
}

// WithRefreshMargin sets how long before a ccmessaging-token expires a
// [MessagingTokenSource] applies for the next one: 5 minutes unless set.
// It must be at least zero and shorter than the lifetime the contract gives
// a ccmessaging-token (the vendor's hour). Should an answer grant a token
// no longer than the margin, that token is used once and the next call
// applies again.
func WithRefreshMargin(d time.Duration) Option {
	return func(s *settings) error {
		switch life, ok := defaultLifetime(); {
		case d < 0:
			return errors.New("client: WithRefreshMargin: margin must be at least 0")
		case ok && d >= life:
			return fmt.Errorf("client: WithRefreshMargin: margin must be less than %v, the lifetime of a ccmessaging-token", life)
		}
		s.refreshMargin = d
		return nil
	}
}

func checkAppKey(appKey string) error {
	if appKey == "" {
		return errors.New("client: app key is empty")
	}
	for i := 0; i < len(appKey); i++ {
		if c := appKey[i]; c < 0x20 || c == 0x7f {
			return errors.New("client: app key contains a control character")
		}
	}
	return nil
}

func defaultHTTPClient() *http.Client {
	return &http.Client{
		Timeout: defaultTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
