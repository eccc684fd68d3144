package main

import (
	"strings"
	"testing"
	"time"
)

// TestRotateBeforeConfig: the rotation window of the later call comes
// from the file (messagingTokenRotateBefore), then the environment
// (APPLYTOKEN_MESSAGING_TOKEN_ROTATE_BEFORE), held to the stub's bounds.
func TestRotateBeforeConfig(t *testing.T) {
	if cfg, err := loadConfig("", nil); err != nil || cfg.MessagingTokenRotateBefore != 5*time.Minute {
		t.Errorf("no file: %v, %v; want 5m", cfg.MessagingTokenRotateBefore, err)
	}
	for name, text := range map[string]string{
		"c.yaml": "messagingTokenRotateBefore: 2m\n",
		"c.json": `{"messagingTokenRotateBefore":"2m"}`,
	} {
		cfg, err := loadConfig(writeFile(t, name, text), nil)
		if err != nil || cfg.MessagingTokenRotateBefore != 2*time.Minute {
			t.Errorf("%s: %v, %v; want 2m", name, cfg.MessagingTokenRotateBefore, err)
		}
	}
	cfg, err := loadConfig(writeFile(t, "c.yaml", "messagingTokenRotateBefore: 2m\n"),
		getenv(map[string]string{"APPLYTOKEN_MESSAGING_TOKEN_ROTATE_BEFORE": "90s"}))
	if err != nil || cfg.MessagingTokenRotateBefore != 90*time.Second {
		t.Errorf("the environment over the file: %v, %v; want 1m30s", cfg.MessagingTokenRotateBefore, err)
	}
	for _, tc := range []struct {
		path string
		env  map[string]string
		want string
	}{
		{writeFile(t, "c.yaml", "messagingTokenRotateBefore: 48h\n"), nil, "line 1: field messagingTokenRotateBefore: 48h0m0s is outside 1s to 24h0m0s"},
		{writeFile(t, "c.yaml", "messagingTokenRotateBefore: soon\n"), nil, "field messagingTokenRotateBefore: \"soon\" is not a duration"},
		{"", map[string]string{"APPLYTOKEN_MESSAGING_TOKEN_ROTATE_BEFORE": "-5m"}, "environment APPLYTOKEN_MESSAGING_TOKEN_ROTATE_BEFORE: -5m0s is outside 1s to 24h0m0s"},
	} {
		if _, err := loadConfig(tc.path, getenv(tc.env)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v; want %q", tc.env, err, tc.want)
		}
	}
}
