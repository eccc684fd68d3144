package readme

import (
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/client"
)

// checkFaultsSession arms the README's faults on a stub started with
// -controls, holds the refusal to the README's output, and shows through
// the client that each fault does what the README says, in order.
func checkFaultsSession(t *testing.T, w *world, cmds []string) {
	p := w.startCommand(t, t.TempDir(), cmds[0])
	arms, refused := cmds[1:len(cmds)-1], cmds[len(cmds)-1]
	for _, c := range arms {
		c = strings.ReplaceAll(c, readmeBase, p.base)
		out, errOut, err := w.shell(t, t.TempDir(), c+` -w '%{http_code}'`)
		if err != nil || out != "204" {
			t.Errorf("%s: %v, status %q %s", c, err, out, errOut)
		}
	}
	c := strings.ReplaceAll(refused, readmeBase, p.base)
	out, errOut, err := w.shell(t, t.TempDir(), c)
	if want := w.output(t, "a refused fault"); err != nil || strings.TrimSpace(out) != strings.TrimSpace(want) {
		t.Errorf("%s: %v, printed %q %s; the README shows %q", c, err, out, errOut, want)
	}

	cl, err := client.New(p.base, client.WithCredentials("demo-app-key", "demo-app-secret"),
		client.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	req := client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "demo-channel", Locale: "en"}
	var ae *client.APIError
	for _, want := range []struct {
		what  string
		late  bool
		check func(error) bool
	}{
		{"a reset as it asks for its AccessToken", false, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }},
		{"a token, 1.5 s late", true, func(err error) bool { return err == nil }},
		{"client.ErrServer, 1.5 s late", true, func(err error) bool { return errors.Is(err, client.ErrServer) }},
		{"an *APIError with status 200 and io.ErrUnexpectedEOF", false, func(err error) bool {
			return errors.As(err, &ae) && ae.StatusCode == 200 && errors.Is(err, io.ErrUnexpectedEOF)
		}},
		{"an *APIError with status 200 and a malformed body", false, func(err error) bool {
			return errors.As(err, &ae) && ae.StatusCode == 200 && strings.Contains(err.Error(), "malformed body")
		}},
		{"a token", false, func(err error) bool { return err == nil }},
	} {
		start := time.Now()
		_, err := cl.ApplyToken(context.Background(), req)
		took := time.Since(start)
		if !want.check(err) || want.late != (took >= 1500*time.Millisecond) {
			t.Errorf("ApplyToken gave %v after %v; the README says %s", err, took, want.what)
		}
	}
}

var (
	dateHeader     = regexp.MustCompile(`(?m)^Date: .*$`)
	rotatedHeader  = regexp.MustCompile(`(?m)^Ccmessaging-Token: [A-Za-z0-9_-]+$`)
	laterCallStart = "APPLYTOKEN_MESSAGING_TOKEN_LIFETIME=4m applytoken-stub -controls"
)

// checkLaterCallSession runs the README's later-call session against a
// stub started as it says, and compares what it prints with the README's
// output, the date and the new token aside.
func checkLaterCallSession(t *testing.T, w *world, cmds []string) {
	if cmds[0] != laterCallStart {
		t.Fatalf("the session starts the stub with %q; the check knows %q", cmds[0], laterCallStart)
	}
	p := w.startCommand(t, t.TempDir(), cmds[0])
	script := strings.ReplaceAll(strings.Join(cmds[1:], "\n"), readmeBase, p.base)
	out, errOut, err := w.shell(t, t.TempDir(), script)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	norm := func(s string) string {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = dateHeader.ReplaceAllString(s, "Date: DATE")
		return strings.TrimSpace(rotatedHeader.ReplaceAllString(s, "Ccmessaging-Token: TOKEN"))
	}
	got := norm(out)
	if !rotatedHeader.MatchString(strings.ReplaceAll(out, "\r\n", "\n")) {
		t.Errorf("the first later call carries no new ccmessaging-token:\n%s", out)
	}
	if want := norm(w.output(t, "the later-call session")); got != want {
		t.Errorf("the later-call session printed\n%s\nthe README shows\n%s", got, want)
	}
}
