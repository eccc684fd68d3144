package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/aicc-kit/applytoken/internal/version"
	"github.com/aicc-kit/applytoken/openapi"
)

// TestVersionFlag: -version needs no credentials and no other flag.
func TestVersionFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"-version"}, func(string) string { return "" }, &stdout, &stderr)
	if want := version.String("applytoken") + "\n"; code != exitOK || stdout.String() != want || stderr.Len() != 0 {
		t.Errorf("-version: exit %d, stdout %q, stderr %q; want 0, %q, nothing", code, stdout.String(), stderr.String(), want)
	}
}

// TestVersionOfTheBinary builds the command from the checkout without VCS
// stamping: the module version is "(devel)", the contract's is info.version.
func TestVersionOfTheBinary(t *testing.T) {
	spec, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "applytoken")
	if out, err := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "-version").Output()
	want := regexp.MustCompile(`^applytoken \(devel\), contract ` + regexp.QuoteMeta(spec.Info.Version) + "\n$")
	if err != nil || !want.Match(out) {
		t.Errorf("applytoken -version = %q, %v; want a match for %s", out, err, want)
	}
}
