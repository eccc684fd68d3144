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
		ci         string
		allow      bool
		wantFailed bool
	}{{"", false, false}, {"true", false, true}, {"true", true, false}} {
		ci := tc.ci
		out, err := runNotDrivenChild(t, ci, tc.allow)
		if failed := err != nil; failed != tc.wantFailed {
			t.Errorf("CI=%q, AllowNotDriven %v: the suite failed = %v (%v); want %v\n%s", ci, tc.allow, failed, err, tc.wantFailed, out)
		}
		for _, want := range lacks {
			if !bytes.Contains(out, []byte("NOT DRIVEN: ")) || !bytes.Contains(out, []byte(want)) {
				t.Errorf("CI=%q: the output never says NOT DRIVEN ... %s:\n%s", ci, want, out)
			}
		}
		if tc.wantFailed && !bytes.Contains(out, []byte("CI=true makes a case not driven a failure")) {
			t.Errorf("CI=true: the failure does not say why:\n%s", out)
		}
	}
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
