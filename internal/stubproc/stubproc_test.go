package stubproc

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/openapi"
)

// TestStartLeavesOutTheCallersConfiguration: a stub started by a test
// serves the demo configuration its flags give, whatever APPLYTOKEN_*
// variables the test run has (the conformance suite's, naming the
// caller's own server and credentials).
func TestStartLeavesOutTheCallersConfiguration(t *testing.T) {
	t.Setenv("APPLYTOKEN_APP_KEY", "my-app")
	t.Setenv("APPLYTOKEN_APP_SECRET", "my-app-secret")
	p := Start(t, Build(t), "-addr", "127.0.0.1:0")
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Post(p.Base+openapi.TokenByAkSkPath, "application/json",
		strings.NewReader(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the demo credentials with APPLYTOKEN_APP_KEY=my-app in the test's environment: %d; want 200", resp.StatusCode)
	}
}
