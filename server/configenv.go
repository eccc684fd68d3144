package server

import (
	"fmt"
	"strings"
)

// The environment variables LoadConfig reads. Each overrides the config
// file's field of the same meaning; an empty variable is ignored.
const (
	envAppKey                 = "APPLYTOKEN_APP_KEY"
	envAppSecret              = "APPLYTOKEN_APP_SECRET"
	envChannels               = "APPLYTOKEN_CHANNELS"
	envSigningKey             = "APPLYTOKEN_SIGNING_KEY"
	envAccessTokenLifetime    = "APPLYTOKEN_ACCESS_TOKEN_LIFETIME"
	envMessagingTokenLifetime = "APPLYTOKEN_MESSAGING_TOKEN_LIFETIME"
)

// applyEnv overrides cfg from the environment. The app pair replaces every
// configured app, so that a pipeline which sets its own credentials never
// also accepts the demo ones.
func applyEnv(cfg *Config, getenv func(string) string) error {
	key, secret := getenv(envAppKey), getenv(envAppSecret)
	switch {
	case key != "" && secret != "":
		if err := checkAppKey(key); err != nil {
			return envError(envAppKey, err)
		}
		cfg.Apps = map[string]string{key: secret}
	case key != "":
		return envError(envAppSecret, fmt.Errorf("must be set with %s", envAppKey))
	case secret != "":
		return envError(envAppKey, fmt.Errorf("must be set with %s", envAppSecret))
	}
	if s := getenv(envChannels); s != "" {
		channels, err := parseChannels(s)
		if err != nil {
			return envError(envChannels, err)
		}
		cfg.Channels = channels
	}
	if s := getenv(envSigningKey); s != "" {
		k, err := parseSigningKey(s)
		if err != nil {
			return envError(envSigningKey, err)
		}
		cfg.SigningKey = k
	}
	if s := getenv(envAccessTokenLifetime); s != "" {
		d, err := parseLifetime(s, minAccessLifetime, maxAccessLifetime)
		if err != nil {
			return envError(envAccessTokenLifetime, err)
		}
		cfg.AccessTokenLifetime = d
	}
	if s := getenv(envMessagingTokenLifetime); s != "" {
		d, err := parseLifetime(s, minMessagingLifetime, maxMessagingLifetime)
		if err != nil {
			return envError(envMessagingTokenLifetime, err)
		}
		cfg.MessagingTokenLifetime = d
	}
	return nil
}

func envError(name string, err error) error {
	return fmt.Errorf("server: environment %s: %w", name, err)
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
