package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/aicc-kit/applytoken/internal/version"
	"github.com/aicc-kit/applytoken/openapi"
)

func TestVersionFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-version"}, &stdout, &stderr, func(string) string { return "" })
	if want := version.String("applytoken-stub") + "\n"; code != 0 || stdout.String() != want || stderr.Len() != 0 {
		t.Errorf("-version: exit %d, stdout %q, stderr %q; want 0, %q, nothing", code, stdout.String(), stderr.String(), want)
	}
}

// TestVersionOfTheBinary builds the command as a checkout does and reads
// what -version prints: "(devel)" without VCS stamping, a pseudo-version
// with it, and the contract's info.version either way.
func TestVersionOfTheBinary(t *testing.T) {
	spec, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	contract := regexp.QuoteMeta(", contract " + spec.Info.Version + "\n")
	for _, tc := range []struct {
		buildvcs string
		want     *regexp.Regexp
	}{
		{"false", regexp.MustCompile(`^applytoken-stub \(devel\)` + contract + `$`)},
		{"auto", regexp.MustCompile(`^applytoken-stub (\(devel\)|v[0-9]+\.[0-9]+\.[0-9]+\S*)` + contract + `$`)},
	} {
		bin := filepath.Join(t.TempDir(), "applytoken-stub")
		if out, err := exec.Command("go", "build", "-buildvcs="+tc.buildvcs, "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build -buildvcs=%s: %v\n%s", tc.buildvcs, err, out)
		}
		out, err := exec.Command(bin, "-version").Output()
		if err != nil || !tc.want.Match(out) {
			t.Errorf("-buildvcs=%s: applytoken-stub -version = %q, %v; want a match for %s", tc.buildvcs, out, err, tc.want)
		}
	}
}
