package server

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen/apiserver"
)

func TestDefaultConfig(t *testing.T) {
	cfg := DefaultConfig()
	if want := map[string]string{demoKey: demoSecret}; !maps.Equal(cfg.Apps, want) {
		t.Errorf("Apps %v; want %v", cfg.Apps, want)
	}
	if want := map[string]bool{enabledChannel: true, offChannel: false}; !maps.Equal(cfg.Channels, want) {
		t.Errorf("Channels %v; want %v", cfg.Channels, want)
	}
	// The lifetimes are the contract's: X-Token-Expire's default, and
	// ApplyTokenResult's x-default-lifetime.
	access, err := accessLifetimes()
	if err != nil {
		t.Fatal(err)
	}
	messaging, _ := apiserver.ApplyTokenResult{}.Lifetime()
	if cfg.SigningKey != nil || cfg.AccessTokenLifetime != access.def || cfg.MessagingTokenLifetime != messaging {
		t.Errorf("key %v, lifetimes %v and %v; want none, %v and %v", cfg.SigningKey, cfg.AccessTokenLifetime, cfg.MessagingTokenLifetime, access.def, messaging)
	}
	sv := readSpec(t)
	if access != (lifetimeRange{min: seconds(sv.expireMin), max: seconds(sv.expireMax), def: seconds(sv.expireDefault)}) {
		t.Errorf("X-Token-Expire gives %+v; the contract says %d to %d seconds, default %d", access, sv.expireMin, sv.expireMax, sv.expireDefault)
	}
	if err := cfg.validate(access); err != nil {
		t.Errorf("the demo does not validate: %v", err)
	}
	// Each call is a fresh copy: one caller's edit is not another's.
	cfg.Apps["x"] = "y"
	if _, ok := DefaultConfig().Apps["x"]; ok {
		t.Error("DefaultConfig shares its maps between calls")
	}
}

// TestZeroLifetimesAreTheContracts: a Config built in code may leave the
// lifetimes out.
func TestZeroLifetimesAreTheContracts(t *testing.T) {
	s, err := New(Config{Apps: map[string]string{demoKey: demoSecret}})
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	if s.vendor.accessLifetime != want.AccessTokenLifetime || s.vendor.messagingLifetime != want.MessagingTokenLifetime {
		t.Errorf("lifetimes %v, %v; want %v, %v", s.vendor.accessLifetime, s.vendor.messagingLifetime, want.AccessTokenLifetime, want.MessagingTokenLifetime)
	}
}

// TestNewChecksConfig: every field is checked, and the error names it.
func TestNewChecksConfig(t *testing.T) {
	sv := readSpec(t) // AccessTokenLifetime keeps to X-Token-Expire's bounds
	for field, edit := range map[string]func(*Config){
		"Apps":                   func(c *Config) { c.Apps = nil },
		"Apps ":                  func(c *Config) { c.Apps = map[string]string{"a key": "s"} },
		"Apps  ":                 func(c *Config) { c.Apps = map[string]string{"k": ""} },
		"Apps   ":                func(c *Config) { c.Apps = map[string]string{strings.Repeat("k", 256): "s"} },
		"Channels":               func(c *Config) { c.Channels[""] = true },
		"SigningKey":             func(c *Config) { c.SigningKey = []byte("short") },
		"AccessTokenLifetime":    func(c *Config) { c.AccessTokenLifetime = seconds(sv.expireMin - 1) },
		"AccessTokenLifetime ":   func(c *Config) { c.AccessTokenLifetime = seconds(sv.expireMax + 1) },
		"AccessTokenLifetime  ":  func(c *Config) { c.AccessTokenLifetime = seconds(sv.expireMin) + 500*time.Millisecond },
		"MessagingTokenLifetime": func(c *Config) { c.MessagingTokenLifetime = 25 * time.Hour },
	} {
		cfg := DefaultConfig()
		edit(&cfg)
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), strings.TrimSpace(field)) {
			t.Errorf("%s: New error %v; want it to name the field", field, err)
		}
	}
	const secret = "do-not-print-me"
	if _, err := New(Config{Apps: map[string]string{"a key": secret}}); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("error %v quotes the secret", err)
	}
}
