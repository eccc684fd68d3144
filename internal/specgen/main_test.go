package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A contract specgen refuses is refused by -check with the same words,
// and before oapi-codegen runs: gen/ is left as it was.
func TestCheckRefusesFirst(t *testing.T) {
	spec, err := os.ReadFile("../../openapi/applytoken.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const pattern = `pattern: '^[0-9]{1,19}$'`
	if !strings.Contains(string(spec), pattern) {
		t.Fatalf("the contract no longer has %s; pick another pattern to break", pattern)
	}
	refused := filepath.Join(t.TempDir(), "applytoken.yaml")
	// kin-openapi accepts maxProperties; package rules does not check it.
	if err := os.WriteFile(refused, []byte(strings.Replace(string(spec), pattern, pattern+"\n          maxProperties: 3", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	checkErr := checkSpec(refused)
	if checkErr == nil || !strings.Contains(checkErr.Error(), `keyword "maxProperties" is not checked`) {
		t.Fatalf("-check: %v; want maxProperties refused by name", checkErr)
	}
	gen := t.TempDir()
	runErr := run(refused, gen)
	if runErr == nil || runErr.Error() != checkErr.Error() {
		t.Errorf("run: %v\n-check: %v\nwant the same refusal", runErr, checkErr)
	}
	if err := checkSpec("../../openapi/applytoken.yaml"); err != nil {
		t.Errorf("-check refused the contract: %v", err)
	}

	src, err := os.ReadFile("../../gen/generate.go")
	if err != nil {
		t.Fatal(err)
	}
	var directives []string
	for line := range strings.Lines(string(src)) {
		if strings.HasPrefix(line, "//go:generate ") {
			directives = append(directives, strings.TrimSpace(line))
		}
	}
	if len(directives) == 0 || !strings.Contains(directives[0], "internal/specgen") || !strings.HasSuffix(directives[0], " -check") {
		t.Errorf("gen/generate.go's first directive is %q; want specgen -check, so that a refusal comes before oapi-codegen writes", directives)
	}
}
