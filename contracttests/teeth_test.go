package contracttests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/fakeclock"
	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server"
)

// A mutant is the stub with one defect injected: a middleware around it,
// as an http.Handler, that spoils its answers or its reading of requests
// in one way, knowing nothing of the stub's insides. The suite must fail
// on every mutant, naming the defect, or it could not tell a broken server
// from a good one.
type mutant struct {
	wrap func(http.Handler) http.Handler
	// want is a phrase the failing suite's output must contain.
	want string
	// fixedMiss marks a defect that only the generated cases find: the
	// fixed cases alone must pass against it, which shows what the
	// generated ones add.
	fixedMiss bool
	// needs are the facts of the contract the defect relies on to be one
	// (none for a defect against HTTP or the stub's own promises). Where a
	// fact no longer holds, the mutant changes nothing the suite sees, or
	// something else, and the suite would take the blame for missing it;
	// TestSuiteHasTeeth checks them first and blames the mutant.
	needs []fact
}

// mutants are the defects TestSuiteHasTeeth plants, by name. Built at
// test time, not at package init: err names a value of the contract they
// probe that it no longer has (a specGap), and fails only that test.
func mutants() (ms map[string]mutant, err error) {
	defer catchSpecGap(&err)
	// The valid values the mutants put in place of ones the contract
	// refuses: the properties' examples ("" when there is none, which a
	// fact of the mutant reports).
	locale, userName := stringExample("locale"), stringExample("userName")
	return map[string]mutant{
		"resultCode a number": {wrap: rewriteJSON(http.StatusOK, func(m map[string]any) {
			if rc, ok := m["resultCode"].(string); ok {
				m["resultCode"] = len(rc)
			}
		}), want: "resultCode", needs: []fact{answerString(opApplyToken, http.StatusOK, "resultCode")}},
		"exceptionInfo missing": {wrap: rewriteJSON(http.StatusForbidden, func(m map[string]any) { delete(m, "exceptionInfo") }), want: "exceptionInfo"},
		"422 for a bad body": {wrap: rewriteStatus(http.StatusBadRequest, http.StatusUnprocessableEntity), want: "status is not supported",
			needs: []fact{undocumented(http.StatusUnprocessableEntity)}},
		"WWW-Authenticate dropped": {wrap: dropHeader("WWW-Authenticate"), want: "WWW-Authenticate"},
		"long userId accepted": {wrap: editBody(func(m map[string]any) bool {
			id, ok := m["userId"].(string)
			if ok && len(id) > userIDMaxLength() {
				m["userId"] = id[:userIDMaxLength()]
			}
			return ok && len(id) > userIDMaxLength()
		}), want: "status 200; want 400"},
		"Cache-Control dropped": {wrap: dropHeader("Cache-Control"), want: "Cache-Control"},
		"Allow dropped on 405":  {wrap: dropHeader("Allow"), want: "Allow"},

		// Bounds.
		"userId counted in bytes": {wrap: editBody(func(m map[string]any) bool {
			id, ok := m["userId"].(string)
			if ok && len(id) > userIDMaxLength() {
				m["userId"] = strings.Repeat("u", userIDMaxLength()+1) // refused, as if bytes were characters
			}
			return ok && len(id) > userIDMaxLength()
		}), want: fmt.Sprintf("userId maxLength: %d characters", userIDMaxLength()), fixedMiss: true},
		"X-Token-Expire maximum+1 accepted": {wrap: editHeader(func(r *http.Request) {
			if _, max, _ := expireBounds(); r.Header.Get("X-Token-Expire") == strconv.FormatInt(max+1, 10) {
				r.Header.Set("X-Token-Expire", strconv.FormatInt(max, 10))
			}
		}), want: fmt.Sprintf("X-Token-Expire maximum+1: %d: status 200; want 400", expireMax()+1), fixedMiss: true},
		"X-Token-Expire minimum refused": {wrap: editHeader(func(r *http.Request) {
			if min, _, _ := expireBounds(); r.Header.Get("X-Token-Expire") == strconv.FormatInt(min, 10) {
				r.Header.Set("X-Token-Expire", strconv.FormatInt(min-1, 10))
			}
		}), want: fmt.Sprintf("X-Token-Expire minimum: %d: status 400; want 200", expireMin())}, // the fixed 200 case asks for the minimum too
		"userName capped at 255 characters": {wrap: editBody(func(m map[string]any) bool {
			name, ok := m["userName"].(string)
			if ok && len([]rune(name)) > 255 {
				m["userName"] = "" // refused
			}
			return ok && len([]rune(name)) > 255
		}), want: "userName no maxLength: 4096 characters", fixedMiss: true,
			needs: []fact{withoutMaxLength("userName"), takingLong("userName"), refusing("userName", "")}},

		// Patterns.
		"locale in upper case accepted": {wrap: editBody(func(m map[string]any) bool {
			l, ok := m["locale"].(string)
			if ok {
				m["locale"] = strings.ToLower(l)
			}
			return ok && l != strings.ToLower(l)
		}), want: "(upper case) refused: status 200; want 400", fixedMiss: true,
			needs: []fact{localeCaseMatters()}},
		"locale of 4 letters accepted": {wrap: editBody(func(m map[string]any) bool {
			l, ok := m["locale"].(string)
			four := ok && len(l) == 4 && strings.Trim(l, "abcdefghijklmnopqrstuvwxyz") == ""
			if four {
				m["locale"] = l[:3]
			}
			return four
		}), want: "(grown to 4) refused: status 200; want 400", fixedMiss: true,
			needs: []fact{localeGrownTo3Not4()}},

		// Required, null, types, unknown properties.
		"locale not required": {wrap: editBody(func(m map[string]any) bool {
			_, ok := m["locale"]
			if !ok {
				m["locale"] = locale
			}
			return !ok && m["userId"] != nil
		}), want: "locale missing (required=true): status 200; want 400", fixedMiss: true,
			needs: []fact{required("locale"), takesItsExample("locale")}},
		"userName null accepted": {wrap: editBody(func(m map[string]any) bool {
			v, ok := m["userName"]
			if ok && v == nil {
				m["userName"] = userName
			}
			return ok && v == nil
		}), want: "userName null (nullable=false): status 200; want 400", fixedMiss: true,
			needs: []fact{notNullable("userName"), takesItsExample("userName")}},
		"userId a number accepted": {wrap: editBody(func(m map[string]any) bool {
			n, ok := m["userId"].(json.Number)
			if ok {
				m["userId"] = n.String()
			}
			return ok
		}), want: "userId of the wrong type: an integer: status 200; want 400", fixedMiss: true,
			needs: []fact{ofType("userId", rules.TypeString), taking("userId", fmt.Sprint(jsonTypeValue(rules.TypeInteger)))}}, // the generated cases' integer, as a string
		"unknown property refused": {wrap: editBody(func(m map[string]any) bool {
			for k := range m {
				if !knownProperty[k] {
					m["userId"], m["app_key"] = "", "" // refused
					return true
				}
			}
			return false
		}), want: "unknown property"},

		// Media types.
		"missing Content-Type taken for JSON": {wrap: editHeader(func(r *http.Request) {
			if r.Header.Get("Content-Type") == "" {
				r.Header.Set("Content-Type", "application/json")
			}
		}), want: "Content-Type missing: status 200; want 400", fixedMiss: true,
			needs: []fact{jsonBodiesOnly()}},

		// What an error says.
		"request echoed in a 400": {wrap: echoBody(http.StatusBadRequest), want: "body repeats what the caller sent", fixedMiss: true},
		"path echoed in a header": {wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Path", r.URL.Path)
				next.ServeHTTP(w, r)
			})
		}, want: "header X-Request-Path repeats what the caller sent", fixedMiss: true},

		// Redirects: the contract documents no 3xx, and the client follows none.
		"every request redirected (307)": {wrap: redirectAll, want: "status 307; want 200"},

		// Tokens.
		"ccmessaging-token accepted as an AccessToken": {wrap: acceptTokens(func(tk *tokenLog, token string) bool { return tk.messaging[token] }),
			want: "messaging token as AccessToken"},
		"expired AccessToken accepted": {wrap: acceptTokens(func(tk *tokenLog, token string) bool { return tk.access[token] }),
			want: "AccessToken past its lifetime", fixedMiss: true},
		"signature not checked": {wrap: acceptTokens(func(tk *tokenLog, token string) bool { return len(token) == tk.accessLen }),
			want: "AccessToken with one character changed"},
	}, nil
}

