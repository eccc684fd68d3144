package main

import (
	"fmt"
	"strings"

	"github.com/aicc-kit/applytoken/server"
)

// The environment variables loadConfig reads. Each overrides the config
// file's field of the same meaning; an empty variable is ignored.
const (
	envAppKey                 = "APPLYTOKEN_APP_KEY"
	envAppSecret              = "APPLYTOKEN_APP_SECRET"
	envChannels               = "APPLYTOKEN_CHANNELS"
	envSigningKey             = "APPLYTOKEN_SIGNING_KEY"
	envAccessTokenLifetime    = "APPLYTOKEN_ACCESS_TOKEN_LIFETIME"
	envMessagingTokenLifetime = "APPLYTOKEN_MESSAGING_TOKEN_LIFETIME"
	envMessagingRotateBefore  = "APPLYTOKEN_MESSAGING_TOKEN_ROTATE_BEFORE"
	envJournal                = "APPLYTOKEN_JOURNAL"
)

// applyEnv overrides cfg from the environment. The app pair replaces every
// configured app, so that a pipeline which sets its own credentials never
// also accepts the demo ones.
func applyEnv(cfg *server.Config, getenv func(string) string) error {
	key, secret := getenv(envAppKey), getenv(envAppSecret)
	switch {
	case key != "" && secret != "":
		if err := setEnv(cfg, envAppKey, func(c *server.Config) error {
			c.Apps = map[string]string{key: secret}
			return nil
		}); err != nil {
			return err
		}
	case key != "":
		return envError(envAppSecret, fmt.Errorf("must be set with %s", envAppKey))
	case secret != "":
		return envError(envAppKey, fmt.Errorf("must be set with %s", envAppSecret))
	}
	for _, v := range []struct {
		name string
		set  func(*server.Config, string) error
	}{
		{envChannels, func(c *server.Config, s string) (err error) {
			c.Channels, err = parseChannels(s)
			return err
		}},
		{envSigningKey, func(c *server.Config, s string) (err error) {
			c.SigningKey, err = parseSigningKey(s)
			return err
		}},
		{envAccessTokenLifetime, func(c *server.Config, s string) (err error) {
			c.AccessTokenLifetime, err = parseLifetime(s)
			return err
		}},
		{envMessagingTokenLifetime, func(c *server.Config, s string) (err error) {
			c.MessagingTokenLifetime, err = parseLifetime(s)
			return err
		}},
		{envMessagingRotateBefore, func(c *server.Config, s string) (err error) {
			c.MessagingTokenRotateBefore, err = parseLifetime(s)
			return err
		}},
		{envJournal, func(c *server.Config, s string) (err error) {
			c.Journal, err = parseInteger(s)
			return err
		}},
	} {
		if s := getenv(v.name); s != "" {
			if err := setEnv(cfg, v.name, func(c *server.Config) error { return v.set(c, s) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// setEnv applies what variable name sets, and holds cfg to the stub's
// rules.
func setEnv(cfg *server.Config, name string, set func(*server.Config) error) error {
	next := *cfg
	err := set(&next)
	if err == nil {
		err = refusal(next)
	}
	if err != nil {
		return envError(name, err)
	}
	*cfg = next
	return nil
}

func envError(name string, err error) error {
	return fmt.Errorf("environment %s: %w", name, err)
}

// parseChannels reads "id,id=enabled,id=disabled": a bare id is enabled.
func parseChannels(s string) (map[string]bool, error) {
	channels := map[string]bool{}
	for item := range strings.SplitSeq(s, ",") {
		id, state, hasState := strings.Cut(strings.TrimSpace(item), "=")
		if id == "" {
			return nil, fmt.Errorf("an empty channelId in %q", s)
		}
		switch {
		case !hasState || state == "enabled":
			channels[id] = true
		case state == "disabled":
			channels[id] = false
		default:
			return nil, fmt.Errorf("channel %q: want =enabled or =disabled, got %q", id, state)
		}
	}
	return channels, nil
}
