package main

import (
	"encoding/base64"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/server"
)

// TestDemoYAMLIsTheDefault: demo.yaml, which `make run` serves and which
// documents every field, says what server.DefaultConfig is.
func TestDemoYAMLIsTheDefault(t *testing.T) {
	cfg, err := loadConfig("demo.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := server.DefaultConfig()
	if !maps.Equal(cfg.Apps, want.Apps) || !maps.Equal(cfg.Channels, want.Channels) || cfg.SigningKey != nil ||
		cfg.AccessTokenLifetime != want.AccessTokenLifetime || cfg.MessagingTokenLifetime != want.MessagingTokenLifetime ||
		cfg.MessagingTokenRotateBefore != want.MessagingTokenRotateBefore || cfg.Journal != want.Journal {
		t.Errorf("demo.yaml gives %+v; DefaultConfig is %+v", cfg, want)
	}
}

func TestLoadConfigFile(t *testing.T) {
	key := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))
	for name, text := range map[string]string{
		"c.yaml": "apps:\n  ci-key: ci-secret\nchannels:\n  sales: true\n  legacy: false\nsigningKey: " + key + "\naccessTokenLifetime: 15m\nmessagingTokenLifetime: 30m\njournal: 5000\n",
		"c.json": `{"apps":{"ci-key":"ci-secret"},"channels":{"sales":true,"legacy":false},"signingKey":"` + key + `",` +
			"\n\t" + `"accessTokenLifetime":"15m","messagingTokenLifetime":"30m","journal":5000}`,
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := loadConfig(writeFile(t, name, text), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(cfg.Apps, map[string]string{"ci-key": "ci-secret"}) {
				t.Errorf("Apps %v; want the file's alone", cfg.Apps)
			}
			if !maps.Equal(cfg.Channels, map[string]bool{"sales": true, "legacy": false}) {
				t.Errorf("Channels %v", cfg.Channels)
			}
			if string(cfg.SigningKey) != strings.Repeat("k", 32) {
				t.Errorf("SigningKey %q", cfg.SigningKey)
			}
			if cfg.AccessTokenLifetime != 15*time.Minute || cfg.MessagingTokenLifetime != 30*time.Minute {
				t.Errorf("lifetimes %v, %v", cfg.AccessTokenLifetime, cfg.MessagingTokenLifetime)
			}
			if cfg.Journal != 5000 {
				t.Errorf("Journal %d; want 5000", cfg.Journal)
			}
		})
	}
}

