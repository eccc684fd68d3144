package readme

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aicc-kit/applytoken/client"
	"github.com/aicc-kit/applytoken/openapi"
)

// check proves one README command, or a whole sh block that only makes
// sense as a session, the way how says.
type check struct {
	how string
	run func(t *testing.T, w *world, cmds []string)
}

// checks is keyed by a command exactly as the README writes it (comments
// and extra blanks dropped), or by all the commands of one sh block joined
// by newlines.
var checks = map[string]check{
	"make run":  {"run here, on a free port; its banner and the curl session it prints are compared with the README", checkMakeRun},
	"make test": {"the command .ci/run runs", ciRuns},

	"make docs":          {"reached from `make test` (check-generated)", makeTestRuns},
	"make browser-test":  {"reached from `make test`", makeTestRuns},
	"make generate":      {"reached from `make test` (check-generated)", makeTestRuns},
	"make lint-spec":     {"reached from `make test`", makeTestRuns},
	"make breaking":      {"reached from `make test`", makeTestRuns},
	"make drill":         {"long-running, on demand: make -n must accept it (`go test ./...` runs its fast form)", onDemand("")},
	"make fuzz":          {"long-running, on demand: make -n must accept it (`go test ./...` runs its seeds)", onDemand("")},
	"make soak":          {"long-running, on demand: make -n must accept it", onDemand("")},
	"make bench":         {"long-running, on demand: make -n must accept it, and `make test` must reach bench-smoke", onDemand("bench-smoke")},
	"go test ./openapi/": {"run here, in the checkout", runInCheckout("ok  \tgithub.com/aicc-kit/applytoken/openapi")},

	"go doc github.com/aicc-kit/applytoken/client": {"run here, in the checkout", runInCheckout("package client")},

	"go get github.com/aicc-kit/applytoken/client@latest": {
		"run in a module of your own, against the checkout served as " + releaseVersion, checkGoGet},
	"go get github.com/aicc-kit/applytoken/server/servertest@latest": {
		"run in a module of your own, against the checkout served as " + releaseVersion, checkGoGet},
	"go get github.com/aicc-kit/applytoken/contracttests@latest": {
		"run in a module of your own, against the checkout served as " + releaseVersion, checkGoGet},
	"AICC_BASE_URL=http://127.0.0.1:8080 AICC_APP_KEY=demo-app-key AICC_APP_SECRET=demo-app-secret go run .": {
		"run in a module of your own (main.go from the README) against a running stub", checkGoRun},

	"go install github.com/aicc-kit/applytoken/cmd/applytoken-stub@latest": {
		"run in a module of your own, against the checkout served as " + releaseVersion, checkGoInstall},
	"applytoken-stub -h": {"run; every flag it lists must be in the README", checkHelp("applytoken-stub")},

	"applytoken-stub -config stub.yaml -addr 127.0.0.1:9090": {
		"started on a free port with the README's stub.yaml; its banner must show the file's app", checkStubConfig},
	"APPLYTOKEN_APP_KEY=my-app APPLYTOKEN_APP_SECRET=my-app-secret APPLYTOKEN_CHANNELS=sales,legacy=disabled applytoken-stub": {
		"started on a free port; its banner must show the app and channel from the environment", checkStubEnv},

	"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout stub.key -out stub.crt\n" +
		"applytoken-stub -tls-cert stub.crt -tls-key stub.key\n" +
		"curl -sS --cacert stub.crt https://127.0.0.1:8080/healthz": {
		"run as a session: the certificate made, the stub started with it on a free port, curl trusting it", checkTLSSession},

	"applytoken-stub -controls\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/fail-next -d '{"op":"applyToken","status":500}'` + "\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/channel -d '{"id":"sales","enabled":false}'` + "\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/advance -d '{"by":"90s"}'`: {
		"run as a session against a stub on a free port, each control answering 204; the client then sees the 500 and the disabled channel", checkControlsSession},

	"applytoken-stub -controls\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/fail-next -d '{"op":"tokenByAkSk","fault":"reset"}'` + "\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/fail-next -d '{"op":"applyToken","delay":"1.5s"}'` + "\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/fail-next -d '{"op":"applyToken","delay":"1.5s","status":500}'` + "\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/fail-next -d '{"op":"applyToken","fault":"truncate"}'` + "\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/fail-next -d '{"op":"applyToken","fault":"malformed"}'` + "\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/fail-next -d '{"op":"applyToken","fault":"slow"}'`: {
		"run as a session against a stub on a free port: each fault armed (204), the last refused as the README shows; the client's next calls then meet each fault in turn, with its timing", checkFaultsSession},

	laterCallStart + "\n" +
		`TOKEN=$(curl -sS http://127.0.0.1:8080/apigovernance/api/oauth/tokenByAkSk -H 'Content-Type: application/json' -d '{"app_key":"demo-app-key","app_secret":"demo-app-secret"}' | sed -n 's/.*"AccessToken":"\([^"]*\)".*/\1/p')` + "\n" +
		`MTOKEN=$(curl -sS http://127.0.0.1:8080/apiaccess/ccmessaging/applyToken -H 'x-app-key: demo-app-key' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"userId":"user-0001","userName":"Alice","channelId":"demo-channel","locale":"en"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')` + "\n" +
		`curl -sS -i -X POST http://127.0.0.1:8080/_stub/later-call -H 'x-app-key: demo-app-key' -H "Authorization: Bearer $TOKEN" -H "ccmessaging-token: $MTOKEN"` + "\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/later-call -H 'x-app-key: demo-app-key' -H "Authorization: Bearer $TOKEN" -H 'ccmessaging-token: forged'` + "\n" +
		`curl -sS -X POST http://127.0.0.1:8080/_stub/later-call -H 'x-app-key: demo-app-key' -H 'Authorization: Bearer forged' -H "ccmessaging-token: $MTOKEN"`: {
		"run as a session against a stub started as it says, on a free port; the output compared with the README's, the date and the new token aside", checkLaterCallSession},

	"applytoken-stub -controls -fail-on-violation\n" +
		`TOKEN=$(curl -sS http://127.0.0.1:8080/apigovernance/api/oauth/tokenByAkSk -H 'Content-Type: application/json' -d '{"app_key":"demo-app-key","app_secret":"demo-app-secret"}' | sed -n 's/.*"AccessToken":"\([^"]*\)".*/\1/p')` + "\n" +
		`curl -sS http://127.0.0.1:8080/apiaccess/ccmessaging/applyToken -H 'x-app-key: demo-app-key' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"userId":"user-0001","userName":"Alice","channelId":"demo-channel","locale":"English"}'` + "\n" +
		`curl -sS http://127.0.0.1:8080/apiaccess/ccmessaging/applyToken -H 'x-app-key: demo-app-key' -H 'Content-Type: application/json' -d '{"userId":"user-0001","userName":"Alice","channelId":"demo-channel","locale":"en"}'` + "\n" +
		"curl -sS http://127.0.0.1:8080/_stub/requests": {
		"run as a session against a stub on a free port: the journal must hold the README's entry; stopped with SIGINT it must print the README's summary and exit 3, and exit 0 after the valid request alone", checkClientSession},

	"APPLYTOKEN_TARGET_URL=https://my-server.example APPLYTOKEN_APP_KEY=my-app APPLYTOKEN_APP_SECRET=my-app-secret APPLYTOKEN_CHANNEL_ID=sales APPLYTOKEN_DISABLED_CHANNEL_ID=legacy APPLYTOKEN_FAIL_NEXT_URL=https://my-server.example/_stub/fail-next APPLYTOKEN_ADVANCE_URL=https://my-server.example/_stub/advance APPLYTOKEN_PEER_URL=https://my-server-2.example go test ./contracttests -run Server -v": {
		"the recipe of conformance-env, reached from `make test`, runs it with every one of these variables set", recipeRuns("conformance-env")},

	"go install github.com/aicc-kit/applytoken/cmd/applytoken@latest\n" +
		"applytoken -h\n" +
		"export AICC_APP_KEY=demo-app-key AICC_APP_SECRET=demo-app-secret\n" +
		"applytoken -base http://127.0.0.1:8080 -user-id user-0001 -user-name Alice -channel-id demo-channel -locale en\n" +
		"applytoken -base http://127.0.0.1:8080 -user-id user-0001 -user-name Alice -channel-id demo-channel -locale en -json": {
		"installed in a module of your own; -h checked against the README; the rest run as a session against a stub, output compared", checkCLISession},

	"cp openapi/applytoken.yaml openapi/baseline/applytoken.yaml": {
		"run in a scratch copy of the two files: afterwards the baseline is the spec", checkRelease},

	"applytoken-stub -version\napplytoken -version": {
		"run from `go install ...@latest` of the checkout served as " + releaseVersion + "; output compared", checkVersions},
}

