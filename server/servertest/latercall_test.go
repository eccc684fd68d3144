package servertest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/server"
	"github.com/aicc-kit/applytoken/server/servertest"
)

func laterCall(t *testing.T, srv *servertest.Server, access, messaging string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.LaterCallURL, strings.NewReader(`{"content":"hello"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-app-key", srv.AppKey)
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("ccmessaging-token", messaging)
	c := *srv.Client()
	c.Timeout = 10 * time.Second
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestLaterCall: the stand-in is always served, at LaterCallURL, on the
// stub's clock, counted by Calls and armed by FailNext.
func TestLaterCall(t *testing.T) {
	for name, opts := range map[string][]servertest.Option{"http": nil, "https": {servertest.WithTLS()}} {
		t.Run(name, func(t *testing.T) {
			srv := servertest.New(t, opts...)
			if srv.LaterCallURL != srv.URL+server.LaterCallPath {
				t.Fatalf("LaterCallURL %q", srv.LaterCallURL)
			}
			_, access := accessToken(t, srv)
			_, m := apply(t, srv, access, srv.ChannelID)
			messaging, _ := m["token"].(string)
			if resp := laterCall(t, srv, access, messaging); resp.StatusCode != 200 || resp.Header.Get("ccmessaging-token") != "" {
				t.Errorf("a fresh session: %d, ccmessaging-token %q", resp.StatusCode, resp.Header.Get("ccmessaging-token"))
			}
			if resp := laterCall(t, srv, access, "forged"); resp.StatusCode != 401 {
				t.Errorf("a forged token: %d; want 401", resp.StatusCode)
			}
			srv.FailNext("laterCall", http.StatusForbidden)
			if resp := laterCall(t, srv, access, messaging); resp.StatusCode != 403 {
				t.Errorf("FailNext 403: %d", resp.StatusCode)
			}
			srv.Advance(56 * time.Minute) // 4 minutes left
			_, access = accessToken(t, srv)
			resp := laterCall(t, srv, access, messaging)
			rotated := resp.Header.Get("ccmessaging-token")
			if resp.StatusCode != 200 || rotated == "" {
				t.Fatalf("4 minutes before expiry: %d, ccmessaging-token %q; want a new token", resp.StatusCode, rotated)
			}
			srv.Advance(4 * time.Minute)
			if resp := laterCall(t, srv, access, messaging); resp.StatusCode != 401 {
				t.Errorf("the old token at its expiry: %d; want 401", resp.StatusCode)
			}
			if resp := laterCall(t, srv, access, rotated); resp.StatusCode != 200 {
				t.Errorf("the rotated token: %d; want 200", resp.StatusCode)
			}
			if n := srv.Calls("laterCall"); n != 6 {
				t.Errorf("Calls(laterCall) = %d; want 6", n)
			}
		})
	}
}

// TestLaterCallBody is what the docs say the 200 is.
func TestLaterCallBody(t *testing.T) {
	srv := servertest.New(t)
	_, access := accessToken(t, srv)
	_, m := apply(t, srv, access, srv.ChannelID)
	req, _ := http.NewRequest(http.MethodPost, srv.LaterCallURL, nil)
	req.Header.Set("x-app-key", srv.AppKey)
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("ccmessaging-token", m["token"].(string))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ ResultCode, ResultDesc string }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.ResultCode != "0" || body.ResultDesc == "" {
		t.Errorf("200 body: %+v, %v; want resultCode \"0\" and a resultDesc", body, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
		t.Errorf("Content-Type %q", ct)
	}
}
