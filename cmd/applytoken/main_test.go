package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server"
	"github.com/aicc-kit/applytoken/server/servertest"
)

// cli runs the command against srv with its credentials in the
// environment unless env says otherwise.
func cli(t *testing.T, srv *servertest.Server, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if env == nil {
		env = map[string]string{envAppKey: srv.AppKey, envAppSecret: srv.AppSecret}
	}
	var out, errOut bytes.Buffer
	code = run(args, func(k string) string { return env[k] }, &out, &errOut)
	if strings.Contains(out.String()+errOut.String(), srv.AppSecret) {
		t.Errorf("the app secret was printed")
	}
	return code, out.String(), errOut.String()
}

func sessionArgs(srv *servertest.Server, extra ...string) []string {
	return append([]string{"-base", srv.URL, "-user-id", "user-0001", "-user-name", "Alice", "-channel-id", srv.ChannelID, "-locale", "en"}, extra...)
}

func TestPrintsToken(t *testing.T) {
	srv := servertest.New(t)
	code, stdout, stderr := cli(t, srv, nil, sessionArgs(srv)...)
	if code != exitOK {
		t.Fatalf("exit %d; stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "token:  ") || len(lines[0]) <= len("token:  ") || !strings.HasPrefix(lines[1], "expiry: ") {
		t.Fatalf("stdout = %q; want a token line and an expiry line", stdout)
	}
	expiry, err := time.Parse(time.RFC3339, strings.TrimPrefix(lines[1], "expiry: "))
	if err != nil {
		t.Fatalf("expiry: %v", err)
	}
	// The stub's ccmessaging-tokens live as long as the contract says.
	if life, d := server.DefaultConfig().MessagingTokenLifetime, time.Until(expiry); d < life-time.Minute || d > life {
		t.Errorf("expiry %v is %v away; want about %v", expiry, d, life)
	}
	if stderr != "" {
		t.Errorf("stderr = %q; want nothing", stderr)
	}
	if a, b := srv.Calls("tokenByAkSk"), srv.Calls("applyToken"); a != 1 || b != 1 {
		t.Errorf("tokenByAkSk, applyToken calls = %d, %d; want 1, 1", a, b)
	}
}

func TestPrintsJSON(t *testing.T) {
	srv := servertest.New(t)
	code, stdout, stderr := cli(t, srv, nil, sessionArgs(srv, "-json")...)
	if code != exitOK {
		t.Fatalf("exit %d; stderr %q", code, stderr)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	if len(got) != 2 || got["token"] == "" {
		t.Errorf("JSON = %v; want token and expiry only", got)
	}
	if _, err := time.Parse(time.RFC3339, got["expiry"]); err != nil {
		t.Errorf("expiry: %v", err)
	}
}

func TestExitCodes(t *testing.T) {
	badLocale := spectest.Refused(t, spectest.Property(t, openapi.ApplyToken, "locale"), "locale", "en-US", "English", "12")
	tests := []struct {
		name   string
		setup  func(*servertest.Server)
		env    func(*servertest.Server) map[string]string
		args   func(*servertest.Server) []string
		want   int
		stderr string
	}{
		{name: "help", args: func(*servertest.Server) []string { return []string{"-h"} }, want: exitOK, stderr: "exit codes"},
		{name: "unknown flag", args: func(*servertest.Server) []string { return []string{"-secret", "x"} }, want: exitUsage, stderr: "flag provided but not defined"},
		{name: "stray argument", args: func(s *servertest.Server) []string { return sessionArgs(s, "extra") }, want: exitUsage, stderr: `unexpected argument "extra"`},
		{name: "no base", args: func(s *servertest.Server) []string { return sessionArgs(s)[2:] }, want: exitUsage, stderr: "-base is required"},
		{name: "bad base", args: func(s *servertest.Server) []string {
			return append([]string{"-base", "ftp://x"}, sessionArgs(s)[2:]...)
		}, want: exitUsage, stderr: "scheme"},
		{name: "no credentials", env: func(*servertest.Server) map[string]string { return map[string]string{} }, want: exitUsage, stderr: "AICC_APP_KEY and AICC_APP_SECRET must be set"},
		{name: "no secret", env: func(s *servertest.Server) map[string]string { return map[string]string{envAppKey: s.AppKey} }, want: exitUsage, stderr: "must be set"},
		{name: "bad timeout", args: func(s *servertest.Server) []string { return sessionArgs(s, "-timeout", "0s") }, want: exitUsage, stderr: "-timeout"},
		{name: "invalid locale", args: func(s *servertest.Server) []string { return sessionArgs(s, "-locale", badLocale) }, want: exitUsage, stderr: "locale"},
		{name: "missing user name", args: func(s *servertest.Server) []string { return sessionArgs(s, "-user-name", "") }, want: exitUsage, stderr: "userName"},
		{name: "no user id flag", args: func(s *servertest.Server) []string {
			args := sessionArgs(s)
			return append(args[:2:2], args[4:]...)
		}, want: exitUsage, stderr: "-user-id is required"},
		{name: "invalid UTF-8", args: func(s *servertest.Server) []string { return sessionArgs(s, "-user-name", "a\xffb") }, want: exitUsage, stderr: "-user-name: must be valid UTF-8"},
		{name: "wrong secret", env: func(s *servertest.Server) map[string]string {
			return map[string]string{envAppKey: s.AppKey, envAppSecret: "wrong-secret"}
		}, want: exitAuth, stderr: "401"},
		{name: "unknown app key", env: func(s *servertest.Server) map[string]string {
			return map[string]string{envAppKey: "nobody", envAppSecret: s.AppSecret}
		}, want: exitAuth, stderr: "401"},
		{name: "AccessToken refused", setup: func(s *servertest.Server) { s.FailNext("applyToken", 403); s.FailNext("applyToken", 403) }, want: exitAuth, stderr: "403"},
		{name: "server error", setup: func(s *servertest.Server) { s.FailNext("applyToken", 500) }, want: exitServer, stderr: "500"},
		{name: "tokenByAkSk server error", setup: func(s *servertest.Server) { s.FailNext("tokenByAkSk", 500) }, want: exitServer, stderr: "500"},
		{name: "bad request", setup: func(s *servertest.Server) { s.FailNext("applyToken", 400) }, want: exitServer, stderr: "400"},
		{name: "unknown channel", args: func(s *servertest.Server) []string { return sessionArgs(s, "-channel-id", "no-such-channel") }, want: exitServer, stderr: "500"},
		{name: "disabled channel", args: func(s *servertest.Server) []string { return sessionArgs(s, "-channel-id", s.DisabledChannelID) }, want: exitServer, stderr: `resultCode "1"`},
		{name: "unreachable", args: func(s *servertest.Server) []string {
			return append([]string{"-base", "http://127.0.0.1:1"}, sessionArgs(s)[2:]...)
		}, want: exitOther, stderr: "applytoken: client: tokenByAkSk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := servertest.New(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			var env map[string]string
			if tt.env != nil {
				env = tt.env(srv)
			}
			args := sessionArgs(srv)
			if tt.args != nil {
				args = tt.args(srv)
			}
			code, stdout, stderr := cli(t, srv, env, args...)
			if code != tt.want {
				t.Errorf("exit %d; want %d (stderr %q)", code, tt.want, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr = %q; want it to contain %q", stderr, tt.stderr)
			}
			if tt.want != exitOK && stdout != "" {
				t.Errorf("stdout = %q; want nothing on failure", stdout)
			}
			if tt.want == exitUsage && srv.Calls("tokenByAkSk")+srv.Calls("applyToken") != 0 {
				t.Error("a usage error sent requests")
			}
		})
	}
}

// TestTimeoutWhileReadingTheAnswer: a run that times out (or is
// interrupted) while the answer's body is still coming is exit 1, as one
// that times out before the answer is, not 4.
func TestTimeoutWhileReadingTheAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/tokenByAkSk") {
			io.WriteString(w, `{"AccessToken":"at","ApplyType":"Bearer","CreateTime":"1545650171","Expires":"600"}`)
			return
		}
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, `{"resultCode":"0",`)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the rest never comes
	}))
	defer srv.Close()
	env := map[string]string{envAppKey: "app", envAppSecret: "secret"}
	args := []string{"-base", srv.URL, "-user-id", "user-0001", "-user-name", "Alice", "-channel-id", "demo-channel", "-locale", "en", "-timeout", "200ms"}
	var stdout, stderr bytes.Buffer
	if code := run(args, func(k string) string { return env[k] }, &stdout, &stderr); code != exitOther {
		t.Errorf("exit %d; want %d (stderr %q)", code, exitOther, stderr.String())
	}
	if !strings.Contains(stderr.String(), "deadline exceeded") {
		t.Errorf("stderr = %q; want it to say the time ran out", stderr.String())
	}
}