func TestEveryCommandIsProved(t *testing.T) {
	w := newWorld(t)
	t.Cleanup(w.removeAll)

	var units [][]string // each a single command or a session block
	for _, b := range w.blocks {
		switch b.lang {
		case "sh":
		case "go", "yaml":
			if !strings.HasPrefix(b.marker, "file ") {
				t.Errorf("README.md:%d: a %s block needs <!-- readme-check: file NAME --> so that it is compiled or loaded", b.line, b.lang)
			}
			continue
		default:
			continue
		}
		cmds, err := commands(b.body)
		if err != nil {
			t.Fatalf("README.md:%d: %v", b.line, err)
		}
		if _, ok := checks[strings.Join(cmds, "\n")]; ok && len(cmds) > 1 {
			units = append(units, cmds)
			continue
		}
		for _, c := range cmds {
			units = append(units, []string{c})
		}
	}

	done := map[string]bool{}
	for _, unit := range units {
		key := strings.Join(unit, "\n")
		c, ok := checks[key]
		if !ok {
			t.Errorf("README command %q has no check: add it to checks in internal/readme/readme_test.go, with how it is proved", key)
			continue
		}
		if done[key] {
			continue // the README may show a command twice
		}
		done[key] = true
		t.Run(name(unit), func(t *testing.T) {
			t.Logf("%s: %s", strings.ReplaceAll(key, "\n", "; "), c.how)
			c.run(t, w, unit)
		})
	}
	for key := range checks {
		if !done[key] {
			t.Errorf("checks has %q, which the README no longer shows: remove it", key)
		}
	}
	t.Run("Go blocks", func(t *testing.T) {
		t.Log("the README's Go files, in a module of your own: vetted, and their tests run against the stub")
		checkGoBlocks(t, w)
	})
	for _, b := range w.blocks {
		if m := b.marker; m != "" && !strings.HasPrefix(m, "file ") && !usedMarkers[m] {
			t.Errorf("README.md:%d: no check reads <!-- readme-check: %s -->", b.line, m)
		}
	}
}

