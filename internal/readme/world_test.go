package readme

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/stubproc"
)

// wait bounds every command the checks run; a cold module cache and build
// cache make the consumer module's first build the slowest.
const wait = 8 * time.Minute

// readmeBase is the stub's address as the README writes it.
const readmeBase = "http://127.0.0.1:8080"

// releaseVersion is the version the checkout is served as, so `go get
// ...@latest` and `go install ...@latest` resolve to it.
const releaseVersion = "v0.1.0"

const modulePath = "github.com/aicc-kit/applytoken"

// world is what the checks share: the checkout, its README and Makefile,
// binaries built from it, and a module of "your own" beside it.
type world struct {
	root     string
	readme   string
	blocks   []block
	makefile makefile

	binOnce sync.Once
	binDir  string
	binErr  error

	consumerOnce sync.Once
	consumerDir  string
	consumerEnv  []string
	consumerErr  error

	goGetOnce sync.Once
	goGetErrs map[string]error // by command; nil when it succeeded
	installs  sync.Map         // command → func() error, run once
}

func newWorld(t *testing.T) *world {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod two levels up: %v", err)
	}
	w := &world{root: root}
	w.readme = readFile(t, filepath.Join(root, "README.md"))
	if w.blocks, err = parseBlocks(w.readme); err != nil {
		t.Fatal(err)
	}
	w.makefile = parseMakefile(readFile(t, filepath.Join(root, "Makefile")))
	return w
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// output returns the body of the text block the README marks as the
// output of what.
func (w *world) output(t *testing.T, what string) string {
	t.Helper()
	for _, b := range w.blocks {
		if b.marker == "output of "+what {
			return b.body
		}
	}
	t.Fatalf("README.md has no block marked <!-- readme-check: output of %s -->", what)
	return ""
}

// bin builds both commands from the checkout, once, into a directory that
// the shell commands find first on PATH.
func (w *world) bin(t *testing.T) string {
	t.Helper()
	w.binOnce.Do(func() {
		w.binDir, w.binErr = os.MkdirTemp("", "readme-bin-")
		if w.binErr != nil {
			return
		}
		var out []byte
		out, w.binErr = w.goCmd(w.root, nil, "build", "-o", w.binDir+"/", "./cmd/applytoken", "./cmd/applytoken-stub").CombinedOutput()
		if w.binErr != nil {
			w.binErr = fmt.Errorf("go build: %v\n%s", w.binErr, out)
		}
	})
	if w.binErr != nil {
		t.Fatal(w.binErr)
	}
	return w.binDir
}

func (w *world) goCmd(dir string, env []string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	cmd.Cancel = func() error { cancel(); return cmd.Process.Kill() }
	return cmd
}

// cleanEnv is the environment without an outer make's settings, which
// would otherwise reach a nested make.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// shell runs cmd with bash in dir, the built commands first on PATH, and
// returns what it printed on stdout and stderr.
func (w *world) shell(t *testing.T, dir, cmd string, env ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c := exec.CommandContext(ctx, "bash", "-c", "set -euo pipefail\n"+cmd)
	c.Dir = dir
	c.Env = append(cleanEnv(), "PATH="+w.bin(t)+string(os.PathListSeparator)+os.Getenv("PATH"))
	c.Env = append(c.Env, env...)
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	err = c.Run()
	return out.String(), errOut.String(), err
}

// process is a server the checks started.
type process struct {
	base   string // the URL it printed
	banner string // stdout up to "Stop with Ctrl-C."
	stderr *stubproc.Buffer
	cmd    *exec.Cmd
	done   chan struct{}
}

var listeningOn = regexp.MustCompile(`(?m)^applytoken-stub listening on (https?://\S+)$`)

