package drill

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// wait bounds each command of the drill: the copy's first build compiles
// the whole module again, since its files live at another path.
const wait = 8 * time.Minute

// TestDrill is the fast form: every change at once in one copy,
// regenerated, the checks of each change run there, and the touched files
// counted. `make drill` runs each change alone and more tests (drill's
// full form).
func TestDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("the drill builds a copy of the module; not with -short")
	}
	if os.Getenv("APPLYTOKEN_DRILL") == "each" {
		for _, c := range changes {
			t.Run(c.name, func(t *testing.T) { drill(t, []change{c}, true) })
		}
		return
	}
	drill(t, changes, false)
}

// drill applies cs to a fresh copy of the module, regenerates, and proves
// the kit followed: the checks pass, the suite fails only where a change
// says it must (naming what it names), and nothing outside the spec, its
// expectations and gen/ changed.
func drill(t *testing.T, cs []change, full bool) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir, peers := copyModule(t, root)
	git(t, dir, "init", "-q")
	git(t, dir, "add", "-A")
	git(t, dir, "-c", "user.name=drill", "-c", "user.email=drill@localhost", "commit", "-q", "-m", "base")

	var checks []string
	for _, c := range cs {
		for _, e := range c.edits {
			e.apply(t, dir)
		}
		checks = append(checks, c.check)
	}
	run(t, dir, nil, "go", "generate", "./gen/...")
	checkDir := filepath.Join(dir, "internal", "drillcheck")
	if err := os.MkdirAll(checkDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range append([]string{"common"}, checks...) {
		src, err := os.ReadFile(filepath.Join("testdata", name+".go.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(checkDir, name+"_test.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reportTouched(t, dir, cs)

	// The spec's own tests (openapi/, its expectations edited with it) in
	// both forms.
	run(t, dir, nil, "go", "test", "-count=1", "./internal/drillcheck/", "./openapi/")
	// What the code cannot take up by itself must fail loudly, naming what
	// it could not take up: a documented status with no case in the
	// suite, or in the stub's status table.
	want := map[string][]string{}
	for _, c := range cs {
		for test, names := range c.mustFail {
			want[test] = append(want[test], names...)
		}
		if peers {
			for test, names := range c.peersMustFail {
				want[test] = append(want[test], names...)
			}
		}
	}
	pkgs := []string{"./contracttests/"}
	args := []string{"test", "-count=1"}
	if full {
		// Not ./cmd/applytoken-stub/: its tests build the binary and run it
		// over TCP, about 25 s a change on two cores (some three minutes
		// more for the drill, which takes two), and the suite already runs
		// against the built binary (contracttests.TestServerBinary).
		pkgs = append(pkgs, "./client/", "./server/...", "./internal/rules/", "./internal/battery/", "./cmd/applytoken/")
	} else {
		args = append(args, "-run", "^TestServerInProcess$")
		for test := range want {
			if test != "contracttests.TestServerInProcess" {
				delete(want, test) // run by make drill only
			}
		}
	}
	out, _ := runErr(dir, nil, "go", append(args, pkgs...)...)
	failed := failedTests(out)
	for test, names := range want {
		if !failed[test] {
			t.Errorf("%s passed in the copy; it must fail naming %q", test, names)
		}
		for _, n := range names {
			if !strings.Contains(out, n) {
				t.Errorf("%s's failure does not name %q", test, n)
			}
		}
	}
	for test := range failed {
		if _, ok := want[test]; !ok {
			t.Errorf("%s failed in the copy; after a spec change only the tests that name what was not carried may:\n%s", test, out)
		}
	}
}

// failedTests returns the top-level tests that go test reports failed,
// as package.Test ("server.TestStatusTable").
func failedTests(out string) map[string]bool {
	failed := map[string]bool{}
	var pending []string
	for line := range strings.Lines(out) {
		if name, ok := strings.CutPrefix(line, "--- FAIL: "); ok {
			pending = append(pending, strings.Fields(name)[0])
			continue
		}
		if f := strings.Fields(line); len(f) >= 2 && (f[0] == "FAIL" || f[0] == "ok") && strings.Contains(f[1], "/") {
			pkg := f[1][strings.LastIndex(f[1], "/")+1:]
			for _, name := range pending {
				failed[pkg+"."+name] = true
			}
			pending = nil
		}
	}
	return failed
}

// reportTouched logs, per file, the lines the changes touched, and fails
// when a file other than the spec, its expectations, generated code or the
// drill's own checks changed.
func reportTouched(t *testing.T, dir string, cs []change) {
	t.Helper()
	git(t, dir, "add", "-A")
	out := git(t, dir, "diff", "--cached", "--numstat", "HEAD")
	var names []string
	for _, c := range cs {
		names = append(names, c.name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "files touched by %s:\n", strings.Join(names, ", "))
	for line := range strings.Lines(strings.TrimSpace(out)) {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		path := f[2]
		var how string
		switch {
		case path == "openapi/applytoken.yaml":
			how = "by hand: the contract"
		case path == "openapi/spec_test.go":
			how = "by hand: expectations checked against the vendor's pages"
		case strings.HasPrefix(path, "gen/"):
			how = "generated"
		case strings.HasPrefix(path, "internal/drillcheck/"):
			continue // the drill's own checks
		default:
			how = "BY HAND, OUTSIDE THE SPEC"
			t.Errorf("%s changed: after a spec change only the spec, its expectations and gen/ may", path)
		}
		fmt.Fprintf(&b, "  %-40s +%s -%s  %s\n", path, f[0], f[1], how)
	}
	t.Log(b.String())
}

// edit replaces old with new in a file of the copy, exactly once.
type edit struct {
	file, old, new string
}

func (e edit) apply(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, e.file)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte(e.old)); n != 1 {
		t.Fatalf("drill edit of %s: %q occurs %d times; want once (has the spec moved on? update the drill)", e.file, e.old, n)
	}
	b = bytes.Replace(b, []byte(e.old), []byte(e.new), 1)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyModule copies the checkout's files (tracked and untracked, less what
// .gitignore leaves out) into a temporary directory, and links the
// installed npm peers there when the checkout has them: they are pinned
// and no spec change touches them, and the copy's Prism tests need them
// (with CI=true they fail without). peers reports whether it linked them.
func copyModule(t *testing.T, root string) (dir string, peers bool) {
	t.Helper()
	dir = t.TempDir()
	files := git(t, root, "ls-files", "-co", "--exclude-standard")
	for name := range strings.Lines(files) {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		src := filepath.Join(root, name)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the work tree, or not a file
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	modules := filepath.Join("contracttests", "peers", "node_modules")
	if info, err := os.Stat(filepath.Join(root, modules)); err == nil && info.IsDir() {
		if err := os.Symlink(filepath.Join(root, modules), filepath.Join(dir, modules)); err != nil {
			t.Fatal(err)
		}
		return dir, true
	}
	return dir, false
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return run(t, dir, nil, "git", args...)
}

func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	out, err := runErr(dir, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s in the copy: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func runErr(dir string, env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(slices.Clip(os.Environ()), append([]string{"GOWORK=off"}, env...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
