package contracttests

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// targetEnv lists the variables that name a server of your own.
var targetEnv = []string{
	"APPLYTOKEN_TARGET_URL", "APPLYTOKEN_APP_KEY", "APPLYTOKEN_APP_SECRET",
	"APPLYTOKEN_CHANNEL_ID", "APPLYTOKEN_DISABLED_CHANNEL_ID",
}

// suiteOnlyEnv are the variables, beside APPLYTOKEN_TARGET_URL, that only
// the suite reads: one of them set without APPLYTOKEN_TARGET_URL is a run
// that meant to check a server and named none. (APPLYTOKEN_APP_KEY and
// APPLYTOKEN_APP_SECRET are the stub's too, so they prove nothing.)
var suiteOnlyEnv = []string{
	"APPLYTOKEN_CHANNEL_ID", "APPLYTOKEN_DISABLED_CHANNEL_ID",
	"APPLYTOKEN_FAIL_NEXT_URL", "APPLYTOKEN_ADVANCE_URL", "APPLYTOKEN_PEER_URL",
	"APPLYTOKEN_ALLOW_NOT_DRIVEN",
}

// TestServerFromEnvironment runs the suite against the server that
// APPLYTOKEN_TARGET_URL names:
//
//	APPLYTOKEN_TARGET_URL=https://stub.example:8443 APPLYTOKEN_APP_KEY=... \
//	APPLYTOKEN_APP_SECRET=... APPLYTOKEN_CHANNEL_ID=... \
//	APPLYTOKEN_DISABLED_CHANNEL_ID=... go test ./contracttests -run Server -v
//
// APPLYTOKEN_FAIL_NEXT_URL, optional, names an endpoint that arms faults
// (see FailNextURL); without it the statuses that need one are reported
// as not driven. APPLYTOKEN_ADVANCE_URL, optional, names an endpoint that
// moves the server's clock (see AdvanceURL); without it the expiry case
// is reported as not driven. APPLYTOKEN_PEER_URL, optional, names a second
// instance configured alike but signing with its own key (Target.PeerURL).
// With CI=true a case not driven fails. APPLYTOKEN_CONTRACTTESTS_SEED
// replays a run's generated cases.
func TestServerFromEnvironment(t *testing.T) {
	target, ok, err := targetFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Skip("APPLYTOKEN_TARGET_URL is not set: no server of your own to check (the stub is checked by the other Server tests)")
	}
	RunServer(t, target)
}

// targetFromEnv reads the Target the variables name; ok is false when
// they name none. The error says what is missing from a Target half named.
func targetFromEnv(getenv func(string) string) (target Target, ok bool, err error) {
	vals := map[string]string{}
	var missing []string
	for _, k := range targetEnv {
		if vals[k] = getenv(k); vals[k] == "" {
			missing = append(missing, k)
		}
	}
	if vals["APPLYTOKEN_TARGET_URL"] == "" {
		var set []string
		for _, k := range suiteOnlyEnv {
			if getenv(k) != "" {
				set = append(set, k)
			}
		}
		if len(set) > 0 {
			return Target{}, false, fmt.Errorf("%s set but APPLYTOKEN_TARGET_URL is not: name the server to check", strings.Join(set, ", "))
		}
		return Target{}, false, nil
	}
	if len(missing) > 0 {
		return Target{}, false, fmt.Errorf("APPLYTOKEN_TARGET_URL is set but %s are not", strings.Join(missing, ", "))
	}
	target = Target{
		BaseURL:           vals["APPLYTOKEN_TARGET_URL"],
		AppKey:            vals["APPLYTOKEN_APP_KEY"],
		AppSecret:         vals["APPLYTOKEN_APP_SECRET"],
		ChannelID:         vals["APPLYTOKEN_CHANNEL_ID"],
		DisabledChannelID: vals["APPLYTOKEN_DISABLED_CHANNEL_ID"],
	}
	if u := getenv("APPLYTOKEN_FAIL_NEXT_URL"); u != "" {
		target.FailNext = FailNextURL(u, nil)
	}
	if u := getenv("APPLYTOKEN_ADVANCE_URL"); u != "" {
		target.Advance = AdvanceURL(u, nil)
	}
	target.PeerURL = getenv("APPLYTOKEN_PEER_URL")
	if v := getenv("APPLYTOKEN_ALLOW_NOT_DRIVEN"); v != "" {
		allow, err := strconv.ParseBool(v)
		if err != nil {
			return Target{}, false, fmt.Errorf("APPLYTOKEN_ALLOW_NOT_DRIVEN=%q: want true or false", v)
		}
		target.AllowNotDriven = allow
	}
	return target, true, nil
}

