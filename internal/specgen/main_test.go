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
	for _, tc := range []struct{ name, from, to, want string }{
		// kin-openapi accepts maxProperties; package rules does not check it.
		{"a keyword rules do not check", `pattern: '^[0-9]{1,19}$'`, `pattern: '^[0-9]{1,19}$'` + "\n          maxProperties: 3", `keyword "maxProperties" is not checked`},
		{"a lifetime of no seconds", "x-default-lifetime: 3600", "x-default-lifetime: 0", "x-default-lifetime must be a positive whole number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(spec), tc.from) {
				t.Fatalf("the contract no longer has %s; pick another place to break", tc.from)
			}
			refused := filepath.Join(t.TempDir(), "applytoken.yaml")
			if err := os.WriteFile(refused, []byte(strings.Replace(string(spec), tc.from, tc.to, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			checkErr := checkSpec(refused)
			if checkErr == nil || !strings.Contains(checkErr.Error(), tc.want) {
				t.Fatalf("-check: %v; want an error saying %q", checkErr, tc.want)
			}
			// run, given the models, refuses it with the same words.
			if runErr := run(refused, copyModels(t)); runErr == nil || runErr.Error() != checkErr.Error() {
				t.Errorf("run: %v\n-check: %v\nwant the same refusal", runErr, checkErr)
			}
		})
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

// copyModels is a gen/ directory holding a copy of the models oapi-codegen
// wrote, for run to read (and write into) instead of the repository's.
func copyModels(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, pkg := range []string{"apiclient", "apiserver"} {
		files, err := filepath.Glob(filepath.Join("../../gen", pkg, "*.gen.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("models of gen/%s: %v", pkg, err)
		}
		if err := os.MkdirAll(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, pkg, filepath.Base(f)), src, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}
