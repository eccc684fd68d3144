package server

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// Config is what a Stub serves: who may call it, which channels exist, and
// how its tokens are signed and how long they live. Start from
// [DefaultConfig]; New checks every field.
type Config struct {
	// Apps maps each accepted app key to its app secret. App keys are
	// visible ASCII, at most 255 bytes; secrets are not empty.
	Apps map[string]string
	// Channels maps each configured channelId to whether it is enabled.
	Channels map[string]bool
	// SigningKey signs and checks tokens: 32 bytes or more. Nil means a key
	// drawn from crypto/rand by New, private to that Stub.
	SigningKey []byte
	// AccessTokenLifetime is an AccessToken's lifetime when the caller sends
	// no X-Token-Expire: whole seconds within that header's bounds in the
	// contract. Zero means the header's default there.
	AccessTokenLifetime time.Duration
	// MessagingTokenLifetime is a ccmessaging-token's lifetime: whole
	// seconds, 1s to 24h. Zero means the contract's (x-default-lifetime).
	MessagingTokenLifetime time.Duration
	// MessagingTokenRotateBefore is how close to its expiry a
	// ccmessaging-token is replaced on a later call ([Stub.LaterCall]):
	// whole seconds, 1s to 24h. Zero means 5 minutes.
	MessagingTokenRotateBefore time.Duration
	// Now is the stub's clock; nil means time.Now. Tests move it to expire
	// tokens without waiting.
	Now func() time.Time
	// Logger receives the access log and internal failures; nil means
	// slog.Default().
	Logger *slog.Logger
	// Journal is how many requests Stub.Journal keeps, the oldest dropped
	// first: 0 to 1000000; 0 turns the journal off.
	Journal int
}

// DefaultConfig returns the demo configuration: app key "demo-app-key"
// with secret "demo-app-secret", channel "demo-channel" enabled and
// "disabled-channel" disabled, the contract's default lifetimes, and a
// journal of the last 1000 requests.
func DefaultConfig() Config {
	access, _ := accessLifetimes()
	messaging, _ := apiserver.ApplyTokenResult{}.Lifetime()
	return Config{
		Apps:                       map[string]string{"demo-app-key": "demo-app-secret"},
		Channels:                   map[string]bool{"demo-channel": true, "disabled-channel": false},
		AccessTokenLifetime:        access.def,
		MessagingTokenLifetime:     messaging,
		MessagingTokenRotateBefore: defaultRotateBefore,
		Journal:                    1000,
	}
}

// The stub's own bounds, which the contract does not state.
const (
	minMessagingLifetime = time.Second
	maxMessagingLifetime = 24 * time.Hour
	minSigningKeyLen     = 32
	maxAppKeyLen         = 255 // a token stores the app key's length in one byte
	// defaultRotateBefore is the rotation window of a ccmessaging-token.
	// The vendor says only that a token which expires during a session is
	// replaced with the current request; 5 minutes is the stub's choice.
	defaultRotateBefore = 5 * time.Minute
)

// lifetimeRange is the bounds and the default of a lifetime.
type lifetimeRange struct{ min, max, def time.Duration }

// expireParam is the header parameter of tokenByAkSk that asks for an
// AccessToken's lifetime in seconds.
const expireParam = "X-Token-Expire"

// accessLifetimes reads an AccessToken's lifetimes from expireParam's
// schema in the contract (minimum, maximum, default), so that a configured
// default is always one a caller could ask for.
func accessLifetimes() (lifetimeRange, error) {
	var s *rules.Schema
	for _, p := range contract.TokenByAkSk.Params {
		if p.Name == expireParam {
			s = p.Schema
		}
	}
	if s == nil || s.Minimum == nil || s.Maximum == nil || s.Default == "" {
		return lifetimeRange{}, fmt.Errorf("server: the contract's %s of %s needs a minimum, a maximum and a default", expireParam, contract.OpTokenByAkSk)
	}
	def, err := strconv.ParseFloat(s.Default, 64)
	if err != nil {
		return lifetimeRange{}, fmt.Errorf("server: the contract's default of %s is not a number", expireParam)
	}
	seconds := func(f float64) time.Duration {
		return time.Duration(math.Min(f, float64(math.MaxInt64/time.Second))) * time.Second
	}
	return lifetimeRange{min: seconds(*s.Minimum), max: seconds(*s.Maximum), def: seconds(def)}, nil
}

// withDefaults fills the lifetimes left zero from the contract, and the
// rotation window with the stub's.
func (c Config) withDefaults() (Config, lifetimeRange, error) {
	access, err := accessLifetimes()
	if err != nil {
		return c, access, err
	}
	if c.AccessTokenLifetime == 0 {
		c.AccessTokenLifetime = access.def
	}
	if c.MessagingTokenLifetime == 0 {
		c.MessagingTokenLifetime, _ = apiserver.ApplyTokenResult{}.Lifetime()
	}
	if c.MessagingTokenRotateBefore == 0 {
		c.MessagingTokenRotateBefore = defaultRotateBefore
	}
	return c, access, nil
}

// validate checks every field, naming it.
func (c *Config) validate(access lifetimeRange) error {
	return errors.Join(
		fieldError("Apps", checkApps(c.Apps)),
		fieldError("Channels", checkChannels(c.Channels)),
		fieldError("SigningKey", checkSigningKey(c.SigningKey)),
		fieldError("AccessTokenLifetime", checkLifetime(c.AccessTokenLifetime, access.min, access.max)),
		fieldError("MessagingTokenLifetime", checkLifetime(c.MessagingTokenLifetime, minMessagingLifetime, maxMessagingLifetime)),
		fieldError("MessagingTokenRotateBefore", checkLifetime(c.MessagingTokenRotateBefore, minMessagingLifetime, maxMessagingLifetime)),
		fieldError("Journal", checkJournal(c.Journal)),
	)
}

func fieldError(field string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", field, err)
}

// checkApps never quotes a secret: errors end up in logs.
func checkApps(apps map[string]string) error {
	if len(apps) == 0 {
		return errors.New("no app configured")
	}
	for _, key := range slices.Sorted(maps.Keys(apps)) {
		if err := checkAppKey(key); err != nil {
			return err
		}
		if apps[key] == "" {
			return fmt.Errorf("app key %q has an empty secret", key)
		}
	}
	return nil
}

// checkAppKey keeps keys to what a header carries unchanged and a token can
// hold.
func checkAppKey(key string) error {
	if key == "" || len(key) > maxAppKeyLen {
		return fmt.Errorf("an app key must be 1 to %d bytes, got %d", maxAppKeyLen, len(key))
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] > '~' {
			return fmt.Errorf("app key %q: only visible ASCII characters are allowed", key)
		}
	}
	return nil
}

func checkChannels(channels map[string]bool) error {
	if _, ok := channels[""]; ok {
		return errors.New("a channelId must not be empty")
	}
	return nil
}

func checkSigningKey(key []byte) error {
	if key != nil && len(key) < minSigningKeyLen {
		return fmt.Errorf("want %d bytes or more, got %d", minSigningKeyLen, len(key))
	}
	return nil
}

func checkJournal(n int) error {
	if n < 0 || n > maxJournal {
		return fmt.Errorf("%d is outside 0 to %d", n, maxJournal)
	}
	return nil
}

func checkLifetime(d, lo, hi time.Duration) error {
	if d < lo || d > hi {
		return fmt.Errorf("%v is outside %v to %v", d, lo, hi)
	}
	if d%time.Second != 0 {
		return fmt.Errorf("%v is not a whole number of seconds", d)
	}
	return nil
}
