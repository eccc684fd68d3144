package contracttests

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/server"
)

// A mutant is the stub with one defect injected: a middleware that spoils
// its answers (or its input checking) in one way. The suite must fail on
// every mutant, or it could not tell a broken server from a good one.
var mutants = map[string]struct {
	wrap func(http.Handler) http.Handler
	// want is a phrase the failing suite's output must contain.
	want string
}{
	"resultCode a number": {rewriteJSON(http.StatusOK, func(m map[string]any) {
		if rc, ok := m["resultCode"].(string); ok {
			m["resultCode"] = len(rc)
		}
	}), "resultCode"},
	"exceptionInfo missing": {rewriteJSON(http.StatusForbidden, func(m map[string]any) { delete(m, "exceptionInfo") }), "exceptionInfo"},
	"422 for a bad body":    {rewriteStatus(http.StatusBadRequest, http.StatusUnprocessableEntity), "status is not supported"},
	"WWW-Authenticate dropped": {func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(dropHeader{ResponseWriter: w, name: "WWW-Authenticate"}, r)
		})
	}, "WWW-Authenticate"},
	"long userId accepted": {truncateUserID, "status 200; want 400"},
	"Cache-Control dropped": {func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(dropHeader{ResponseWriter: w, name: "Cache-Control"}, r)
		})
	}, "Cache-Control"},
	"Allow dropped on 405": {func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(dropHeader{ResponseWriter: w, name: "Allow"}, r)
		})
	}, "Allow"},
}

const mutantEnv = "APPLYTOKEN_CONTRACTTESTS_MUTANT"

// TestSuiteHasTeeth runs the suite against each mutant in a child process
// (this same test, with the mutant named in the environment) and insists
// that it fails, naming the defect.
func TestSuiteHasTeeth(t *testing.T) {
	if name := os.Getenv(mutantEnv); name != "" {
		runMutant(t, name)
		return
	}
	for name, m := range mutants {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSuiteHasTeeth$", "-test.v")
			cmd.Env = append(os.Environ(), mutantEnv+"="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed against the mutant %q; it must fail\n%s", name, out)
			}
			if !bytes.Contains(out, []byte(m.want)) {
				t.Fatalf("the suite failed against %q but never mentioned %q:\n%s", name, m.want, out)
			}
		})
	}
}

// runMutant is the child side of TestSuiteHasTeeth: the suite against one
// mutant, expected to fail.
func runMutant(t *testing.T, name string) {
	m, ok := mutants[name]
	if !ok {
		t.Fatalf("no mutant %q", name)
	}
	cfg := server.DefaultConfig()
	h, err := server.NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.wrap(h))
	defer srv.Close()
	RunServer(t, Target{
		BaseURL: srv.URL, AppKey: "demo-app-key", AppSecret: "demo-app-secret",
		ChannelID: "demo-channel", DisabledChannelID: "disabled-channel",
	})
}

// rewriteJSON edits the JSON body of answers with the given status.
func rewriteJSON(status int, edit func(map[string]any)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			var m map[string]any
			if rec.Code == status && json.Unmarshal(body, &m) == nil {
				edit(m)
				body, _ = json.Marshal(m)
			}
			copyAnswer(w, rec.Header(), rec.Code, body)
		})
	}
}

// rewriteStatus answers to instead of from.
func rewriteStatus(from, to int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			code := rec.Code
			if code == from {
				code = to
			}
			copyAnswer(w, rec.Header(), code, rec.Body.Bytes())
		})
	}
}

// truncateUserID makes the stub accept over-long userIds by cutting them
// down before it sees them: invalid input accepted.
func truncateUserID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		var m map[string]any
		if json.Unmarshal(data, &m) == nil {
			if id, ok := m["userId"].(string); ok && len(id) > 32 {
				m["userId"] = id[:32]
				data, _ = json.Marshal(m)
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(data))
		r.ContentLength = int64(len(data))
		next.ServeHTTP(w, r)
	})
}

func copyAnswer(w http.ResponseWriter, h http.Header, code int, body []byte) {
	for k, vs := range h {
		w.Header()[k] = vs
	}
	w.Header().Del("Content-Length") // the body may have changed
	w.WriteHeader(code)
	w.Write(body)
}

// dropHeader removes one header from every answer.
type dropHeader struct {
	http.ResponseWriter
	name string
}

func (d dropHeader) WriteHeader(code int) {
	d.Header().Del(d.name)
	d.ResponseWriter.WriteHeader(code)
}

func (d dropHeader) Write(b []byte) (int, error) {
	d.Header().Del(d.name)
	return d.ResponseWriter.Write(b)
}