// usedMarkers lists the output markers the checks compare.
var usedMarkers = map[string]bool{
	"output of make run":                 true,
	"output of the printed curl session": true,
	"output of the applytoken commands":  true,
	"output of the -version commands":    true,
	"output of a journal entry":          true,
	"output of -fail-on-violation":       true,
	"output of a refused fault":          true,
	"output of the later-call session":   true,
}

func name(unit []string) string {
	n := unit[0]
	if len(unit) > 1 {
		n += " (session)"
	}
	if len(n) > 60 {
		n = n[:60]
	}
	return n
}

// ---- Proofs that make test runs a command ----

func ciRuns(t *testing.T, w *world, cmds []string) {
	ci := readFile(t, filepath.Join(w.root, ".ci", "run"))
	if !slices.Contains(strings.Split(ci, "\n"), cmds[0]) {
		t.Errorf(".ci/run has no line %q", cmds[0])
	}
}

func makeTestRuns(t *testing.T, w *world, cmds []string) {
	target, ok := strings.CutPrefix(cmds[0], "make ")
	if !ok || strings.Contains(target, " ") {
		t.Fatalf("%q is not `make TARGET`", cmds[0])
	}
	if !slices.Contains(w.makefile.reachable("test"), target) {
		t.Errorf("`make test` does not reach %s (it reaches %v)", target, w.makefile.reachable("test"))
	}
}

