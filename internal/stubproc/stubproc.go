// Package stubproc builds cmd/applytoken-stub and runs it as a child
// process, for the tests that must see the real binary over TCP: the
// conformance suite, the hostile-input battery, the shutdown and soak tests.
//
//	p := stubproc.Start(t, stubproc.Build(t), "-addr", "127.0.0.1:0")
//	resp, err := http.Get(p.Base + "/healthz")
package stubproc

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Wait bounds every wait on the process: its build, its start, its exit.
const Wait = 15 * time.Second

const pkg = "github.com/aicc-kit/applytoken/cmd/applytoken-stub"

// Build compiles the stub into a temporary directory of t and returns the
// binary's path.
func Build(t testing.TB) string {
	t.Helper()
	gotool, err := exec.LookPath("go") // go test puts its own toolchain first on PATH
	if err != nil {
		t.Fatalf("stubproc: no go tool to build the stub with: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "applytoken-stub")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, gotool, "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("stubproc: go build: %v\n%s", err, out)
	}
	return bin
}

// Process is a running stub.
type Process struct {
	// Base is the URL it printed, scheme and host.
	Base string
	// Stdout holds the start-up banner; Stderr the log.
	Stdout, Stderr *Buffer

	cmd    *exec.Cmd
	exited chan struct{}
	err    error // Wait's result, set before exited closes
}

var listening = regexp.MustCompile(`(?m)^applytoken-stub listening on (https?://\S+)$`)

// Start runs bin with args and waits until it prints the address it
// listens on. The process is killed when t ends, if it still runs.
//
// The stub is configured by args alone: the APPLYTOKEN_* variables of
// whoever runs the tests (the conformance suite's, naming a server of
// their own, for one) are left out of its environment, where the stub
// would read them as its own configuration.
func Start(t testing.TB, bin string, args ...string) *Process {
	t.Helper()
	p := &Process{Stdout: &Buffer{}, Stderr: &Buffer{}, cmd: exec.Command(bin, args...), exited: make(chan struct{})}
	p.cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "APPLYTOKEN_") })
	p.cmd.Stderr = p.Stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("stubproc: %v", err)
	}
	base := make(chan string, 1)
	go p.readStdout(stdout, base)
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	select {
	case p.Base = <-base:
		return p
	case <-p.exited:
		t.Fatalf("stubproc: the stub exited before listening: %v\nstderr:\n%s", p.err, p.Stderr)
	case <-time.After(Wait):
		t.Fatalf("stubproc: the stub printed no address within %v\nstdout:\n%s\nstderr:\n%s", Wait, p.Stdout, p.Stderr)
	}
	return nil
}

// readStdout copies the child's output into Stdout, reporting the address
// once, and keeps draining it so the child never blocks on a full pipe.
func (p *Process) readStdout(r io.Reader, base chan<- string) {
	sc := bufio.NewScanner(r)
	sent := false
	for sc.Scan() {
		p.Stdout.Write(append(sc.Bytes(), '\n'))
		if m := listening.FindSubmatch(sc.Bytes()); m != nil && !sent {
			base <- string(m[1])
			sent = true
		}
	}
	io.Copy(io.Discard, r)
}

// WaitStdout waits up to d for the process to have printed substr and
// returns all it printed so far, e.g. the whole start-up banner.
func (p *Process) WaitStdout(substr string, d time.Duration) (string, error) {
	deadline := time.Now().Add(d)
	for {
		out := p.Stdout.String()
		if strings.Contains(out, substr) {
			return out, nil
		}
		select {
		case <-p.exited:
			return out, fmt.Errorf("stubproc: the stub exited without printing %q", substr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return out, fmt.Errorf("stubproc: the stub printed no %q within %v", substr, d)
		}
	}
}

// PID is the process id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Signal sends sig to the process.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Exited is closed when the process has ended.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Wait waits up to d for the process to end and returns its exit code.
func (p *Process) Wait(d time.Duration) (int, error) {
	select {
	case <-p.exited:
		if p.err != nil {
			if ee, ok := p.err.(*exec.ExitError); ok {
				return ee.ExitCode(), nil
			}
			return -1, p.err
		}
		return 0, nil
	case <-time.After(d):
		return -1, fmt.Errorf("stubproc: still running after %v", d)
	}
}

// Buffer is a bytes.Buffer safe for the concurrent writes of a child's
// output and the reads of a test.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Reset empties the buffer.
func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}