// knownProperty holds the properties of both request bodies.
var knownProperty = func() map[string]bool {
	known := map[string]bool{}
	for _, op := range openapi.Operations() {
		for name := range op.Body.Schema.Properties {
			known[name] = true
		}
	}
	return known
}()

func expireMin() int64 { min, _, _ := expireBounds(); return min }
func expireMax() int64 { _, max, _ := expireBounds(); return max }

// A fact is what a mutant relies on the contract to say: says puts it in
// words ("userName without a maxLength"), and check returns "" while the
// contract says it, else what the contract says instead ("maxLength
// 255"). Each is read from the contract as gen/contract holds it, so that
// a vendor change that breaks a mutant's assumption fails by naming it.
type fact struct {
	says  string
	check func() string
}

// checkFacts fails t, naming the mutant and the fact, when the contract no
// longer says what the mutant relies on. It fails rather than skips: a
// mutant that has lost its footing must be updated or dropped.
func checkFacts(t *testing.T, name string, m mutant) {
	t.Helper()
	for _, f := range m.needs {
		if now := f.check(); now != "" {
			t.Fatalf("mutant %q needs %s; the contract now has %s: update the mutant or drop it", name, f.says, now)
		}
	}
}

// requestProperty is the named property of applyToken's body, or nil.
func requestProperty(name string) *rules.Schema {
	b := openapi.Operation(opApplyToken).Body
	if b == nil || b.Schema == nil {
		return nil
	}
	return b.Schema.Property(name)
}