// onDemand is for the long-running targets that make test leaves out: the
// target must exist and make must accept it (make -n runs nothing), and
// make test must reach its quick variant, smoke, if it has one.
func onDemand(smoke string) func(*testing.T, *world, []string) {
	return func(t *testing.T, w *world, cmds []string) {
		target := strings.TrimPrefix(cmds[0], "make ")
		if slices.Contains(w.makefile.reachable("test"), target) {
			t.Logf("`make test` reaches %s", target)
			return
		}
		if !w.makefile.has(target) {
			t.Fatalf("the Makefile has no target %s", target)
		}
		if smoke != "" && !slices.Contains(w.makefile.reachable("test"), smoke) {
			t.Errorf("`make test` does not reach %s, the quick variant of %s", smoke, target)
		}
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		c := exec.CommandContext(ctx, "make", "-n", target)
		c.Dir, c.Env = w.root, cleanEnv()
		if out, err := c.CombinedOutput(); err != nil {
			t.Errorf("make -n %s: %v\n%s", target, err, out)
		}
		t.Logf("NOT RUN here or by `make test`: %s is long-running; make -n accepts it", cmds[0])
	}
}

// recipeRuns: a recipe line of target, which make test reaches, runs the
// command's program with its arguments in order (others may come between)
// and sets every variable the command sets; the values are the README's
// placeholders.
func recipeRuns(target string) func(*testing.T, *world, []string) {
	return func(t *testing.T, w *world, cmds []string) {
		if !slices.Contains(w.makefile.reachable("test"), target) {
			t.Fatalf("`make test` does not reach %s", target)
		}
		words, err := shellWords(cmds[0])
		if err != nil {
			t.Fatal(err)
		}
		env, argv := splitEnv(words)
		if argv[0] == "go" {
			argv[0] = "$(GO)"
		}
		for _, line := range w.makefile.recipes[target] {
			fields := strings.Fields(line)
			if !isSubsequence(argv, fields) {
				continue
			}
			for _, kv := range env {
				name, _, _ := strings.Cut(kv, "=")
				if !strings.Contains(line, name+"=") {
					t.Errorf("the recipe of %s runs %q without setting %s", target, strings.Join(argv, " "), name)
				}
			}
			return
		}
		t.Errorf("no recipe line of %s runs %q", target, strings.Join(argv, " "))
	}
}

func isSubsequence(sub, seq []string) bool {
	i := 0
	for _, s := range seq {
		if i < len(sub) && s == sub[i] {
			i++
		}
	}
	return i == len(sub)
}

// ---- Commands run here ----

func runInCheckout(want string) func(*testing.T, *world, []string) {
	return func(t *testing.T, w *world, cmds []string) {
		out, errOut, err := w.shell(t, w.root, cmds[0])
		if err != nil {
			t.Fatalf("%s: %v\n%s%s", cmds[0], err, out, errOut)
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s printed no %q:\n%s", cmds[0], want, out)
		}
	}
}

var (
	tokenValue = regexp.MustCompile(`("token":"|token:  )[A-Za-z0-9_-]+`)
	timestamp  = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)
)

// normalize makes a real output comparable with the README's: the base
// URL becomes the README's, tokens and times placeholders.
func normalize(s, base string) string {
	if base != "" {
		s = strings.ReplaceAll(s, base, readmeBase)
	}
	s = tokenValue.ReplaceAllString(s, "${1}TOKEN")
	return timestamp.ReplaceAllString(s, "TIME")
}

