package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
)

// TestAccessLog runs a whole session and reads the log: one line per
// request with what operators need, and no token or secret anywhere.
func TestAccessLog(t *testing.T) {
	h := newHarness(t)
	access := h.accessToken(demoKey, demoSecret)
	messaging := h.messagingToken(access)
	h.do(h.applyRequest("forged-"+canary, applyBody(nil)))
	h.do(h.tokenRequest(canary, demoSecret, ""))  // an unknown key may be a pasted secret
	h.do(h.tokenRequest(demoKey, canary+"x", "")) // a wrong secret
	h.do(h.request(http.MethodGet, "/nope?token="+canary, nil, nil))

	log := h.log.String()
	for _, secret := range []string{access, messaging, demoSecret, canary} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q:\n%s", secret, log)
		}
	}
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d log lines; want one per request:\n%s", len(lines), log)
	}
	for i, want := range []string{
		"method=POST path=" + openapi.TokenByAkSkPath + " op=tokenByAkSk status=200 duration=",
		"op=applyToken status=200",
		"op=applyToken status=403",
		"op=tokenByAkSk status=401",
		"op=tokenByAkSk status=401",
		"method=GET path=/nope op=\"\" status=404",
	} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d %q lacks %q", i, lines[i], want)
		}
	}
	for i, want := range []string{"app_key=demo-app-key", "app_key=demo-app-key", `app_key=""`, `app_key=""`, "app_key=demo-app-key"} {
		if !strings.HasSuffix(lines[i], want) {
			t.Errorf("line %d %q; want it to end %q", i, lines[i], want)
		}
	}
}

func TestClip(t *testing.T) {
	if got := clip(strings.Repeat("a", 200), 128); len(got) != 128+len("…") {
		t.Errorf("clip kept %d bytes", len(got))
	}
	if got := clip("short", 128); got != "short" {
		t.Errorf("clip(short) = %q", got)
	}
}