// TestTargetFromEnvironment: a run names a whole target or none; a
// variable only the suite reads, set without APPLYTOKEN_TARGET_URL, is a
// mistyped or forgotten target, which fails rather than skipping.
func TestTargetFromEnvironment(t *testing.T) {
	full := map[string]string{
		"APPLYTOKEN_TARGET_URL": "http://127.0.0.1:1", "APPLYTOKEN_APP_KEY": "k", "APPLYTOKEN_APP_SECRET": "s",
		"APPLYTOKEN_CHANNEL_ID": "c", "APPLYTOKEN_DISABLED_CHANNEL_ID": "d",
		"APPLYTOKEN_FAIL_NEXT_URL": "http://127.0.0.1:1/f", "APPLYTOKEN_ADVANCE_URL": "http://127.0.0.1:1/a", "APPLYTOKEN_PEER_URL": "http://127.0.0.1:2",
	}
	without := func(drop ...string) func(string) string {
		return func(k string) string {
			for _, d := range drop {
				if k == d {
					return ""
				}
			}
			return full[k]
		}
	}
	if tg, ok, err := targetFromEnv(without()); err != nil || !ok || tg.BaseURL != "http://127.0.0.1:1" || tg.FailNext == nil || tg.Advance == nil || tg.PeerURL != "http://127.0.0.1:2" {
		t.Errorf("every variable: %+v, %v, %v; want the whole target", tg, ok, err)
	}
	for v, want := range map[string]bool{"": false, "true": true, "1": true, "false": false} {
		get := func(k string) string {
			if k == "APPLYTOKEN_ALLOW_NOT_DRIVEN" {
				return v
			}
			return full[k]
		}
		if tg, ok, err := targetFromEnv(get); err != nil || !ok || tg.AllowNotDriven != want {
			t.Errorf("APPLYTOKEN_ALLOW_NOT_DRIVEN=%q: AllowNotDriven %v, %v, %v; want %v", v, tg.AllowNotDriven, ok, err, want)
		}
	}
	if _, ok, err := targetFromEnv(func(k string) string {
		if k == "APPLYTOKEN_ALLOW_NOT_DRIVEN" {
			return "yes"
		}
		return full[k]
	}); ok || err == nil || !strings.Contains(err.Error(), "APPLYTOKEN_ALLOW_NOT_DRIVEN") {
		t.Errorf("APPLYTOKEN_ALLOW_NOT_DRIVEN=yes: %v, %v; want an error naming it", ok, err)
	}
	if _, ok, err := targetFromEnv(func(string) string { return "" }); ok || err != nil {
		t.Errorf("no variable: %v, %v; want no target and no error", ok, err)
	}
	// The stub's own variables alone name no target.
	stubOnly := map[string]string{"APPLYTOKEN_APP_KEY": "k", "APPLYTOKEN_APP_SECRET": "s"}
	if _, ok, err := targetFromEnv(func(k string) string { return stubOnly[k] }); ok || err != nil {
		t.Errorf("the stub's variables alone: %v, %v; want no target and no error", ok, err)
	}
	for _, tc := range []struct {
		drop []string
		want string
	}{
		{[]string{"APPLYTOKEN_TARGET_URL"}, "APPLYTOKEN_CHANNEL_ID, APPLYTOKEN_DISABLED_CHANNEL_ID, APPLYTOKEN_FAIL_NEXT_URL, APPLYTOKEN_ADVANCE_URL, APPLYTOKEN_PEER_URL set but APPLYTOKEN_TARGET_URL is not"},
		{[]string{"APPLYTOKEN_TARGET_URL", "APPLYTOKEN_CHANNEL_ID", "APPLYTOKEN_DISABLED_CHANNEL_ID", "APPLYTOKEN_ADVANCE_URL", "APPLYTOKEN_PEER_URL"}, "APPLYTOKEN_FAIL_NEXT_URL set but APPLYTOKEN_TARGET_URL is not"},
		{[]string{"APPLYTOKEN_DISABLED_CHANNEL_ID"}, "APPLYTOKEN_TARGET_URL is set but APPLYTOKEN_DISABLED_CHANNEL_ID are not"},
	} {
		if _, ok, err := targetFromEnv(without(tc.drop...)); ok || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("without %v: %v, %v; want the error %q", tc.drop, ok, err, tc.want)
		}
	}
}