// checkMakeRun runs `make run` as the README says, on a free port, and
// holds its banner against the README's, then pastes the printed curl
// session into bash as the README says, and opens /docs.
func checkMakeRun(t *testing.T, w *world, cmds []string) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("no make")
	}
	p := start(t, w.root, nil, []string{"make", "run", "RUN_FLAGS=-addr 127.0.0.1:0"})
	want := w.output(t, "make run")
	if got := normalize(p.banner, p.base); !strings.Contains(got, want) {
		t.Errorf("make run printed\n%s\nthe README shows\n%s", got, want)
	}

	session := p.banner[strings.Index(p.banner, "TOKEN=$(curl"):strings.Index(p.banner, "\nStop with")]
	out, errOut, err := w.shell(t, t.TempDir(), session)
	if err != nil {
		t.Fatalf("the printed curl session: %v\n%s%s", err, out, errOut)
	}
	if got, want := normalize(strings.TrimSpace(out), p.base), normalize(strings.TrimSpace(w.output(t, "the printed curl session")), ""); got != want {
		t.Errorf("the printed curl session printed %q; the README shows %q", got, want)
	}

	resp, err := http.Get(p.base + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /docs: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// checkHelp runs `prog -h` and requires every flag it lists in the README,
// but those that requestFlag says come from the contract.
func checkHelp(prog string) func(*testing.T, *world, []string) {
	return func(t *testing.T, w *world, cmds []string) {
		out, errOut, err := w.shell(t, t.TempDir(), cmds[0])
		if err != nil {
			t.Fatalf("%s: %v\n%s%s", cmds[0], err, out, errOut)
		}
		help := out + errOut
		flags := regexp.MustCompile(`(?m)^\s+-([a-z][a-z-]*)`).FindAllStringSubmatch(help, -1)
		if len(flags) < 3 {
			t.Fatalf("%s listed no flags:\n%s", cmds[0], help)
		}
		for _, f := range flags {
			if prog == "applytoken" && requestFlag(f[1]) {
				continue
			}
			if !strings.Contains(w.readme, "`-"+f[1]) {
				t.Errorf("%s has -%s; the README does not mention it", prog, f[1])
			}
		}
	}
}

// requestFlag reports whether an applytoken flag is one of the request
// properties it makes a flag of (-user-id for userId): the README says
// that rule once, rather than naming each property a vendor change adds.
func requestFlag(flag string) bool {
	for name := range openapi.Operation(openapi.ApplyToken).Body.Schema.Properties {
		if strings.ReplaceAll(flag, "-", "") == strings.ToLower(name) {
			return true
		}
	}
	return false
}

// startCommand starts a README command that runs the stub, on a free
// port: an -addr it gives is replaced, and one is added otherwise.
func (w *world) startCommand(t *testing.T, dir, cmd string, extraEnv ...string) *process {
	t.Helper()
	words, err := shellWords(cmd)
	if err != nil {
		t.Fatal(err)
	}
	env, argv := splitEnv(words)
	if argv[0] != "applytoken-stub" {
		t.Fatalf("%q does not run applytoken-stub", cmd)
	}
	argv[0] = filepath.Join(w.bin(t), "applytoken-stub")
	if i := slices.Index(argv, "-addr"); i >= 0 {
		argv[i+1] = "127.0.0.1:0"
	} else {
		argv = append(argv, "-addr", "127.0.0.1:0")
	}
	return start(t, dir, append(env, extraEnv...), argv)
}

func checkStubConfig(t *testing.T, w *world, cmds []string) {
	dir, _ := w.consumer(t) // holds stub.yaml from the README
	p := w.startCommand(t, dir, cmds[0])
	if !strings.Contains(p.banner, "x-app-key: my-app") || !strings.Contains(p.banner, `"channelId":"sales"`) {
		t.Errorf("the stub started with stub.yaml does not offer app my-app and channel sales:\n%s", p.banner)
	}
}

func checkStubEnv(t *testing.T, w *world, cmds []string) {
	p := w.startCommand(t, t.TempDir(), cmds[0])
	if !strings.Contains(p.banner, "x-app-key: my-app") || !strings.Contains(p.banner, "$APP_SECRET") || strings.Contains(p.banner, "my-app-secret") {
		t.Errorf("the stub started from the environment does not offer app my-app with the secret from $APP_SECRET:\n%s", p.banner)
	}
}

// checkTLSSession: openssl makes the certificate, the stub serves HTTPS
// with it, and curl trusts it.
func checkTLSSession(t *testing.T, w *world, cmds []string) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatalf("no openssl to run %q with", cmds[0])
	}
	dir := t.TempDir()
	if out, errOut, err := w.shell(t, dir, cmds[0]); err != nil {
		t.Fatalf("%s: %v\n%s%s", cmds[0], err, out, errOut)
	}
	p := w.startCommand(t, dir, cmds[1])
	if !strings.HasPrefix(p.base, "https://") {
		t.Fatalf("the stub with -tls-cert listens on %s; want https", p.base)
	}
	curl := strings.ReplaceAll(cmds[2], "https://127.0.0.1:8080", p.base)
	out, errOut, err := w.shell(t, dir, curl)
	if err != nil || strings.TrimSpace(out) != `{"status":"ok"}` {
		t.Errorf("%s: %v, %q %s", curl, err, out, errOut)
	}
}

