package readme

import (
	"strings"
	"testing"
)

// checkClientSession runs "Check your own client": the stub as the README
// starts it, on a free port; the curls as one shell session; the journal
// they print must hold the README's entry. Stopped with SIGINT, the stub
// must print the README's summary and exit 3. Started again and given
// only the valid request, it must exit 0.
func checkClientSession(t *testing.T, w *world, cmds []string) {
	p := w.startCommand(t, t.TempDir(), cmds[0])
	script := strings.ReplaceAll(strings.Join(cmds[1:], "\n"), readmeBase, p.base)
	out, errOut, err := w.shell(t, t.TempDir(), script)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	if want := strings.TrimSpace(w.output(t, "a journal entry")); !strings.Contains(out, want) {
		t.Errorf("GET /_stub/requests holds no\n%s\nit answered\n%s", want, out)
	}
	if code := p.exitCode(t); code != 3 {
		t.Errorf("the stub that saw bad requests exited %d; want 3", code)
	}
	if got, want := p.stderr.String(), w.output(t, "-fail-on-violation"); !strings.Contains(got, want) {
		t.Errorf("the stub printed on stop\n%s\nthe README shows\n%s", got, want)
	}

	q := w.startCommand(t, t.TempDir(), cmds[0])
	if out, errOut, err := w.shell(t, t.TempDir(), strings.ReplaceAll(cmds[1], readmeBase, q.base)+` && test -n "$TOKEN"`); err != nil {
		t.Fatalf("%s: %v\n%s%s", cmds[1], err, out, errOut)
	}
	if code := q.exitCode(t); code != 0 {
		t.Errorf("the stub that saw only a valid request exited %d; want 0\n%s", code, q.stderr)
	}
}

// exitCode stops p as Ctrl-C would and returns its exit status.
func (p *process) exitCode(t *testing.T) int {
	p.stop(t)
	return p.cmd.ProcessState.ExitCode()
}
