package contracttests

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The Target functions that drive a server through control endpoints, in
// the protocol of the stub's -controls: a JSON POST answered with 204.

// FailNextURL returns a Target.FailNext that arms a fault by POSTing
// {"op": "...", "status": N} to url with hc and expecting 204, the protocol
// of the stub's -controls endpoint /_stub/fail-next. A server of your own
// can offer the same endpoint to have every documented status driven. A
// nil hc means a client with a 10 s timeout.
func FailNextURL(url string, hc *http.Client) func(op string, status int) error {
	return func(op string, status int) error {
		return postControl(hc, url, fmt.Appendf(nil, `{"op":%q,"status":%d}`, op, status),
			fmt.Sprintf("arming %s %d", op, status))
	}
}

// AdvanceURL returns a Target.Advance that moves the server's clock by
// POSTing {"by": "58s"} (d as Go writes a duration) to url with hc and
// expecting 204, the protocol of the stub's -controls endpoint
// /_stub/advance. A server of your own can offer the same endpoint to
// have the expiry case driven. An error (the POST failed, or another
// status came back) says so, with the answer, and fails the case. A nil
// hc means a client with a 10 s timeout.
func AdvanceURL(url string, hc *http.Client) func(d time.Duration) error {
	return func(d time.Duration) error {
		return postControl(hc, url, fmt.Appendf(nil, `{"by":%q}`, d.String()), fmt.Sprintf("moving the clock by %v", d))
	}
}

// controlTimeout bounds a control request sent without a client of the
// caller's, as Target.HTTPClient's default bounds the suite's own: a
// control endpoint that never answers must not hold the suite up.
var controlTimeout = 10 * time.Second

// postControl POSTs body to url with hc (nil: a client with
// controlTimeout) and wants 204; the error says what was being done and
// what came back.
func postControl(hc *http.Client, url string, body []byte, doing string) error {
	if hc == nil {
		hc = &http.Client{Timeout: controlTimeout}
	}
	resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("contracttests: %s: %w", doing, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("contracttests: %s: POST %s answered %d: %s", doing, url, resp.StatusCode, msg)
	}
	return nil
}