// TestLoadConfigKeepsWhatTheFileLeavesOut: a file of one field changes one.
func TestLoadConfigKeepsWhatTheFileLeavesOut(t *testing.T) {
	cfg, err := loadConfig(writeFile(t, "c.yaml", "accessTokenLifetime: 2m\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AccessTokenLifetime != 2*time.Minute || !maps.Equal(cfg.Apps, server.DefaultConfig().Apps) || !maps.Equal(cfg.Channels, server.DefaultConfig().Channels) {
		t.Errorf("got %+v", cfg)
	}
	if cfg, err := loadConfig(writeFile(t, "empty.yaml", "# nothing\n"), nil); err != nil || !maps.Equal(cfg.Apps, server.DefaultConfig().Apps) {
		t.Errorf("an empty file: %v, %+v", err, cfg)
	}
}

// TestLoadConfigFileErrors: a bad file fails with the field it is about,
// and never with the secret it holds.
func TestLoadConfigFileErrors(t *testing.T) {
	const secretish = "s3cr3t-material-zzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
	over := strconv.Itoa(overJournal(t))
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"c.yaml", "apps:\n  a: b\nport: 80\n", []string{"line 3", `unknown field "port"`}},
		{"c.json", `{"apps":{"a":"b"},"port":80}`, []string{`unknown field "port"`}},
		{"c.yaml", "accessTokenLifetime: 5s\n", []string{"line 1", "accessTokenLifetime", "outside"}},
		{"c.yaml", "accessTokenLifetime: 90.5s\n", []string{"accessTokenLifetime", "whole number of seconds"}},
		{"c.json", `{"messagingTokenLifetime":"soon"}`, []string{"messagingTokenLifetime", "not a duration"}},
		{"c.json", `{"messagingTokenLifetime":3600}`, []string{"messagingTokenLifetime"}},
		{"c.yaml", "messagingTokenLifetime: 0s\n", []string{"line 1", "messagingTokenLifetime", `"0s" is no lifetime`}},
		{"c.json", `{"accessTokenLifetime":"0"}`, []string{"accessTokenLifetime", `"0" is no lifetime`}},
		{"c.yaml", "messagingTokenRotateBefore: 0m\n", []string{"messagingTokenRotateBefore", `"0m" is no lifetime`}},
		{"c.yaml", "signingKey: " + secretish + "!\n", []string{"signingKey", "base64"}},
		{"c.yaml", "signingKey: c2hvcnQ=\n", []string{"signingKey", "32 bytes"}},
		{"c.yaml", "signingKey: [" + secretish + "]\n", []string{"signingKey"}},
		{"c.yaml", "journal: many\n", []string{"line 1", "field journal", "want an integer"}},
		{"c.yaml", "apps: {a: b}\njournal: 1.5\n", []string{"line 2", "field journal", `"1.5" is not an integer`}},
		{"c.yaml", "journal: \"1000\"\n", []string{"line 1", "field journal", "want an integer"}},
		{"c.yaml", "journal:\n", []string{"line 1", "field journal", "want an integer"}},
		{"c.yaml", "journal: [1]\n", []string{"line 1", "field journal", "want an integer"}},
		{"c.yaml", "journal: 99999999999999999999\n", []string{"line 1", "field journal", "out of range"}},
		{"c.yaml", "journal: " + over + "\n", []string{"line 1", "field journal", over + " is outside"}},
		{"c.yaml", "journal: -1\n", []string{"line 1", "field journal", "-1 is outside"}},
		{"c.json", `{"journal":"1000"}`, []string{"field journal", "want an integer"}},
		{"c.json", `{"journal":1e3}`, []string{"field journal", `"1e3" is not an integer`}},
		{"c.json", `{"journal":null}`, []string{"field journal", "want an integer"}},
		{"c.json", `{"journal":` + over + `}`, []string{"field journal", over + " is outside"}},
		{"c.yaml", "apps: {}\n", []string{"apps", "no app"}},
		{"c.yaml", "apps:\n  key with space: " + secretish + "\n", []string{"apps", "visible ASCII"}},
		{"c.yaml", "apps:\n  k: \"\"\n", []string{"apps", "empty secret"}},
		{"c.yaml", "apps: [a, b]\n", []string{"line 1", "field apps"}},
		{"c.yaml", "channels:\n  x: maybe\n", []string{"line 1", "field channels"}},
		{"c.yaml", "channels:\n  \"\": true\n", []string{"channels", "empty"}},
		{"c.yaml", "apps: {a: b}\napps: {c: d}\n", []string{"line 2", "apps"}},
		{"c.yaml", "- a\n- b\n", []string{"mapping"}},
		{"c.yaml", "apps: [\n", []string{"c.yaml"}},
		{"c.json", `{"apps":`, []string{"c.json", "JSON"}},
		{"c.json", `{} {}`, []string{"after the JSON object"}},
	} {
		t.Run(tc.name+"/"+tc.text, func(t *testing.T) {
			_, err := loadConfig(writeFile(t, tc.name, tc.text), nil)
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range append(tc.want, tc.name) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), secretish) {
				t.Errorf("error %q quotes the secret", err)
			}
		})
	}
	if _, err := loadConfig(filepath.Join(t.TempDir(), "missing.yaml"), nil); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestLoadConfigEnvironment(t *testing.T) {
	key := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("e", 40)))
	env := map[string]string{
		"APPLYTOKEN_APP_KEY":                  "env-key",
		"APPLYTOKEN_APP_SECRET":               "env-secret",
		"APPLYTOKEN_CHANNELS":                 "sales, support=enabled,legacy=disabled",
		"APPLYTOKEN_SIGNING_KEY":              key,
		"APPLYTOKEN_ACCESS_TOKEN_LIFETIME":    "20m",
		"APPLYTOKEN_MESSAGING_TOKEN_LIFETIME": "2h",
		"APPLYTOKEN_JOURNAL":                  "5000",
	}
	file := writeFile(t, "c.yaml", "apps: {file-key: file-secret}\naccessTokenLifetime: 15m\njournal: 10\n")
	cfg, err := loadConfig(file, getenv(env))
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(cfg.Apps, map[string]string{"env-key": "env-secret"}) {
		t.Errorf("Apps %v; want the environment's alone", cfg.Apps)
	}
	if !maps.Equal(cfg.Channels, map[string]bool{"sales": true, "support": true, "legacy": false}) {
		t.Errorf("Channels %v", cfg.Channels)
	}
	if string(cfg.SigningKey) != strings.Repeat("e", 40) || cfg.AccessTokenLifetime != 20*time.Minute || cfg.MessagingTokenLifetime != 2*time.Hour ||
		cfg.Journal != 5000 {
		t.Errorf("got %+v", cfg)
	}
	// Empty variables are unset ones.
	if cfg, err := loadConfig("", getenv(map[string]string{"APPLYTOKEN_APP_KEY": ""})); err != nil || !maps.Equal(cfg.Apps, server.DefaultConfig().Apps) {
		t.Errorf("empty variables: %v, %v", err, cfg.Apps)
	}
}

