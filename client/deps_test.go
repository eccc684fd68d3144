package client

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// goCommand returns the go command, or skips (loudly) when there is none
// and CI is not "true".
func goCommand(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the go command is needed here: %v", err)
		}
		t.Skipf("SKIPPED: no go command (%v); with CI=true this fails", err)
	}
	return gobin
}

// TestLeanImports: a program that imports the client carries none of the
// libraries the kit needs only at generate time or in its tests.
func TestLeanImports(t *testing.T) {
	out, err := exec.Command(goCommand(t), "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}|{{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	forbidden := func(path string) string {
		switch {
		case strings.Contains(path, "kin-openapi"):
			return "kin-openapi"
		case strings.Contains(path, "yaml"):
			return "a YAML library"
		case strings.Contains(path, "jsonschema"), strings.HasPrefix(path, "github.com/santhosh-tekuri/"):
			return "a JSON Schema library"
		case path == "golang.org/x/text" || strings.HasPrefix(path, "golang.org/x/text/"):
			return "golang.org/x/text (the copy vendored in the standard library is fine)"
		case path == "regexp" || strings.HasPrefix(path, "regexp/"):
			return "package regexp (gen/contract's patterns run on internal/rules' matcher)"
		}
		return ""
	}
	var thirdParty []string
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		nonStd, path, _ := strings.Cut(strings.TrimSpace(line), "|")
		if why := forbidden(path); why != "" {
			t.Errorf("client depends on %s: %s", why, path)
		}
		if nonStd != "" && !strings.HasPrefix(nonStd, "github.com/aicc-kit/applytoken/") {
			thirdParty = append(thirdParty, nonStd)
		}
	}
	t.Logf("third-party packages in go list -deps: %s", strings.Join(thirdParty, ", "))
}
