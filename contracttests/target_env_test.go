package contracttests

import (
	"os"
	"strings"
	"testing"
)

// targetEnv lists the variables that name a server of your own.
var targetEnv = []string{
	"APPLYTOKEN_TARGET_URL", "APPLYTOKEN_APP_KEY", "APPLYTOKEN_APP_SECRET",
	"APPLYTOKEN_CHANNEL_ID", "APPLYTOKEN_DISABLED_CHANNEL_ID",
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
// APPLYTOKEN_CONTRACTTESTS_SEED replays a run's generated cases.
func TestServerFromEnvironment(t *testing.T) {
	vals := map[string]string{}
	var missing []string
	for _, k := range targetEnv {
		if vals[k] = os.Getenv(k); vals[k] == "" {
			missing = append(missing, k)
		}
	}
	if vals["APPLYTOKEN_TARGET_URL"] == "" {
		t.Skip("APPLYTOKEN_TARGET_URL is not set: no server of your own to check (the stub is checked by the other Server tests)")
	}
	if len(missing) > 0 {
		t.Fatalf("APPLYTOKEN_TARGET_URL is set but %s are not", strings.Join(missing, ", "))
	}
	target := Target{
		BaseURL:           vals["APPLYTOKEN_TARGET_URL"],
		AppKey:            vals["APPLYTOKEN_APP_KEY"],
		AppSecret:         vals["APPLYTOKEN_APP_SECRET"],
		ChannelID:         vals["APPLYTOKEN_CHANNEL_ID"],
		DisabledChannelID: vals["APPLYTOKEN_DISABLED_CHANNEL_ID"],
	}
	if u := os.Getenv("APPLYTOKEN_FAIL_NEXT_URL"); u != "" {
		target.FailNext = FailNextURL(u, nil)
	}
	if u := os.Getenv("APPLYTOKEN_ADVANCE_URL"); u != "" {
		target.Advance = AdvanceURL(u, nil)
	}
	target.PeerURL = os.Getenv("APPLYTOKEN_PEER_URL")
	RunServer(t, target)
}