func TestLoadConfigEnvironmentErrors(t *testing.T) {
	const secret = "do-not-print-me"
	over := strconv.Itoa(overJournal(t))
	for _, tc := range []struct {
		env          map[string]string
		want, reason string
	}{
		{map[string]string{"APPLYTOKEN_APP_KEY": "k"}, "APPLYTOKEN_APP_SECRET", ""},
		{map[string]string{"APPLYTOKEN_APP_SECRET": secret}, "APPLYTOKEN_APP_KEY", ""},
		{map[string]string{"APPLYTOKEN_APP_KEY": "a key", "APPLYTOKEN_APP_SECRET": secret}, "APPLYTOKEN_APP_KEY", ""},
		{map[string]string{"APPLYTOKEN_CHANNELS": "a,,b"}, "APPLYTOKEN_CHANNELS", ""},
		{map[string]string{"APPLYTOKEN_CHANNELS": "a=off"}, "APPLYTOKEN_CHANNELS", ""},
		{map[string]string{"APPLYTOKEN_SIGNING_KEY": secret}, "APPLYTOKEN_SIGNING_KEY", ""},
		{map[string]string{"APPLYTOKEN_ACCESS_TOKEN_LIFETIME": "1s"}, "APPLYTOKEN_ACCESS_TOKEN_LIFETIME", ""},
		{map[string]string{"APPLYTOKEN_MESSAGING_TOKEN_LIFETIME": "48h"}, "APPLYTOKEN_MESSAGING_TOKEN_LIFETIME", ""},
		{map[string]string{"APPLYTOKEN_MESSAGING_TOKEN_LIFETIME": "0s"}, "APPLYTOKEN_MESSAGING_TOKEN_LIFETIME", `"0s" is no lifetime`},
		{map[string]string{"APPLYTOKEN_ACCESS_TOKEN_LIFETIME": "0"}, "APPLYTOKEN_ACCESS_TOKEN_LIFETIME", `"0" is no lifetime`},
		{map[string]string{"APPLYTOKEN_MESSAGING_TOKEN_ROTATE_BEFORE": "0h"}, "APPLYTOKEN_MESSAGING_TOKEN_ROTATE_BEFORE", `"0h" is no lifetime`},
		{map[string]string{"APPLYTOKEN_JOURNAL": "lots"}, "APPLYTOKEN_JOURNAL", `"lots" is not an integer`},
		{map[string]string{"APPLYTOKEN_JOURNAL": "1.5"}, "APPLYTOKEN_JOURNAL", `"1.5" is not an integer`},
		{map[string]string{"APPLYTOKEN_JOURNAL": over}, "APPLYTOKEN_JOURNAL", over + " is outside"},
		{map[string]string{"APPLYTOKEN_JOURNAL": "-1"}, "APPLYTOKEN_JOURNAL", "-1 is outside"},
	} {
		_, err := loadConfig("", getenv(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v; want it to name %s", tc.env, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%v: error %q; want it to say %q", tc.env, err, tc.reason)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%v: error %q quotes the secret", tc.env, err)
		}
	}
}

// overJournal is a journal size server.New refuses, found by asking it
// (the size a config may set doubled until it is refused), so that no
// test restates the bound.
func overJournal(t *testing.T) int {
	t.Helper()
	cfg := server.DefaultConfig()
	for range 40 {
		if err := refusal(cfg); err != nil {
			if cfg.Journal <= server.DefaultConfig().Journal || !strings.Contains(err.Error(), "outside") {
				t.Fatalf("a journal of %d: %v; want a refusal of a size above the default", cfg.Journal, err)
			}
			return cfg.Journal
		}
		cfg.Journal *= 2
	}
	t.Fatalf("server.New accepts a journal of %d", cfg.Journal)
	return 0
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func getenv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}
