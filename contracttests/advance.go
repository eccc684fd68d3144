package contracttests

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"
)

// AdvanceURL returns a Target.Advance that moves the server's clock by
// POSTing {"by": "58s"} (d as Go writes a duration) to url and expecting
// 204, the protocol of the stub's -controls endpoint /_stub/advance. A
// server of your own can offer the same endpoint to have the expiry case
// driven. An error (the POST failed, or another status came back) says
// so, with the answer, and fails the case.
func AdvanceURL(url string, hc *http.Client) func(d time.Duration) error {
	if hc == nil {
		hc = http.DefaultClient
	}
	return func(d time.Duration) error {
		body := fmt.Appendf(nil, `{"by":%q}`, d.String())
		resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("contracttests: moving the clock by %v: %w", d, err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			return fmt.Errorf("contracttests: moving the clock by %v: POST %s answered %d: %s", d, url, resp.StatusCode, msg)
		}
		return nil
	}
}