// stringExample is the example of applyToken's body property name, when
// it is a string; "" otherwise.
func stringExample(name string) string {
	var v string
	if p := requestProperty(name); p != nil {
		json.Unmarshal([]byte(p.Example), &v)
	}
	return v
}

// propertyFact is a fact about applyToken's body property name: check
// gets the property and returns "" while the fact holds, else what the
// property is instead.
func propertyFact(name, says string, check func(p *rules.Schema) string) fact {
	return fact{says: says, check: func() string {
		p := requestProperty(name)
		if p == nil {
			return "no property " + name + " in " + opApplyToken + "'s body"
		}
		return check(p)
	}}
}

func withoutMaxLength(name string) fact {
	return propertyFact(name, name+" without a maxLength", func(p *rules.Schema) string {
		if p.MaxLength != nil {
			return fmt.Sprintf("maxLength %d", *p.MaxLength)
		}
		return ""
	})
}

func required(name string) fact {
	return propertyFact(name, name+" required", func(*rules.Schema) string {
		if r := openapi.Operation(opApplyToken).Body.Schema.Required; !slices.Contains(r, name) {
			return fmt.Sprintf("%s optional (required: %v)", name, r)
		}
		return ""
	})
}

func notNullable(name string) fact {
	return propertyFact(name, name+" not nullable", func(p *rules.Schema) string {
		if p.Nullable {
			return name + " nullable"
		}
		return ""
	})
}

func ofType(name string, typ rules.Type) fact {
	return propertyFact(name, fmt.Sprintf("%s as %v", name, typ), func(p *rules.Schema) string {
		if p.Type != typ {
			return fmt.Sprintf("%s as %v", name, p.Type)
		}
		return ""
	})
}

// taking is the fact that name's schema takes v.
func taking(name, v string) fact {
	return propertyFact(name, fmt.Sprintf("%s taking %q", name, v), func(p *rules.Schema) string {
		if vs := p.CheckValue(name, v); len(vs) > 0 {
			return fmt.Sprintf("%s refusing it (%s)", name, vs[0].Reason)
		}
		return ""
	})
}

// jsonTypeValue is the value of type t the generated cases send
// (jsonTypes).
func jsonTypeValue(t rules.Type) any {
	for _, w := range jsonTypes {
		if w.t == t {
			return w.value
		}
	}
	panic(fmt.Sprintf("jsonTypes has no %v", t))
}

// refusing is the fact that name's schema refuses v.
func refusing(name, v string) fact {
	return propertyFact(name, fmt.Sprintf("%s refusing %q", name, v), func(p *rules.Schema) string {
		if len(p.CheckValue(name, v)) == 0 {
			return name + " taking it"
		}
		return ""
	})
}

// takingLong is the fact that name's schema takes the long value of the
// generated case "no maxLength": 4096 of one two-byte character of wide.
func takingLong(name string) fact {
	return propertyFact(name, name+" taking 4096 two-byte characters (the generated case \"no maxLength\")", func(p *rules.Schema) string {
		for _, r := range wide {
			if utf8.RuneLen(r) != 2 {
				continue
			}
			if vs := p.CheckValue(name, strings.Repeat(string(r), 4096)); len(vs) > 0 {
				return fmt.Sprintf("%s refusing 4096 of %q (%s)", name, r, vs[0].Reason)
			}
		}
		return ""
	})
}

