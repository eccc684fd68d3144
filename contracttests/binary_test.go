package contracttests

import (
	"net/http"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/stubproc"
)

// TestServerBinary runs the suite against the built cmd/applytoken-stub
// over TCP on a free port of 127.0.0.1, its faults armed through -controls,
// with a second binary (its own signing key) as the peer. The binary's
// clock cannot be moved, so the expiry case is reported as not driven.
func TestServerBinary(t *testing.T) {
	bin := stubproc.Build(t)
	p := stubproc.Start(t, bin, "-addr", "127.0.0.1:0", "-controls")
	peer := stubproc.Start(t, bin, "-addr", "127.0.0.1:0")
	hc := &http.Client{Timeout: 10 * time.Second}
	RunServer(t, Target{
		BaseURL: p.Base, AppKey: "demo-app-key", AppSecret: "demo-app-secret",
		ChannelID: "demo-channel", DisabledChannelID: "disabled-channel",
		HTTPClient: hc,
		FailNext:   FailNextURL(p.Base+"/_stub/fail-next", hc),
		PeerURL:    peer.Base,
	})
}
