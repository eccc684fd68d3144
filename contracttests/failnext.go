package contracttests

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// FailNextURL returns a Target.FailNext that arms a fault by POSTing
// {"op": "...", "status": N} to url and expecting 204, the protocol of the
// stub's -controls endpoint /_stub/fail-next. A server of your own can
// offer the same endpoint to have every documented status driven.
func FailNextURL(url string, hc *http.Client) func(op string, status int) error {
	if hc == nil {
		hc = http.DefaultClient
	}
	return func(op string, status int) error {
		body := fmt.Appendf(nil, `{"op":%q,"status":%d}`, op, status)
		resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("contracttests: arming %s %d: %w", op, status, err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			return fmt.Errorf("contracttests: arming %s %d: POST %s answered %d: %s", op, status, url, resp.StatusCode, msg)
		}
		return nil
	}
}