// checkControlsSession runs the two curls against a stub started with
// -controls, and shows through the client that they took effect.
func checkControlsSession(t *testing.T, w *world, cmds []string) {
	p := w.startCommand(t, t.TempDir(), cmds[0])
	for _, c := range cmds[1:] {
		c = strings.ReplaceAll(c, readmeBase, p.base)
		out, errOut, err := w.shell(t, t.TempDir(), c+` -w '%{http_code}'`)
		if err != nil || out != "204" {
			t.Errorf("%s: %v, status %q %s", c, err, out, errOut)
		}
	}
	c, err := client.New(p.base, client.WithCredentials("demo-app-key", "demo-app-secret"))
	if err != nil {
		t.Fatal(err)
	}
	req := client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "demo-channel", Locale: "en"}
	if _, err := c.ApplyToken(context.Background(), req); !errors.Is(err, client.ErrServer) {
		t.Errorf("after fail-next: %v; want client.ErrServer", err)
	}
	req.ChannelID = "sales"
	var rerr *client.ResultError
	if _, err := c.ApplyToken(context.Background(), req); !errors.As(err, &rerr) {
		t.Errorf("after disabling channel sales: %v; want a *client.ResultError", err)
	}
}

// ---- Commands run in a module of your own ----

func checkGoGet(t *testing.T, w *world, cmds []string) {
	dir, _ := w.consumer(t)
	if err := w.goGets(t)[cmds[0]]; err != nil {
		t.Fatal(err)
	}
	if gomod := readFile(t, filepath.Join(dir, "go.mod")); !strings.Contains(gomod, modulePath+" "+releaseVersion) {
		t.Errorf("after %s, go.mod does not require %s %s:\n%s", cmds[0], modulePath, releaseVersion, gomod)
	}
}

// goGets runs the README's go get commands once, in the README's order,
// in the module of your own; the checks that build in it need them all.
func (w *world) goGets(t *testing.T) map[string]error {
	t.Helper()
	dir, env := w.consumer(t)
	w.goGetOnce.Do(func() {
		w.goGetErrs = map[string]error{}
		for _, cmd := range w.commandsStarting(t, "go get ") {
			if out, errOut, err := w.shell(t, dir, cmd, env...); err != nil {
				w.goGetErrs[cmd] = fmt.Errorf("%s: %v\n%s%s", cmd, err, out, errOut)
			}
		}
	})
	return w.goGetErrs
}

// commandsStarting returns the README's commands that start with prefix.
func (w *world) commandsStarting(t *testing.T, prefix string) []string {
	t.Helper()
	var found []string
	for _, b := range w.blocks {
		if b.lang != "sh" {
			continue
		}
		cmds, err := commands(b.body)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			if strings.HasPrefix(c, prefix) {
				found = append(found, c)
			}
		}
	}
	return found
}

// checkGoRun runs the README's main.go against a stub: the token arrives,
// and the later call carries it (the stub answers send with 404).
func checkGoRun(t *testing.T, w *world, cmds []string) {
	dir, env := w.consumer(t)
	w.goGets(t)
	p := w.startCommand(t, t.TempDir(), "applytoken-stub")
	cmd := strings.ReplaceAll(cmds[0], readmeBase, p.base)
	out, errOut, err := w.shell(t, dir, cmd, env...)
	if err != nil {
		t.Fatalf("%s: %v\n%s%s", cmd, err, out, errOut)
	}
	want := regexp.MustCompile(`^ccmessaging-token expires at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\nsend: 404 Not Found\n$`)
	if !want.MatchString(out) {
		t.Errorf("go run . printed %q; want a match for %s", out, want)
	}
}

