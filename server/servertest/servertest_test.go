package servertest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server/servertest"
)

// post sends body to path on srv with header and checks the answer
// against the contract.
func post(t *testing.T, srv *servertest.Server, path string, header http.Header, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	c := *srv.Client()
	c.Timeout = 10 * time.Second
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	spectest.Check(t, req, resp, raw)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

func accessToken(t *testing.T, srv *servertest.Server) (int, string) {
	t.Helper()
	status, m := post(t, srv, openapi.TokenByAkSkPath, nil, map[string]string{"app_key": srv.AppKey, "app_secret": srv.AppSecret})
	tok, _ := m["AccessToken"].(string)
	return status, tok
}

func apply(t *testing.T, srv *servertest.Server, token, channel string) (int, map[string]any) {
	t.Helper()
	h := http.Header{"X-App-Key": {srv.AppKey}, "Authorization": {"Bearer " + token}}
	return post(t, srv, openapi.ApplyTokenPath, h, map[string]string{"userId": "u1", "userName": "Alice", "channelId": channel, "locale": "en"})
}

func TestTokenChain(t *testing.T) {
	for name, opts := range map[string][]servertest.Option{"http": nil, "https": {servertest.WithTLS()}} {
		t.Run(name, func(t *testing.T) {
			srv := servertest.New(t, opts...)
			status, tok := accessToken(t, srv)
			if status != http.StatusOK || tok == "" {
				t.Fatalf("tokenByAkSk: %d", status)
			}
			if status, m := apply(t, srv, tok, srv.ChannelID); status != http.StatusOK || m["resultCode"] != "0" {
				t.Errorf("applyToken on ChannelID: %d %v", status, m)
			}
			if status, m := apply(t, srv, tok, srv.DisabledChannelID); status != http.StatusOK || m["resultCode"] != "1" {
				t.Errorf("applyToken on DisabledChannelID: %d %v", status, m)
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	srv := servertest.New(t)
	if srv.AppKey != "demo-app-key" || srv.AppSecret != "demo-app-secret" || srv.ChannelID != "demo-channel" || srv.DisabledChannelID != "disabled-channel" {
		t.Errorf("got %q %q %q %q; want the demo configuration", srv.AppKey, srv.AppSecret, srv.ChannelID, srv.DisabledChannelID)
	}
}

// TestAdvance: the clock stands still until moved, and moving it expires
// tokens exactly.
func TestAdvance(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := servertest.New(t, servertest.WithTime(start))
	_, m := post(t, srv, openapi.TokenByAkSkPath, nil, map[string]string{"app_key": srv.AppKey, "app_secret": srv.AppSecret})
	tok, _ := m["AccessToken"].(string)
	// The lifetime the answer says it grants: the contract's default.
	expires, err := strconv.ParseInt(fmt.Sprint(m["Expires"]), 10, 64)
	if err != nil || expires < 2 {
		t.Fatalf("Expires %v; want whole seconds", m["Expires"])
	}
	time.Sleep(10 * time.Millisecond)
	if !srv.Now().Equal(start) {
		t.Fatalf("Now %v; want %v: the clock moved by itself", srv.Now(), start)
	}
	srv.Advance(time.Duration(expires-1) * time.Second)
	if status, _ := apply(t, srv, tok, srv.ChannelID); status != http.StatusOK {
		t.Errorf("in its last second: %d; want 200", status)
	}
	srv.Advance(time.Second)
	if status, _ := apply(t, srv, tok, srv.ChannelID); status != http.StatusForbidden {
		t.Errorf("at its expiry: %d; want 403", status)
	}
}

func TestFailNextAndCalls(t *testing.T) {
	srv := servertest.New(t)
	srv.FailNext("tokenByAkSk", http.StatusInternalServerError)
	srv.FailNext("tokenByAkSk", http.StatusUnauthorized)
	for _, want := range []int{500, 401, 200} {
		if status, _ := accessToken(t, srv); status != want {
			t.Errorf("tokenByAkSk: %d; want %d", status, want)
		}
	}
	_, tok := accessToken(t, srv)
	srv.FailNext("applyToken", http.StatusForbidden)
	if status, _ := apply(t, srv, tok, srv.ChannelID); status != http.StatusForbidden {
		t.Errorf("applyToken: %d; want 403", status)
	}
	if got := srv.Calls("tokenByAkSk"); got != 4 {
		t.Errorf("Calls(tokenByAkSk) = %d; want 4", got)
	}
	if got := srv.Calls("applyToken"); got != 1 {
		t.Errorf("Calls(applyToken) = %d; want 1", got)
	}
}

func TestSetChannel(t *testing.T) {
	srv := servertest.New(t)
	_, tok := accessToken(t, srv)
	if status, _ := apply(t, srv, tok, "sales"); status != http.StatusInternalServerError {
		t.Errorf("an unconfigured channel: %d; want 500", status)
	}
	srv.SetChannel("sales", true)
	srv.SetChannel(srv.ChannelID, false)
	if status, m := apply(t, srv, tok, "sales"); status != http.StatusOK || m["resultCode"] != "0" {
		t.Errorf("a channel enabled at run time: %d %v", status, m)
	}
	if status, m := apply(t, srv, tok, srv.ChannelID); status != http.StatusOK || m["resultCode"] != "1" {
		t.Errorf("a channel disabled at run time: %d %v", status, m)
	}
}

// TestMisuseFailsTheTest: a bad operation or status is the test's own bug.
func TestMisuseFailsTheTest(t *testing.T) {
	for name, misuse := range map[string]func(*servertest.Server){
		"FailNext unknown op":   func(s *servertest.Server) { s.FailNext("getToken", 500) },
		"FailNext undocumented": func(s *servertest.Server) { s.FailNext("applyToken", 418) },
		"Calls unknown op":      func(s *servertest.Server) { s.Calls("getToken") },
		"Advance backwards":     func(s *servertest.Server) { s.Advance(-time.Second) },
	} {
		rec := &recordingTB{TB: t}
		srv := servertest.New(rec)
		var wg sync.WaitGroup
		wg.Go(func() { misuse(srv) }) // its own goroutine, for Fatalf's Goexit
		wg.Wait()
		if !rec.failed {
			t.Errorf("%s: the test did not fail", name)
		}
	}
}

// recordingTB notes a Fatalf instead of ending the test that runs it.
type recordingTB struct {
	testing.TB
	failed bool
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Fatalf(string, ...any) {
	r.failed = true
	runtime.Goexit()
}

func TestStartWithoutATest(t *testing.T) {
	srv, err := servertest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if status, _ := accessToken(t, srv); status != http.StatusOK {
		t.Errorf("tokenByAkSk: %d", status)
	}
	defer srv.Close() // twice is harmless
	defer func() {
		if recover() == nil {
			t.Error("misuse without a test did not panic")
		}
	}()
	srv.FailNext("getToken", 500)
}

func Example() {
	srv, err := servertest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.FailNext("tokenByAkSk", 500)

	body := fmt.Sprintf(`{"app_key":%q,"app_secret":%q}`, srv.AppKey, srv.AppSecret)
	for range 2 {
		resp, err := srv.Client().Post(srv.URL+openapi.TokenByAkSkPath, "application/json", bytes.NewBufferString(body))
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Println(srv.Calls("tokenByAkSk"), "calls")
	// Output:
	// 500
	// 200
	// 2 calls
}