// takesItsExample is the fact that name has a string example its schema
// takes: the valid value a mutant puts in place of a refused one.
func takesItsExample(name string) fact {
	return propertyFact(name, name+" with a string example it takes", func(p *rules.Schema) string {
		ex := stringExample(name)
		if ex == "" {
			return fmt.Sprintf("%s with the example %q", name, p.Example)
		}
		if vs := p.CheckValue(name, ex); len(vs) > 0 {
			return fmt.Sprintf("%s refusing its example %q (%s)", name, ex, vs[0].Reason)
		}
		return ""
	})
}

// localeCaseMatters is what "locale in upper case accepted" relies on: the
// generated cases put locale's example in upper case, which the contract
// refuses, and the mutant's lower case of it the contract takes.
func localeCaseMatters() fact {
	return propertyFact("locale", "locale refusing its example in upper case and taking that in lower case", func(p *rules.Schema) string {
		ex := stringExample("locale")
		upper := strings.ToUpper(ex)
		switch {
		case upper == ex:
			return fmt.Sprintf("locale's example %s, which has no upper case", p.Example)
		case len(p.CheckValue("locale", upper)) == 0:
			return fmt.Sprintf("locale taking %q", upper)
		}
		if vs := p.CheckValue("locale", strings.ToLower(upper)); len(vs) > 0 {
			return fmt.Sprintf("locale refusing %q (%s)", strings.ToLower(upper), vs[0].Reason)
		}
		return ""
	})
}

// localeGrownTo3Not4 is what "locale of 4 letters accepted" relies on: the
// generated cases grow locale's example by its last letter, and where the
// verdict changes is the case the mutant spoils; it cuts 4 lower-case
// letters to 3, so the contract must take the example grown to 3 letters
// and refuse it grown to 4.
func localeGrownTo3Not4() fact {
	return propertyFact("locale", "locale taking its example grown to 3 lower-case letters and refusing it grown to 4", func(p *rules.Schema) string {
		ex := stringExample("locale")
		if ex == "" || len(ex) > 3 || strings.Trim(ex, "abcdefghijklmnopqrstuvwxyz") != "" {
			return fmt.Sprintf("locale's example %s, not 1 to 3 lower-case letters", p.Example)
		}
		last := ex[len(ex)-1:]
		three, four := ex+strings.Repeat(last, 3-len(ex)), ex+strings.Repeat(last, 4-len(ex))
		if vs := p.CheckValue("locale", three); len(vs) > 0 {
			return fmt.Sprintf("locale refusing %q (%s)", three, vs[0].Reason)
		}
		if len(p.CheckValue("locale", four)) == 0 {
			return fmt.Sprintf("locale taking %q", four)
		}
		return ""
	})
}

// answerString is the fact that op's documented answer with status has a
// string property name, which the suite checks the answer against.
func answerString(op string, status int, name string) fact {
	return fact{says: fmt.Sprintf("%s as a string in %s's %d answer", name, op, status), check: func() string {
		s := answerSchema(op, status)
		switch {
		case s == nil:
			return fmt.Sprintf("no schema of %s's %d answer that the mutant knows", op, status)
		case s.Property(name) == nil:
			return fmt.Sprintf("no property %s in %s", name, s.Name)
		case s.Property(name).Type != rules.TypeString:
			return fmt.Sprintf("%s as %v", name, s.Property(name).Type)
		}
		return ""
	}}
}

// answerSchema is the component schema of op's documented answer with
// status, or nil.
func answerSchema(op string, status int) *rules.Schema {
	r := openapi.Operation(op).Response(status)
	for _, s := range []*rules.Schema{contract.AccessTokenResultSchema, contract.ApplyTokenResultSchema, contract.ErrorSchema} {
		if r != nil && s.Name == r.Schema {
			return s
		}
	}
	return nil
}

// undocumented is the fact that no operation documents an answer with
// status, so that the suite refuses one.
func undocumented(status int) fact {
	return fact{says: fmt.Sprintf("no operation documenting %d", status), check: func() string {
		for _, op := range openapi.Operations() {
			if op.Response(status) != nil {
				return fmt.Sprintf("%s documenting %d", op.ID, status)
			}
		}
		return ""
	}}
}

