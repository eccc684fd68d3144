package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/client"
	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/internal/stubproc"
	"github.com/aicc-kit/applytoken/openapi"
)

// TestNoSecretInLogs runs a whole session, the happy path and every
// failure the client can meet, between package client and the binary
// (debug log, non-demo credentials), and logs on the client's side what
// an application would: every result and every error. Neither the stub's
// output nor that log may hold the app secret, a wrong secret tried, or
// any AccessToken or ccmessaging-token seen on the wire.
func TestNoSecretInLogs(t *testing.T) {
	const (
		appKey      = "ci-app-key"
		appSecret   = "ci-app-secret-7d3f9a1c5e"
		wrongSecret = "ci-wrong-secret-2b8e6d4f0a"
	)
	config := filepath.Join(t.TempDir(), "stub.yaml")
	os.WriteFile(config, []byte("apps:\n  "+appKey+": "+appSecret+"\nchannels:\n  sales: true\n  legacy: false\n"), 0o600)
	p := stubproc.Start(t, stubproc.Build(t), "-addr", "127.0.0.1:0", "-controls", "-log-level", "debug", "-config", config)
	procBanner(t, p)

	wire := &recorder{base: http.DefaultTransport}
	hc := &http.Client{Timeout: 5 * time.Second, Transport: wire}
	var appLog bytes.Buffer
	log := slog.New(slog.NewTextHandler(&appLog, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.Background()
	newClient := func(secret string, hc *http.Client) *client.Client {
		c, err := client.New(p.Base, client.WithCredentials(appKey, secret), client.WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	failNext := func(op string, status int) {
		resp, err := hc.Post(p.Base+"/_stub/fail-next", "application/json", strings.NewReader(fmt.Sprintf(`{"op":%q,"status":%d}`, op, status)))
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("fail-next %s %d: %v", op, status, err)
		}
		resp.Body.Close()
	}
	user := client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "sales", Locale: "en"}
	badLocale := spectest.Refused(t, spectest.Property(t, openapi.ApplyToken, "locale"), "locale", "en-US", "English")
	apply := func(what string, c *client.Client, req client.ApplyTokenRequest) {
		tok, err := c.ApplyToken(ctx, req)
		logResult(log, what, tok, err)
	}

	c := newClient(appSecret, hc)
	apply("apply", c, user)
	ts := c.TokenSource(user)
	for range 2 {
		tok, err := ts.Token(ctx)
		logResult(log, "token source", tok, err)
	}
	failNext("applyToken", 403)
	apply("apply after a refused AccessToken", c, user)
	failNext("applyToken", 403)
	failNext("applyToken", 403)
	apply("apply, AccessToken refused twice", c, user)
	for _, status := range []int{400, 401, 404, 413, 500} {
		failNext("applyToken", status)
		apply(fmt.Sprintf("apply answered %d", status), c, user)
	}
	apply("apply on a disabled channel", c, client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "legacy", Locale: "en"})
	apply("apply on an unknown channel", c, client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "nope", Locale: "en"})
	apply("apply with a bad locale", c, client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "sales", Locale: badLocale})
	apply("apply with a wrong secret", newClient(wrongSecret, hc), user)
	failNext("tokenByAkSk", 500)
	apply("apply, tokenByAkSk failing", newClient(appSecret, hc), user)
	apply("apply, timed out", newClient(appSecret, &http.Client{Timeout: time.Nanosecond, Transport: wire}), user)

	later := &http.Client{Timeout: 5 * time.Second, Transport: &client.Transport{Source: ts, Base: wire}}
	for _, path := range []string{"/healthz", "/ccmessaging/send"} {
		req, _ := http.NewRequest(http.MethodGet, p.Base+path, nil)
		resp, err := later.Do(req)
		if err != nil {
			log.Error("later call failed", "path", path, "error", err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		log.Info("later call", "path", path, "status", resp.StatusCode)
	}
	failNext("applyToken", 401)
	resp, err := later.Post(p.Base+openapi.ApplyTokenPath, "application/json", strings.NewReader(`{}`))
	if err == nil {
		resp.Body.Close()
		log.Info("later call after a 401", "status", resp.StatusCode)
	} else {
		log.Error("later call after a 401", "error", err)
	}

	secrets := append(wire.tokens(), appSecret, wrongSecret)
	access, messaging := wire.counts()
	if access < 3 || messaging < 3 {
		t.Fatalf("the session saw %d AccessTokens and %d ccmessaging-tokens; want several of each", access, messaging)
	}
	if leak("level=INFO msg=x v="+secrets[0][3:]+"\n", secrets[0]) == "" {
		t.Fatal("leak does not find a planted token: the check would prove nothing")
	}
	logs := map[string]string{"the stub's log": p.Stderr.String(), "the stub's banner": p.Stdout.String(), "the client's log": appLog.String()}
	for name, text := range logs {
		if !strings.Contains(text, "msg=") && name != "the stub's banner" {
			t.Fatalf("%s is empty: the check would prove nothing\n%s", name, text)
		}
		for _, s := range secrets {
			if at := leak(text, s); at != "" {
				t.Errorf("%s holds a secret (%q): %s", name, s, at)
			}
		}
	}
	for _, want := range []string{"403", "resultCode", "invalid locale", "401", "deadline exceeded"} {
		if !strings.Contains(appLog.String(), want) {
			t.Errorf("the client's log never mentions %q: the session missed a path\n%s", want, appLog.String())
		}
	}
	t.Logf("%d secrets (%d AccessTokens, %d ccmessaging-tokens, 2 app secrets) checked against %d lines of logs: none found",
		len(secrets), access, messaging, strings.Count(p.Stderr.String()+appLog.String(), "\n"))
}

// logResult logs what an application would of one call.
func logResult(log *slog.Logger, what string, tok *client.Token, err error) {
	var apiErr *client.APIError
	switch {
	case err == nil:
		log.Info(what, "expiry", tok.Expiry, "valid", tok.Valid())
	case errors.As(err, &apiErr):
		log.Error(what, "error", err, "status", apiErr.StatusCode, "code", apiErr.ErrorCode, "info", apiErr.ExceptionInfo, "detail", fmt.Sprintf("%+v", err))
	default:
		log.Error(what, "error", err, "detail", fmt.Sprintf("%+v", err))
	}
}

// leak returns the line of text holding s, or its signature's last 24
// characters for a token, or "".
func leak(text, s string) string {
	for _, needle := range []string{s, s[max(0, len(s)-24):]} {
		if i := strings.Index(text, needle); i >= 0 {
			start := strings.LastIndexByte(text[:i], '\n') + 1
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				end = len(text) - i
			}
			return text[start : i+end]
		}
	}
	return ""
}

// recorder is an http.RoundTripper that notes every token in the
// answers it carries: the ground truth of what must not be logged.
type recorder struct {
	base      http.RoundTripper
	mu        sync.Mutex
	access    map[string]bool
	messaging map[string]bool
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return resp, nil
	}
	var m struct{ AccessToken, Token string }
	json.Unmarshal(body, &m)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.access == nil {
		r.access, r.messaging = map[string]bool{}, map[string]bool{}
	}
	if m.AccessToken != "" {
		r.access[m.AccessToken] = true
	}
	if m.Token != "" {
		r.messaging[m.Token] = true
	}
	return resp, nil
}

func (r *recorder) tokens() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all []string
	for tok := range r.access {
		all = append(all, tok)
	}
	for tok := range r.messaging {
		all = append(all, tok)
	}
	return all
}

func (r *recorder) counts() (access, messaging int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.access), len(r.messaging)
}
