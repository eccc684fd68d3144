package servertest_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server"
	"github.com/aicc-kit/applytoken/server/servertest"
)

// TestInject: the typed faults, queued with FailNext's, as a client over
// HTTP sees them.
func TestInject(t *testing.T) {
	srv := servertest.New(t)
	srv.Inject("tokenByAkSk", server.Fault{Delay: 200 * time.Millisecond, Status: http.StatusInternalServerError})
	srv.Inject("tokenByAkSk", server.Fault{Kind: server.FaultReset})
	srv.FailNext("tokenByAkSk", http.StatusUnauthorized)
	srv.Inject("tokenByAkSk", server.Fault{Kind: server.FaultTruncate})
	srv.Inject("tokenByAkSk", server.Fault{Kind: server.FaultMalformed})

	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	send := func() (*http.Response, []byte, error) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+openapi.TokenByAkSkPath,
			strings.NewReader(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}
	start := time.Now()
	if resp, _, err := send(); err != nil || resp.StatusCode != 500 || time.Since(start) < 200*time.Millisecond {
		t.Errorf("delay then 500: %v after %v", err, time.Since(start))
	}
	if _, _, err := send(); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("reset: %v; want a connection reset", err)
	}
	if resp, _, err := send(); err != nil || resp.StatusCode != 401 {
		t.Errorf("FailNext 401: %v", err)
	}
	if resp, _, err := send(); resp == nil || resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncate: %v", err)
	}
	if resp, body, err := send(); err != nil || resp.StatusCode != 200 || strings.HasPrefix(string(body), "{") {
		t.Errorf("malformed: %v %s", err, body)
	}
	if status, _ := accessToken(t, srv); status != 200 {
		t.Errorf("after the faults: %d", status)
	}
	if n := srv.Calls("tokenByAkSk"); n != 6 {
		t.Errorf("Calls(tokenByAkSk) = %d; want 6, the faults' included", n)
	}
}

// TestCloseCutsADelayShort: Close waits for requests in flight, and a
// fault's delay is not left to hold it up.
func TestCloseCutsADelayShort(t *testing.T) {
	srv, err := servertest.Start()
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject("tokenByAkSk", server.Fault{Delay: time.Minute, Status: 500})
	var wg sync.WaitGroup
	var status int
	wg.Go(func() {
		resp, err := http.Post(srv.URL+openapi.TokenByAkSkPath, "application/json", strings.NewReader(`{}`))
		if err == nil {
			resp.Body.Close()
			status = resp.StatusCode
		}
	})
	for srv.Calls("tokenByAkSk") == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	srv.Close()
	wg.Wait()
	if took := time.Since(start); took > 10*time.Second || status != 500 {
		t.Errorf("Close with a delayed request: %v, the request got %d; want at once, and its 500", took, status)
	}
}

func TestInjectMisuseFailsTheTest(t *testing.T) {
	for name, f := range map[string]func(*servertest.Server){
		"unknown op":       func(s *servertest.Server) { s.Inject("getToken", server.Fault{Status: 500}) },
		"unknown fault":    func(s *servertest.Server) { s.Inject("applyToken", server.Fault{Kind: "slow"}) },
		"bad delay":        func(s *servertest.Server) { s.Inject("applyToken", server.Fault{Delay: -time.Second}) },
		"undocumented":     func(s *servertest.Server) { s.Inject("laterCall", server.Fault{Status: 404}) },
		"status and fault": func(s *servertest.Server) { s.Inject("applyToken", server.Fault{Status: 500, Kind: server.FaultReset}) },
	} {
		rec := &recordingTB{TB: t}
		srv := servertest.New(rec)
		var wg sync.WaitGroup
		wg.Go(func() { f(srv) })
		wg.Wait()
		if !rec.failed {
			t.Errorf("%s: the test did not fail", name)
		}
	}
}