// jsonBodiesOnly is what "missing Content-Type taken for JSON" relies on:
// every request body is application/json, and none is */*, which would
// take a body without a Content-Type.
func jsonBodiesOnly() fact {
	return fact{says: "every request body of application/json and none of */*", check: func() string {
		for _, op := range openapi.Operations() {
			if op.Body == nil || !slices.Contains(op.Body.ContentTypes, "application/json") || slices.Contains(op.Body.ContentTypes, "*/*") {
				var cts []string
				if op.Body != nil {
					cts = op.Body.ContentTypes
				}
				return fmt.Sprintf("%s's body of %q", op.ID, cts)
			}
		}
		return ""
	}}
}

const (
	mutantEnv    = "APPLYTOKEN_CONTRACTTESTS_MUTANT"
	fixedOnlyEnv = "APPLYTOKEN_CONTRACTTESTS_FIXED_ONLY"
)

// TestSuiteHasTeeth runs the suite against each mutant in a child process
// (this same test, with the mutant named in the environment) and insists
// that it fails, naming the defect; for a mutant only the generated cases
// find, it also runs the fixed cases alone against it and insists that
// they pass. First it checks the facts of the contract each mutant relies
// on, so that a spec change that leaves a mutant without them fails by
// naming the mutant and the fact, not the suite.
func TestSuiteHasTeeth(t *testing.T) {
	if name := os.Getenv(mutantEnv); name != "" {
		runMutant(t, name, os.Getenv(fixedOnlyEnv) != "")
		return
	}
	all, err := mutants()
	if err != nil {
		t.Fatal(err)
	}
	missed := 0
	for name, m := range all {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkFacts(t, name, m)
			out, err := runChild(t, name, false)
			if err == nil {
				t.Fatalf("the suite passed against the mutant %q; it must fail\n%s", name, out)
			}
			if !bytes.Contains(out, []byte(m.want)) {
				t.Fatalf("the suite failed against %q but never mentioned %q:\n%s", name, m.want, out)
			}
		})
		if m.fixedMiss {
			missed++
			t.Run(name+"/fixed cases alone miss it", func(t *testing.T) {
				t.Parallel()
				checkFacts(t, name, m)
				if out, err := runChild(t, name, true); err != nil {
					t.Fatalf("the fixed cases alone fail against %q; mark it fixedMiss only if they pass (%v)\n%s", name, err, out)
				}
			})
		}
	}
	if missed == 0 {
		t.Error("no mutant is marked fixedMiss: nothing shows what the generated cases add")
	}
}

func runChild(t *testing.T, name string, fixedOnly bool) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSuiteHasTeeth$", "-test.v")
	cmd.Env = append(os.Environ(), mutantEnv+"="+name)
	if fixedOnly {
		cmd.Env = append(cmd.Env, fixedOnlyEnv+"=1")
	}
	return cmd.CombinedOutput()
}

// runMutant is the child side of TestSuiteHasTeeth: the suite against one
// mutant of a stub on a clock of its own, with a second stub as the peer.
func runMutant(t *testing.T, name string, fixedOnly bool) {
	all, err := mutants()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := all[name]
	if !ok {
		t.Fatalf("no mutant %q", name)
	}
	clock := fakeclock.New(time.Now().Truncate(time.Second))
	cfg := server.DefaultConfig()
	cfg.Now = clock.Now
	cfg.Logger = slog.New(slog.DiscardHandler)
	stub, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	peerCfg := server.DefaultConfig()
	peerCfg.Logger = cfg.Logger
	peer, err := server.New(peerCfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.wrap(stub))
	defer srv.Close()
	peerSrv := httptest.NewServer(peer)
	defer peerSrv.Close()
	runServer(t, Target{
		BaseURL: srv.URL, AppKey: "demo-app-key", AppSecret: "demo-app-secret",
		ChannelID: "demo-channel", DisabledChannelID: "disabled-channel",
		FailNext: stub.FailNext, Advance: func(d time.Duration) error { clock.Advance(d); return nil }, PeerURL: peerSrv.URL,
	}, fixedOnly)
}

// rewriteJSON edits the JSON body of answers with the given status.
func rewriteJSON(status int, edit func(map[string]any)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			var m map[string]any
			if rec.Code == status && json.Unmarshal(body, &m) == nil {
				edit(m)
				body, _ = json.Marshal(m)
			}
			copyAnswer(w, rec.Header(), rec.Code, body)
		})
	}
}