// checkGoBlocks vets the module of your own, which holds every Go block
// of the README, and runs its tests: the servertest example, and the
// conformance suite against a stub configured as the example expects.
func checkGoBlocks(t *testing.T, w *world) {
	dir, env := w.consumer(t)
	w.goGets(t)
	configured := []string{"APPLYTOKEN_APP_KEY=my-app", "APPLYTOKEN_APP_SECRET=my-app-secret", "APPLYTOKEN_CHANNELS=sales,legacy=disabled"}
	p := w.startCommand(t, t.TempDir(), "applytoken-stub -controls", configured...)
	peer := w.startCommand(t, t.TempDir(), "applytoken-stub", configured...)
	out, errOut, err := w.shell(t, dir, "go vet ./... && go test -count=1 -v ./...",
		append(env, "MY_SERVER_URL="+p.base, "MY_APP_SECRET=my-app-secret", "MY_PEER_URL="+peer.base)...)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	for _, b := range w.blocks {
		if b.lang != "go" {
			continue
		}
		for _, m := range regexp.MustCompile(`(?m)^func (Test\w+)`).FindAllStringSubmatch(b.body, -1) {
			if !strings.Contains(out, "--- PASS: "+m[1]+" ") {
				t.Errorf("%s did not pass (or did not run):\n%s", m[1], out)
			}
		}
	}
}

// install runs a README go install command once and returns GOBIN.
func (w *world) install(t *testing.T, cmd string) string {
	t.Helper()
	dir, env := w.consumer(t)
	v, _ := w.installs.LoadOrStore(cmd, sync.OnceValue(func() error {
		out, errOut, err := w.shell(t, dir, cmd, env...)
		if err != nil {
			return errors.New(cmd + ": " + err.Error() + "\n" + out + errOut)
		}
		return nil
	}))
	if err := v.(func() error)(); err != nil {
		t.Fatal(err)
	}
	for _, kv := range env {
		if gobin, ok := strings.CutPrefix(kv, "GOBIN="); ok {
			return gobin
		}
	}
	t.Fatal("no GOBIN")
	return ""
}

func checkGoInstall(t *testing.T, w *world, cmds []string) {
	gobin := w.install(t, cmds[0])
	prog := filepath.Base(strings.TrimSuffix(cmds[0], "@latest"))
	if _, err := os.Stat(filepath.Join(gobin, prog)); err != nil {
		t.Errorf("%s installed no %s: %v", cmds[0], prog, err)
	}
}

// checkCLISession installs the CLI, checks -h against the README, then
// runs the rest as one shell session against a stub and compares the
// output with the README's.
func checkCLISession(t *testing.T, w *world, cmds []string) {
	checkGoInstall(t, w, cmds[:1])
	checkHelp("applytoken")(t, w, cmds[1:2])
	p := w.startCommand(t, t.TempDir(), "applytoken-stub")
	script := strings.ReplaceAll(strings.Join(cmds[2:], "\n"), readmeBase, p.base)
	out, errOut, err := w.shell(t, t.TempDir(), script)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	if got, want := normalize(out, p.base), normalize(w.output(t, "the applytoken commands"), ""); got != want {
		t.Errorf("the applytoken commands printed\n%s\nthe README shows\n%s", got, want)
	}
}

func checkVersions(t *testing.T, w *world, cmds []string) {
	gobin := ""
	for _, c := range w.commandsStarting(t, "go install ") {
		gobin = w.install(t, c)
	}
	var got strings.Builder
	for _, c := range cmds {
		words, err := shellWords(c)
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(filepath.Join(gobin, words[0]), words[1:]...).Output()
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		got.Write(out)
	}
	if want := w.output(t, "the -version commands"); got.String() != want {
		t.Errorf("the installed binaries print\n%s\nthe README shows\n%s", got.String(), want)
	}
}

// checkRelease runs the release step on a scratch copy of the two files.
func checkRelease(t *testing.T, w *world, cmds []string) {
	dir := t.TempDir()
	for _, f := range []string{"openapi/applytoken.yaml", "openapi/baseline/applytoken.yaml"} {
		src := filepath.Join(w.root, f)
		dst := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		in, err := os.Open(src)
		if err != nil {
			t.Fatalf("the release step names %s: %v", f, err)
		}
		out, err := os.Create(dst)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(out, in)
		in.Close()
		out.Close()
	}
	if out, errOut, err := w.shell(t, dir, cmds[0]); err != nil {
		t.Fatalf("%s: %v\n%s%s", cmds[0], err, out, errOut)
	}
	if readFile(t, filepath.Join(dir, "openapi/applytoken.yaml")) != readFile(t, filepath.Join(dir, "openapi/baseline/applytoken.yaml")) {
		t.Error("after the release step the baseline is not the spec")
	}
}
