package contracttests

import (
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/server/servertest"
)

// TestServerInProcess runs the suite against the in-process fake.
func TestServerInProcess(t *testing.T) {
	srv := servertest.New(t)
	RunServer(t, Target{
		BaseURL:           srv.URL,
		AppKey:            srv.AppKey,
		AppSecret:         srv.AppSecret,
		ChannelID:         srv.ChannelID,
		DisabledChannelID: srv.DisabledChannelID,
		HTTPClient:        srv.Client(),
		FailNext: func(op string, status int) error {
			srv.FailNext(op, status)
			return nil
		},
		Advance: func(d time.Duration) error {
			srv.Advance(d)
			return nil
		},
		PeerURL: servertest.New(t).URL,
	})
}
