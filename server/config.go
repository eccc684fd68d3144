package server

import (
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"
)

// Config is what a Stub serves: who may call it, which channels exist, and
// how its tokens are signed and how long they live. Start from
// [DefaultConfig] or [LoadConfig]; New checks every field.
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
	// no X-Token-Expire: whole seconds, within the header's own bounds.
	AccessTokenLifetime time.Duration
	// MessagingTokenLifetime is a ccmessaging-token's lifetime: whole
	// seconds, 1s to 24h.
	MessagingTokenLifetime time.Duration
	// Now is the stub's clock; nil means time.Now. Tests move it to expire
	// tokens without waiting.
	Now func() time.Time
	// Logger receives the access log and internal failures; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Bounds of the lifetimes. The AccessToken's are X-Token-Expire's bounds in
// the contract, so a configured default is always one a caller could ask for.
const (
	minAccessLifetime    = 60 * time.Second
	maxAccessLifetime    = 86400 * time.Second
	minMessagingLifetime = time.Second
	maxMessagingLifetime = 24 * time.Hour
	minSigningKeyLen     = 32
	maxAppKeyLen         = 255 // a token stores the app key's length in one byte
)

//go:embed demo.yaml
var demoYAML []byte

// DefaultConfig returns the demo configuration, demo.yaml: app key
// "demo-app-key" with secret "demo-app-secret", channel "demo-channel"
// enabled and "disabled-channel" disabled, AccessTokens for 10 minutes and
// ccmessaging-tokens for one hour.
func DefaultConfig() Config {
	var cfg Config
	if err := applyYAML(&cfg, "demo.yaml", demoYAML); err != nil {
		panic(err) // demo.yaml is part of the package; TestDefaultConfig proves it loads
	}
	return cfg
}

// validate checks every field, naming it as the config file does.
func (c *Config) validate() error {
	return errors.Join(
		fieldError("apps", checkApps(c.Apps)),
		fieldError("channels", checkChannels(c.Channels)),
		fieldError("signingKey", checkSigningKey(c.SigningKey)),
		fieldError("accessTokenLifetime", checkLifetime(c.AccessTokenLifetime, minAccessLifetime, maxAccessLifetime)),
		fieldError("messagingTokenLifetime", checkLifetime(c.MessagingTokenLifetime, minMessagingLifetime, maxMessagingLifetime)),
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

func checkLifetime(d, lo, hi time.Duration) error {
	if d < lo || d > hi {
		return fmt.Errorf("%v is outside %v to %v", d, lo, hi)
	}
	if d%time.Second != 0 {
		return fmt.Errorf("%v is not a whole number of seconds", d)
	}
	return nil
}
