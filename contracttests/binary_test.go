package contracttests

import (
	"net/http"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/stubproc"
)

// TestServerBinary runs the suite against the built cmd/applytoken-stub
// over TCP on a free port of 127.0.0.1, its faults armed and its clock
// moved through -controls (/_stub/fail-next, /_stub/advance), with a
// second binary (its own signing key) as the peer: every case is driven.
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
		Advance:    AdvanceURL(p.Base+"/_stub/advance", hc),
		PeerURL:    peer.Base,
	})
}