// rewriteStatus answers to instead of from.
func rewriteStatus(from, to int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			code := rec.Code
			if code == from {
				code = to
			}
			copyAnswer(w, rec.Header(), code, rec.Body.Bytes())
		})
	}
}

// editBody lets edit change a JSON object body before the stub reads it
// (numbers as json.Number); edit reports whether it changed anything, so
// that other bodies reach the stub byte for byte.
func editBody(edit func(m map[string]any) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			data, _ := io.ReadAll(r.Body)
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			var m map[string]any
			if dec.Decode(&m) == nil && m != nil && edit(m) {
				data, _ = json.Marshal(m)
			}
			r.Body = io.NopCloser(bytes.NewReader(data))
			r.ContentLength = int64(len(data))
			next.ServeHTTP(w, r)
		})
	}
}

// editHeader lets edit change a request's header before the stub reads it.
func editHeader(edit func(r *http.Request)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			edit(r)
			next.ServeHTTP(w, r)
		})
	}
}

// echoBody puts the request's body into exceptionInfo of answers with
// status, as a server "helpfully" quoting what it refused would.
func echoBody(status int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			data, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(data))
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			var m map[string]any
			if rec.Code == status && json.Unmarshal(body, &m) == nil {
				m["exceptionInfo"] = "invalid request: " + string(data)
				body, _ = json.Marshal(m)
			}
			copyAnswer(w, rec.Header(), rec.Code, body)
		})
	}
}

// tokenLog is what acceptTokens saw the stub issue.
type tokenLog struct {
	mu        sync.Mutex
	access    map[string]bool // AccessTokens from tokenByAkSk
	messaging map[string]bool // ccmessaging-tokens from applyToken
	accessLen int
}

// acceptTokens turns the stub's 403 into its answer with a fresh
// AccessToken whenever take says the refused token should pass: a
// server that accepts tokens it should not.
func acceptTokens(take func(tk *tokenLog, token string) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		tk := &tokenLog{access: map[string]bool{}, messaging: map[string]bool{}}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			data, _ := io.ReadAll(r.Body)
			serve := func() *httptest.ResponseRecorder {
				r.Body = io.NopCloser(bytes.NewReader(data))
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				return rec
			}
			rec := serve()
			token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			tk.mu.Lock()
			retry := rec.Code == http.StatusForbidden && take(tk, token)
			tk.mu.Unlock()
			if retry {
				r.Header.Set("Authorization", "Bearer "+freshAccessToken(next))
				rec = serve()
			}
			var answer struct{ AccessToken, Token string }
			if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &answer) == nil {
				tk.mu.Lock()
				if answer.AccessToken != "" {
					tk.access[answer.AccessToken] = true
					tk.accessLen = len(answer.AccessToken)
				}
				if answer.Token != "" {
					tk.messaging[answer.Token] = true
				}
				tk.mu.Unlock()
			}
			copyAnswer(w, rec.Header(), rec.Code, rec.Body.Bytes())
		})
	}
}

// freshAccessToken asks the stub behind a mutant for an AccessToken of
// the demo app.
func freshAccessToken(stub http.Handler) string {
	req := httptest.NewRequest(http.MethodPost, pathOf(opTokenByAkSk), strings.NewReader(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	stub.ServeHTTP(rec, req)
	var r struct{ AccessToken string }
	json.Unmarshal(rec.Body.Bytes(), &r)
	return r.AccessToken
}

func copyAnswer(w http.ResponseWriter, h http.Header, code int, body []byte) {
	for k, vs := range h {
		w.Header()[k] = vs
	}
	w.Header().Del("Content-Length") // the body may have changed
	w.WriteHeader(code)
	w.Write(body)
}

// redirectAll answers every request with a 307 to the same request under
// /moved, where the stub answers it: a server that a client following
// redirects would take for a good one.
func redirectAll(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/moved/"); ok {
			r.URL.Path, r.URL.RawPath = "/"+rest, ""
			next.ServeHTTP(w, r)
			return
		}
		http.Redirect(w, r, "/moved"+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})
}

// dropHeader removes one header from every answer.
func dropHeader(name string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(headerDropper{ResponseWriter: w, name: name}, r)
		})
	}
}

type headerDropper struct {
	http.ResponseWriter
	name string
}

func (d headerDropper) WriteHeader(code int) {
	d.Header().Del(d.name)
	d.ResponseWriter.WriteHeader(code)
}

func (d headerDropper) Write(b []byte) (int, error) {
	d.Header().Del(d.name)
	return d.ResponseWriter.Write(b)
}
