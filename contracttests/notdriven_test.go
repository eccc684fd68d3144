package contracttests

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/server/servertest"
)

const notDrivenEnv = "APPLYTOKEN_CONTRACTTESTS_NOT_DRIVEN_CHILD"

// TestNotDrivenUnderCI runs the suite, in a child process, against a
// target that offers neither FailNext, Advance nor PeerURL: without CI it
// passes and says NOT DRIVEN for each case it could not drive; with
// CI=true those cases fail, naming what the target lacks, since go test
// shows no skip of a package that passes; Target.AllowNotDriven lets them
// skip under CI too.
func TestNotDrivenUnderCI(t *testing.T) {
	if child := os.Getenv(notDrivenEnv); child != "" {
		srv := servertest.New(t)
		RunServer(t, Target{
			BaseURL: srv.URL, AppKey: srv.AppKey, AppSecret: srv.AppSecret,
			ChannelID: srv.ChannelID, DisabledChannelID: srv.DisabledChannelID,
			AllowNotDriven: child == "allow",
		})
		return
	}
	lacks := []string{"needs Target.FailNext", "needs Target.Advance", "needs Target.PeerURL"}
	for _, tc := range []struct {
		ci    string
		allow bool
		want  string // the result of each case not driven
	}{{"", false, "SKIP"}, {"true", false, "FAIL"}, {"true", true, "SKIP"}} {
		out, _ := runNotDrivenChild(t, tc.ci, tc.allow)
		results := notDrivenResults(string(out))
		if len(results) != len(lacks) {
			t.Errorf("CI=%q, AllowNotDriven %v: %d cases said NOT DRIVEN (%v); want %d, one for each of %q:\n%s", tc.ci, tc.allow, len(results), results, len(lacks), lacks, out)
		}
		for name, got := range results {
			if got != tc.want {
				t.Errorf("CI=%q, AllowNotDriven %v: %s: %s; want %s", tc.ci, tc.allow, name, got, tc.want)
			}
		}
		for _, want := range lacks {
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("CI=%q: the output never says NOT DRIVEN ... %s:\n%s", tc.ci, want, out)
			}
		}
		if tc.want == "FAIL" && !bytes.Contains(out, []byte("CI=true makes a case not driven a failure")) {
			t.Errorf("CI=true: the failure does not say why:\n%s", out)
		}
	}
}

// notDrivenResults reads the child's -test.v output: each case that said
// NOT DRIVEN, with its result (SKIP, FAIL or PASS). Only these cases are
// judged, so a run that fails elsewhere (a status the spec gained that no
// case drives yet) still shows how the cases not driven ended.
func notDrivenResults(out string) map[string]string {
	results := map[string]string{}
	lines := strings.Split(out, "\n")
	var running string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if name, ok := strings.CutPrefix(l, "=== RUN   "); ok {
			running = name
		} else if name, ok := strings.CutPrefix(l, "=== NAME  "); ok {
			running = name
		} else if strings.Contains(l, "NOT DRIVEN: ") && running != "" {
			results[running] = "no result"
		}
	}
	for _, l := range lines {
		l = strings.TrimSpace(l)
		for _, r := range []string{"SKIP", "FAIL", "PASS"} {
			if rest, ok := strings.CutPrefix(l, "--- "+r+": "); ok {
				name, _, _ := strings.Cut(rest, " (")
				if _, said := results[name]; said {
					results[name] = r
				}
			}
		}
	}
	return results
}

func runNotDrivenChild(t *testing.T, ci string, allow bool) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestNotDrivenUnderCI$", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, ciEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	child := "1"
	if allow {
		child = "allow"
	}
	cmd.Env = append(cmd.Env, notDrivenEnv+"="+child)
	if ci != "" {
		cmd.Env = append(cmd.Env, ciEnv+"="+ci)
	}
	return cmd.CombinedOutput()
}
