package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/internal/stubproc"
	"github.com/aicc-kit/applytoken/openapi"
)

// TestBinary builds the command and proves the "must show" list
// against it over TCP, then stops it with SIGTERM while a request is in
// flight: the request gets its answer and the process exits 0.
func TestBinary(t *testing.T) {
	p := startStub(t, stubproc.Build(t), "-addr", "127.0.0.1:0")

	t.Run("curl session", func(t *testing.T) {
		if m, ran := runSession(t, p.banner.session); ran {
			if m["resultCode"] != "0" || m["token"] == "" {
				t.Errorf("the session ended in %v; want resultCode 0 and a token", m)
			}
			p.tokens = append(p.tokens, fmt.Sprint(m["token"]))
		}
		access := accessToken(t, p.base)
		m := applyToken(t, p.base, access, applyBody("user-0001", "demo-channel"), 200)
		if m["resultCode"] != "0" || m["token"] == "" {
			t.Errorf("applyToken: %v", m)
		}
		p.tokens = append(p.tokens, access, fmt.Sprint(m["token"]))
	})
	p.tokens = append(p.tokens, mustShow(t, p.base))
	t.Run("helpers", func(t *testing.T) {
		if resp, body := exchange(t, nil, newRequest(t, http.MethodGet, p.base+"/healthz", nil, nil)); resp.StatusCode != 200 || !strings.Contains(string(body), "ok") {
			t.Errorf("/healthz: %d %s", resp.StatusCode, body)
		}
		if resp, body := exchange(t, nil, newRequest(t, http.MethodGet, p.base+"/openapi.yaml", nil, nil)); resp.StatusCode != 200 || !bytes.Equal(body, openapi.YAML()) {
			t.Errorf("/openapi.yaml: %d, %d bytes; want the contract", resp.StatusCode, len(body))
		}
	})
	t.Run("SIGTERM with a request in flight", func(t *testing.T) {
		p.stopWithRequestInFlight(t)
	})
	t.Run("no token or secret in the log", func(t *testing.T) {
		log := p.Stderr.String()
		if !strings.Contains(log, "msg=request") {
			t.Fatalf("no access log:\n%s", log)
		}
		for _, secret := range append(p.tokens, "demo-app-secret") {
			if strings.Contains(log, secret) {
				t.Errorf("the log holds %q", secret)
			}
		}
	})
}

// mustShow is the list, each answer checked against the contract.
// It returns the AccessToken it used.
func mustShow(t *testing.T, base string) string {
	access := accessToken(t, base)
	// One past userId's maxLength and 6 KiB past the body cap, from the
	// contract.
	longUserID := spectest.MaxLength(t, spectest.Property(t, openapi.ApplyToken, "userId"), "userId") + 1
	bigBody := spectest.MaxBytes(t, openapi.ApplyToken) + 6<<10
	cases := []struct {
		name   string
		req    *http.Request
		status int
		check  func(*testing.T, *http.Response, []byte)
	}{
		{"GET gives 405 with Allow: POST", newRequest(t, http.MethodGet, base+openapi.ApplyTokenPath, nil, nil), 405,
			func(t *testing.T, r *http.Response, _ []byte) {
				if got := r.Header.Get("Allow"); got != "POST" {
					t.Errorf("Allow %q", got)
				}
			}},
		{fmt.Sprintf("%d-character userId gives 400", longUserID), applyRequest(t, base, access, applyBody(strings.Repeat("u", longUserID), "demo-channel")), 400, errorBody},
		{"forged AccessToken gives 403", applyRequest(t, base, "forged-access-token", applyBody("user-0001", "demo-channel")), 403, errorBody},
		{"unknown path gives 404", newRequest(t, http.MethodPost, base+"/apiaccess/ccmessaging/noSuchOperation", nil, nil), 404, errorBody},
		{fmt.Sprintf("%d-byte body gives 413", bigBody), applyRequest(t, base, access, applyBody(strings.Repeat("u", bigBody), "demo-channel")), 413, errorBody},
		{"unknown channel gives 500", applyRequest(t, base, access, applyBody("user-0001", "no-such-channel")), 500, errorBody},
		{"disabled-channel gives resultCode 1", applyRequest(t, base, access, applyBody("user-0001", "disabled-channel")), 200,
			func(t *testing.T, _ *http.Response, body []byte) {
				var r struct{ Token, ResultCode, ResultDesc string }
				json.Unmarshal(body, &r)
				if r.ResultCode != "1" || r.Token != "" || r.ResultDesc == "" {
					t.Errorf("got %s", body)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := exchange(t, nil, tc.req)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d; want %d: %s", resp.StatusCode, tc.status, body)
			}
			tc.check(t, resp, body)
		})
	}
	return access
}

