package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBannerWithNoChannelEnabled: when the configuration enables no
// channel, every applyToken is refused, so the banner offers no curl
// session that would fail; it says so, and how to enable one.
func TestBannerWithNoChannelEnabled(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		file string // the -config file's text, if any
		env  map[string]string
	}{
		{name: "every channel disabled in the environment", env: map[string]string{"APPLYTOKEN_CHANNELS": "sales=disabled,legacy=disabled"}},
		{name: "demo-channel disabled in the file", file: "channels: {demo-channel: false, disabled-channel: false}\n"},
		{name: "no channel in the file", file: "channels: {}\n"},
		{name: "other credentials, no channel", env: map[string]string{
			"APPLYTOKEN_APP_KEY": "ci-key", "APPLYTOKEN_APP_SECRET": "ci-secret", "APPLYTOKEN_CHANNELS": "legacy=disabled"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.file != "" {
				path = filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
				if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cfg, err := loadConfig(path, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			printBanner(&out, "https://127.0.0.1:8443", true, cfg)
			b := parseBanner(out.String())
			if b.base != "https://127.0.0.1:8443" || !strings.Contains(b.text, "\n"+bannerEnd) {
				t.Errorf("the banner lost its address or its last line:\n%s", b.text)
			}
			if b.session != "" || strings.Contains(b.text, "curl -") || strings.Contains(b.text, "\n#") {
				t.Errorf("the banner offers a session that applyToken would refuse:\n%s", b.text)
			}
			if !strings.Contains(b.text, "No channel is enabled") {
				t.Errorf("the banner does not say that no channel is enabled:\n%s", b.text)
			}
			checkEnableAdvice(t, dir, b.text)
		})
	}
}

// checkEnableAdvice: the environment variable and the config file line the
// banner suggests each enable a channel, and so bring the session back.
func checkEnableAdvice(t *testing.T, dir, text string) {
	t.Helper()
	env := regexp.MustCompile(`APPLYTOKEN_CHANNELS=(\S+)`).FindStringSubmatch(text)
	file := regexp.MustCompile(`"(channels: [^"]+)"`).FindStringSubmatch(text)
	if env == nil || file == nil {
		t.Fatalf("the banner does not say how to enable a channel, in the environment and in a -config file:\n%s", text)
	}
	path := filepath.Join(dir, "advice.yaml")
	if err := os.WriteFile(path, []byte(file[1]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		advice, path, channels string
	}{{env[0], "", env[1]}, {file[1], path, ""}} {
		cfg, err := loadConfig(c.path, func(k string) string {
			if k == "APPLYTOKEN_CHANNELS" {
				return c.channels
			}
			return ""
		})
		if err != nil {
			t.Fatalf("the banner's %s: %v", c.advice, err)
		}
		var out strings.Builder
		printBanner(&out, "http://127.0.0.1:8080", false, cfg)
		if parseBanner(out.String()).session == "" {
			t.Errorf("with the banner's %s, channels %v, the banner still offers no session:\n%s", c.advice, cfg.Channels, out.String())
		}
	}
}

// TestBannerPicksAnEnabledChannel: the session names an enabled channel,
// not the first one in order, nor demo-channel when it is disabled, and
// it works.
func TestBannerPicksAnEnabledChannel(t *testing.T) {
	s := startRun(t, map[string]string{"APPLYTOKEN_CHANNELS": "a-off=disabled,b-on,demo-channel=disabled"})
	if !strings.Contains(s.banner.session, `"channelId":"b-on"`) || strings.Contains(s.banner.text, "No channel") {
		t.Fatalf("the banner does not use the enabled channel:\n%s", s.banner.text)
	}
	if m, ran := runSession(t, s.banner.session); ran && m["resultCode"] != "0" {
		t.Errorf("the session ended in %v", m)
	}
}