// start runs argv in dir, in a process group of its own, until it has
// printed its banner; it is interrupted when t ends.
func start(t *testing.T, dir string, env, argv []string) *process {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &process{cmd: cmd, stderr: &stubproc.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", argv[0], err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.stop(t) })

	banner := make(chan string, 1)
	go func() {
		var b strings.Builder
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
			if !sent && sc.Text() == "Stop with Ctrl-C." {
				banner <- b.String()
				sent = true
			}
		}
		if !sent {
			banner <- b.String()
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case p.banner = <-banner:
	case <-time.After(wait):
		t.Fatalf("%q printed no banner within %v\nstderr:\n%s", argv, wait, p.stderr)
	}
	m := listeningOn.FindStringSubmatch(p.banner)
	if m == nil {
		t.Fatalf("%q printed no address:\n%s\nstderr:\n%s", argv, p.banner, p.stderr)
	}
	p.base = m[1]
	return p
}

// stop interrupts the process group, as Ctrl-C would, and waits for it.
func (p *process) stop(t *testing.T) {
	select {
	case <-p.done:
		return
	default:
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
		t.Errorf("%s did not stop within 30s of SIGINT", p.cmd.Path)
	}
}

// consumer returns a module of "your own" in a temporary directory, with
// the README's Go and YAML files in it, and the environment in which the
// go command resolves github.com/aicc-kit/applytoken@latest to this
// checkout, served as releaseVersion from a file-based module proxy (other
// modules come from the module cache's download directory: no network).
// The module cache is a fresh one, so the release never lands in yours.
func (w *world) consumer(t *testing.T) (dir string, env []string) {
	t.Helper()
	w.consumerOnce.Do(func() {
		w.consumerDir, w.consumerEnv, w.consumerErr = w.makeConsumer()
	})
	if w.consumerErr != nil {
		t.Fatal(w.consumerErr)
	}
	return w.consumerDir, w.consumerEnv
}

func (w *world) makeConsumer() (string, []string, error) {
	tmp, err := os.MkdirTemp("", "readme-consumer-")
	if err != nil {
		return "", nil, err
	}
	proxy := filepath.Join(tmp, "proxy")
	if err := w.serveCheckout(proxy); err != nil {
		return "", nil, err
	}
	// The module of your own loads the whole module graph of this one,
	// which a build here never needs: fetch every go.mod in it (checked
	// against go.sum) so that the download directory can serve them.
	if out, err := w.goCmd(w.root, nil, "list", "-m", "all").CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("go list -m all: %v\n%s", err, out)
	}
	out, err := w.goCmd(w.root, nil, "env", "GOMODCACHE").Output()
	if err != nil {
		return "", nil, fmt.Errorf("go env GOMODCACHE: %v", err)
	}
	download := filepath.Join(strings.TrimSpace(string(out)), "cache", "download")
	env := []string{
		"GOPROXY=file://" + proxy + ",file://" + download,
		"GOSUMDB=off",
		"GONOSUMDB=", "GOPRIVATE=", "GONOPROXY=", "GOWORK=off", "GOTOOLCHAIN=local",
		"GOMODCACHE=" + filepath.Join(tmp, "modcache"),
		"GOBIN=" + filepath.Join(tmp, "gobin"),
		// -trimpath keeps the build cache useful across fresh module caches;
		// -modcacherw lets the temporary cache be removed.
		"GOFLAGS=-trimpath -modcacherw",
	}
	dir := filepath.Join(tmp, "yours")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	if out, err := w.goCmd(dir, env, "mod", "init", "example.com/yours").CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("go mod init: %v\n%s", err, out)
	}
	for _, b := range w.blocks {
		name, ok := strings.CutPrefix(b.marker, "file ")
		if !ok {
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", nil, err
		}
		if err := os.WriteFile(path, []byte(b.body), 0o644); err != nil {
			return "", nil, err
		}
	}
	return dir, env, nil
}

// serveCheckout writes a file-based module proxy holding one version of
// the module: the checkout's files that git tracks or would track, as a
// module zip.
func (w *world) serveCheckout(proxy string) error {
	out, err := exec.Command("git", "-C", w.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %v", err)
	}
	at := filepath.Join(proxy, modulePath, "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(at, releaseVersion+".zip"))
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	names := strings.Split(strings.TrimRight(string(out), "\x00"), "\x00")
	if err := caseCollisions(names); err != nil {
		return err
	}
	for _, name := range names {
		fi, err := os.Lstat(filepath.Join(w.root, name))
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted from the work tree, or not a plain file
		}
		data, err := os.ReadFile(filepath.Join(w.root, name))
		if err != nil {
			return err
		}
		zf, err := zw.Create(modulePath + "@" + releaseVersion + "/" + name)
		if err != nil {
			return err
		}
		if _, err := zf.Write(data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	gomod, err := os.ReadFile(filepath.Join(w.root, "go.mod"))
	if err != nil {
		return err
	}
	for name, data := range map[string]string{
		releaseVersion + ".mod":  string(gomod),
		releaseVersion + ".info": `{"Version":"` + releaseVersion + `","Time":"2026-01-01T00:00:00Z"}`,
		"list":                   releaseVersion + "\n",
	} {
		if err := os.WriteFile(filepath.Join(at, name), []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// removeAll is a cleanup for the directories the world made outside
// t.TempDir (they are shared by subtests).
func (w *world) removeAll() {
	for _, d := range []string{w.binDir, filepath.Dir(w.consumerDir)} {
		if d != "" && d != "." {
			os.RemoveAll(d)
		}
	}
}

// caseCollisions reports paths that differ only in case: the go command
// refuses such a module zip ("case-insensitive file name collision"), so
// nobody could go get the module, and checkouts on macOS or Windows would
// lose files.
func caseCollisions(names []string) error {
	seen := map[string]string{}
	var clashes []string
	for _, n := range names {
		if other, ok := seen[strings.ToLower(n)]; ok {
			clashes = append(clashes, other+" and "+n)
			continue
		}
		seen[strings.ToLower(n)] = n
	}
	if len(clashes) > 0 {
		return fmt.Errorf("the module cannot be fetched with go get: %d paths differ from another only in case, e.g. %s", len(clashes), clashes[0])
	}
	return nil
}