func errorBody(t *testing.T, _ *http.Response, body []byte) {
	var e struct{ ErrorCode, ExceptionInfo string }
	if err := json.Unmarshal(body, &e); err != nil || e.ErrorCode == "" || e.ExceptionInfo == "" {
		t.Errorf("not an Error body: %s", body)
	}
}

func accessToken(t *testing.T, base string) string {
	t.Helper()
	body := []byte(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`)
	resp, raw := exchange(t, nil, newRequest(t, http.MethodPost, base+openapi.TokenByAkSkPath, http.Header{"Content-Type": {"application/json"}}, body))
	var r struct{ AccessToken string }
	if err := json.Unmarshal(raw, &r); err != nil || resp.StatusCode != 200 || r.AccessToken == "" {
		t.Fatalf("tokenByAkSk: %d %s", resp.StatusCode, raw)
	}
	return r.AccessToken
}

func applyBody(userID, channel string) []byte {
	b, _ := json.Marshal(map[string]string{"userId": userID, "userName": "Alice", "channelId": channel, "locale": "en"})
	return b
}

func applyRequest(t *testing.T, base, access string, body []byte) *http.Request {
	return newRequest(t, http.MethodPost, base+openapi.ApplyTokenPath, http.Header{
		"Content-Type":  {"application/json; charset=UTF-8"},
		"X-App-Key":     {"demo-app-key"},
		"Authorization": {"Bearer " + access},
	}, body)
}

func applyToken(t *testing.T, base, access string, body []byte, status int) map[string]any {
	t.Helper()
	resp, raw := exchange(t, nil, applyRequest(t, base, access, body))
	if resp.StatusCode != status {
		t.Fatalf("applyToken: %d; want %d: %s", resp.StatusCode, status, raw)
	}
	var m map[string]any
	json.Unmarshal(raw, &m)
	return m
}

// stubProcess is a running binary, with its banner and every token seen,
// to look for in its log.
type stubProcess struct {
	*stubproc.Process
	banner banner
	base   string
	tokens []string
}

func startStub(t *testing.T, bin string, args ...string) *stubProcess {
	t.Helper()
	p := &stubProcess{Process: stubproc.Start(t, bin, args...)}
	p.banner = procBanner(t, p.Process)
	p.base = p.banner.base
	return p
}

// stopWithRequestInFlight starts a request, sends SIGTERM while the stub
// waits for the rest of its body, and finishes it once the listener has
// closed: the request must get its 200 and the process exit 0.
func (p *stubProcess) stopWithRequestInFlight(t *testing.T) {
	access := accessToken(t, p.base)
	p.tokens = append(p.tokens, access)
	u, _ := url.Parse(p.base)
	conn, err := net.DialTimeout("tcp", u.Host, wait)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * wait))
	body := applyBody("user-0001", "demo-channel")
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-App-Key: demo-app-key\r\n"+
		"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", openapi.ApplyTokenPath, u.Host, access, len(body))
	half := len(body) / 2
	if _, err := conn.Write(append([]byte(head), body[:half]...)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the stub reads the head and blocks on the body

	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitListenerClosed(t, u.Host)
	select {
	case <-p.Exited():
		t.Fatalf("the stub exited with a request in flight\n%s", p.Stderr)
	default:
	}
	if _, err := conn.Write(body[half:]); err != nil {
		t.Fatalf("finishing the request: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the request in flight got %d; want 200", resp.StatusCode)
	}
	if code, err := p.Wait(wait); err != nil || code != 0 {
		t.Errorf("exit status %d (%v); want 0\n%s", code, err, p.Stderr)
	}
}

// waitListenerClosed waits until new connections are refused: the
// stub has begun to shut down.
func waitListenerClosed(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			if errors.Is(err, syscall.ECONNREFUSED) {
				return
			}
			continue
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s still accepts connections %v after SIGTERM", addr, wait)
}
