package contracttests

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestControlURLsWithoutAClientAreBounded: FailNextURL and AdvanceURL
// given no client give up on a control endpoint that never answers,
// saying what they were doing, rather than holding the suite up.
func TestControlURLsWithoutAClientAreBounded(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(hang) }) // before Close, which waits for the handlers
	defer func(d time.Duration) { controlTimeout = d }(controlTimeout)
	controlTimeout = 100 * time.Millisecond

	for name, call := range map[string]func() error{
		"FailNextURL": func() error { return FailNextURL(srv.URL+"/_stub/fail-next", nil)("applyToken", 500) },
		"AdvanceURL":  func() error { return AdvanceURL(srv.URL+"/_stub/advance", nil)(58 * time.Second) },
	} {
		errc := make(chan error, 1)
		go func() { errc <- call() }()
		select {
		case err := <-errc:
			if err == nil || !strings.Contains(err.Error(), "contracttests: ") {
				t.Errorf("%s against an endpoint that never answers: %v; want an error saying so", name, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s against an endpoint that never answers had not returned after 5s", name)
		}
	}
}
