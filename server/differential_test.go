package server

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oapi-codegen/runtime"

	"github.com/aicc-kit/applytoken/gen"
	"github.com/aicc-kit/applytoken/internal/battery"
	"github.com/aicc-kit/applytoken/internal/stubproc"
	"github.com/aicc-kit/applytoken/openapi"
)

// The compiled validator must answer every request exactly as kinValidator,
// the oracle, does: the same verdict in the same words, and, for a request
// both accept, the same values bound for the operation. Two levels prove it:
//
//   - the validators alone, side by side on one request (diffValidators);
//   - two whole Stubs, one running each validator, on one request: status,
//     headers, body and access log compared (diffStubs). This also holds
//     dispatch to the generated mux, wrapper and strict handler it stands
//     in for, and answer.go to the Visit methods it stands in for.
//
// The inputs: a table generated from the contract's own rules (diffCases),
// every case of the malformed-input battery, a deterministic random walk
// over mutated bodies, and FuzzCompiledMatchesKin.

// diffRequest is one request to one operation: a raw header block, so
// that names, values, duplicates and absences are all the fuzzer's, and a
// body.
type diffRequest struct {
	op     operation
	header http.Header
	body   []byte
}

func (d diffRequest) String() string {
	return fmt.Sprintf("%s header=%q body=%q", d.op, d.header, clipForLog(d.body))
}

func clipForLog(b []byte) []byte {
	if len(b) > 300 {
		return append(b[:300:300], "..."...)
	}
	return b
}

func (d diffRequest) path() string {
	if d.op == opTokenByAkSk {
		return openapi.TokenByAkSkPath
	}
	return openapi.ApplyTokenPath
}

// request builds d as net/http would hand it to the Stub once readBody has
// read it: Body reads the same bytes.
func (d diffRequest) request() *http.Request {
	r := httptest.NewRequest(http.MethodPost, d.path(), bytes.NewReader(d.body))
	r.Header = d.header.Clone()
	if r.Header == nil {
		r.Header = http.Header{}
	}
	return r
}

// diffHeader parses "Name: value" lines, names canonicalised as net/http
// does on receipt; a line "Name:" gives an empty value, "Name" (no colon)
// a name with no values, which only an in-process caller can send.
func diffHeader(block string) http.Header {
	h := http.Header{}
	for line := range strings.SplitSeq(block, "\n") {
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = http.CanonicalHeaderKey(name)
		if !ok {
			if _, seen := h[name]; !seen {
				h[name] = []string{}
			}
			continue
		}
		h[name] = append(h[name], strings.TrimPrefix(value, " "))
	}
	return h
}

// diffValidatorsUnder returns the Stub's compiled validator, whose oracle
// is kin-openapi, failing t when an operation of the contract was not
// compiled (there would be nothing to compare).
func diffValidatorsUnder(t testing.TB) *compiledValidator {
	t.Helper()
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	v := s.validator.(*compiledValidator)
	for op, err := range v.refused {
		t.Fatalf("the contract's %s did not compile: %v", op, err)
	}
	return v
}

// diffValidators runs both validators on d and reports how they differ, or
// "" when they agree.
func diffValidators(t testing.TB, v *compiledValidator, d diffRequest) string {
	var in input
	bound, got := v.validateBytes(d.request().Header, d.op, d.body, &in)
	kr := d.request()
	want := v.oracle.validate(kr, d.op, d.body)
	if errText(got) != errText(want) {
		return fmt.Sprintf("compiled says %q, kin-openapi %q", errText(got), errText(want))
	}
	if want != nil {
		return ""
	}
	if !bound {
		return "compiled accepted without binding"
	}
	// What the generated strict handler binds after kin-openapi.
	switch d.op {
	case opApplyToken:
		var body gen.ApplyTokenRequest
		if err := runtime.BindJSONBody(kr, &body); err != nil {
			return fmt.Sprintf("the generated binding failed: %v", err)
		}
		if body != in.apply {
			return fmt.Sprintf("bound %+v; the generated code binds %+v", in.apply, body)
		}
	case opTokenByAkSk:
		var body gen.AccessTokenRequest
		if err := runtime.BindJSONBody(kr, &body); err != nil {
			return fmt.Sprintf("the generated binding failed: %v", err)
		}
		if body != in.creds {
			return fmt.Sprintf("bound %+v; the generated code binds %+v", in.creds, body)
		}
		var want *int32
		if vals := kr.Header[expireHeader]; len(vals) == 1 {
			var n int32
			err := runtime.BindStyledParameterWithOptions("simple", "X-Token-Expire", vals[0], &n, runtime.BindStyledParameterOptions{
				ParamLocation: runtime.ParamLocationHeader, Type: "integer", Format: "int32"})
			if err != nil {
				return fmt.Sprintf("the generated binding of X-Token-Expire failed: %v", err)
			}
			want = &n
		} else if len(vals) > 1 {
			return "" // the generated wrapper refuses it; diffStubs compares that
		}
		if got := in.params.XTokenExpire; (got == nil) != (want == nil) || (got != nil && *got != *want) {
			return fmt.Sprintf("bound X-Token-Expire %v; the generated code binds %v", deref(got), deref(want))
		}
	}
	return ""
}

func deref(p *int32) any {
	if p == nil {
		return nil
	}
	return *p
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// diffPair is two Stubs alike in all but their validator, on one clock and
// one signing key, each logging into its own buffer.
type diffPair struct {
	fast, kin       *Stub
	fastLog, kinLog *stubproc.Buffer
	access          string
}

func newDiffPair(t testing.TB) *diffPair {
	t.Helper()
	p := &diffPair{fastLog: &stubproc.Buffer{}, kinLog: &stubproc.Buffer{}}
	now := time.Unix(1_800_000_000, 0)
	build := func(log io.Writer) *Stub {
		cfg := DefaultConfig()
		cfg.SigningKey = bytes.Repeat([]byte{9}, 32)
		cfg.Now = func() time.Time { return now }
		cfg.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug,
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{} // the wall clock, not the Stub's
				}
				return a
			}}))
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	p.fast, p.kin = build(p.fastLog), build(p.kinLog)
	p.kin.validator = p.kin.validator.(*compiledValidator).oracle
	p.access = p.fast.signer.issue(purposeAccess, demoKey, accessSubject, now.Add(time.Hour))
	return p
}

// tokenText is a token in an answer, which a fresh nonce makes differ
// between any two answers; durations differ between any two log lines.
var (
	tokenText    = regexp.MustCompile(`"(token|AccessToken)":"[A-Za-z0-9_-]+"`)
	durationText = regexp.MustCompile(`duration=\S+`)
)

// diffStubs sends d, with the demo app's live credentials when it goes to
// applyToken, to both Stubs and reports how the answers differ.
func diffStubs(p *diffPair, d diffRequest) string {
	type answer struct {
		status int
		header http.Header
		body   string
		log    string
	}
	run := func(s *Stub, log *stubproc.Buffer) answer {
		r := d.request()
		if d.op == opApplyToken {
			r.Header.Set("X-App-Key", demoKey)
			r.Header.Set("Authorization", "Bearer "+p.access)
		}
		log.Reset()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		return answer{
			status: rec.Code,
			header: rec.Header(),
			body:   tokenText.ReplaceAllString(rec.Body.String(), `"$1":"…"`),
			log:    durationText.ReplaceAllString(log.String(), "duration=…"),
		}
	}
	got, want := run(p.fast, p.fastLog), run(p.kin, p.kinLog)
	switch {
	case got.status != want.status:
		return fmt.Sprintf("status %d; kin-openapi's stub answers %d (%s)", got.status, want.status, want.body)
	case !reflect.DeepEqual(got.header, want.header):
		return fmt.Sprintf("headers %v; kin-openapi's stub sends %v", got.header, want.header)
	case got.body != want.body:
		return fmt.Sprintf("body %s; kin-openapi's stub sends %s", got.body, want.body)
	case got.log != want.log:
		return fmt.Sprintf("log %q; kin-openapi's stub logs %q", got.log, want.log)
	}
	return ""
}

// TestCompiledMatchesKin runs both comparisons over the generated table and
// a seeded random walk of mutated bodies.
func TestCompiledMatchesKin(t *testing.T) {
	v := diffValidatorsUnder(t)
	p := newDiffPair(t)
	cases := diffCases()
	walk := diffWalk(rand.New(rand.NewPCG(7, 11)), 3000)
	accepted := 0
	for i, d := range append(cases, walk...) {
		if msg := diffValidators(t, v, d); msg != "" {
			t.Errorf("case %d: %s\n  %s", i, msg, d)
		}
		if msg := diffStubs(p, d); msg != "" {
			t.Errorf("case %d (whole stub): %s\n  %s", i, msg, d)
		}
		if err := v.oracle.validate(d.request(), d.op, d.body); err == nil {
			accepted++
		}
		if t.Failed() && i > 50 {
			t.FailNow()
		}
	}
	t.Logf("%d table cases and %d random mutations agree (%d accepted by both)", len(cases), len(walk), accepted)
}

// TestCompiledMatchesKinOnBattery runs both comparisons over every case of
// the malformed-input battery that reaches validation: a POST to a path of
// the contract.
func TestCompiledMatchesKinOnBattery(t *testing.T) {
	v := diffValidatorsUnder(t)
	p := newDiffPair(t)
	n := 0
	for _, c := range battery.Cases() {
		op, ok := operationByID(c.Operation)
		if !ok || c.Method != http.MethodPost || (c.Path != openapi.ApplyTokenPath && c.Path != openapi.TokenByAkSkPath) {
			continue
		}
		h := http.Header{}
		for name, vals := range c.Header {
			for _, val := range vals {
				h.Add(name, strings.ReplaceAll(val, battery.AccessTokenPlaceholder, p.access))
			}
		}
		d := diffRequest{op: op, header: h, body: c.Body}
		if len(d.body) <= maxBody {
			if msg := diffValidators(t, v, d); msg != "" {
				t.Errorf("%s: %s", c.Name, msg)
			}
		}
		if msg := diffStubs(p, d); msg != "" {
			t.Errorf("%s (whole stub): %s", c.Name, msg)
		}
		n++
	}
	if n < 100 {
		t.Errorf("only %d battery cases reach validation", n)
	}
	t.Logf("%d of the battery's %d cases reach validation; compiled and kin-openapi agree on all", n, len(battery.Cases()))
}

// TestDifferentialCatchesMutants: the comparison has teeth. Each mutant
// validator gets one rule of the contract wrong, and the table must show
// it.
func TestDifferentialCatchesMutants(t *testing.T) {
	cases := diffCases()
	for name, mutate := range map[string]func(*compiledValidator){
		"userId one longer":        func(v *compiledValidator) { v.ops[opApplyToken].body.props[2].maxLen++ },
		"userName may be empty":    func(v *compiledValidator) { v.ops[opApplyToken].body.props[3].minLen = 0 },
		"locale without a pattern": func(v *compiledValidator) { v.ops[opApplyToken].body.props[1].pattern = nil },
		"locale not required":      func(v *compiledValidator) { v.ops[opApplyToken].body.needed = v.ops[opApplyToken].body.needed[:3] },
		"properties out of order": func(v *compiledValidator) {
			p := v.ops[opApplyToken].body.props
			p[0].mismatch, p[3].mismatch = p[3].mismatch, p[0].mismatch
		},
		"text/plain taken for JSON": func(v *compiledValidator) {
			v.ops[opTokenByAkSk].body.fastTypes = append(v.ops[opTokenByAkSk].body.fastTypes, "text/plain")
		},
		"X-Token-Expire from 59": func(v *compiledValidator) {
			v.ops[opTokenByAkSk].headers[0].min = new(float64(59))
		},
		"X-Token-Expire to 86401": func(v *compiledValidator) {
			v.ops[opTokenByAkSk].headers[0].max = new(float64(86401))
		},
		"X-Token-Expire required": func(v *compiledValidator) { v.ops[opTokenByAkSk].headers[0].required = true },
		"body optional":           func(v *compiledValidator) { v.ops[opTokenByAkSk].body.required = false },
		"app_key bound as app_secret": func(v *compiledValidator) {
			v.ops[opTokenByAkSk].body.props[0].field = v.ops[opTokenByAkSk].body.props[1].field
		},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := New(DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			v := s.validator.(*compiledValidator)
			mutate(v)
			for _, d := range cases {
				if diffValidators(t, v, d) != "" {
					return
				}
			}
			t.Errorf("no case tells the mutant from kin-openapi")
		})
	}
}

// FuzzCompiledMatchesKin: for any header block and body, to either
// operation, both comparisons agree. Its seeds are the generated table and
// the inputs of earlier runs in testdata/fuzz/FuzzCompiledMatchesKin.
// Bodies are kept under 8 KiB, since the fuzzer minimises every new input
// it keeps and a long one takes minutes; longer bodies, to the cap and past
// encoding/json's nesting limit, are the table's and the battery's.
func FuzzCompiledMatchesKin(f *testing.F) {
	for _, d := range diffCases() {
		f.Add(byte(d.op), diffHeaderBlock(d.header), d.body)
	}
	v := diffValidatorsUnder(f)
	p := newDiffPair(f)
	f.Fuzz(func(t *testing.T, op byte, header string, body []byte) {
		if len(body) > 8<<10 {
			return
		}
		d := diffRequest{op: opTokenByAkSk, header: diffHeader(header), body: body}
		if op%2 == 0 {
			d.op = opApplyToken
		}
		if msg := diffValidators(t, v, d); msg != "" {
			t.Fatalf("%s\n  %s", msg, d)
		}
		if msg := diffStubs(p, d); msg != "" {
			t.Fatalf("whole stub: %s\n  %s", msg, d)
		}
	})
}

func diffHeaderBlock(h http.Header) string {
	var b strings.Builder
	for name, vals := range h {
		if len(vals) == 0 {
			b.WriteString(name + "\n")
		}
		for _, v := range vals {
			b.WriteString(name + ": " + v + "\n")
		}
	}
	return b.String()
}

// The table. Bodies are built from a valid one by editing a member's raw
// JSON text, so that every JSON type, every bound and every spelling the
// scanner reads is tried on every property.

var diffValidBodies = map[operation][][2]string{ // name, raw value, in order
	opApplyToken:  {{"userId", `"user-0001"`}, {"userName", `"Alice"`}, {"channelId", `"demo-channel"`}, {"locale", `"en"`}},
	opTokenByAkSk: {{"app_key", `"demo-app-key"`}, {"app_secret", `"demo-app-secret"`}},
}

// diffBody writes members in order, each as name and raw value; a raw
// name is written as it is (it may carry escapes).
func diffBody(members [][2]string) []byte {
	var b strings.Builder
	b.WriteString("{")
	for i, m := range members {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"` + m[0] + `":` + m[1])
	}
	b.WriteString("}")
	return []byte(b.String())
}

func withMember(members [][2]string, name, raw string) [][2]string {
	out := [][2]string{}
	done := false
	for _, m := range members {
		if m[0] == name {
			if !done && raw != "" {
				out = append(out, [2]string{name, raw})
			}
			done = true
			continue
		}
		out = append(out, m)
	}
	if !done && raw != "" {
		out = append(out, [2]string{name, raw})
	}
	return out
}

// diffValues are raw JSON values (and some that are not JSON) to put
// where a property's value goes.
func diffValues() []string {
	q := func(s string) string { return `"` + s + `"` }
	vals := []string{
		`null`, `true`, `false`, `0`, `-1`, `1.5`, `1e400`, `-0`, `[]`, `{}`, `["a"]`, `{"a":"b"}`,
		q(""), q("a"), q(" "), q("0"), q(`\u0041`), q(`\ud83d\ude00`), q(`\ud800`), q(`\udc00`), q(`\ud800\u0041`),
		q(`\ud800\udbff`), q(`\u0000`), q(`\/\\\"\b\f\n\r\t`), q("\u2028"), q("é"), q("\xff"), q("\xed\xa0\x80"),
		q("a\xffb"), q("\xc3"), q("\U0001F600"), q("<&>"), q("\x00"), q("\t"), q("\x7f"),
		q(`\x`), q(`\u12`), q(`\u12G4`), q(`\'`), `"unterminated`, `tru`, `nul`, `NULL`, `01`, `-`, `1.`, `.5`, `1e`,
		`+1`, `0x1`, `"a""b"`, `"a" "b"`,
		// locale's pattern and its edges
		q("en"), q("fil"), q("EN"), q("e"), q("engl"), q("en-US"), q("en\n"), q("\nen"), q("éé"), q("zz"), q(`e\u006e`), q("ab "),
	}
	for _, n := range []int{1, 31, 32, 33, 64} {
		vals = append(vals, q(strings.Repeat("u", n)), q(strings.Repeat("é", n)), q(strings.Repeat("\U0001F600", n)),
			q(strings.Repeat(`\u00e9`, n)), q(strings.Repeat("\xff", n)))
	}
	return vals
}

func diffCases() []diffRequest {
	var out []diffRequest
	json := http.Header{"Content-Type": {"application/json"}}
	add := func(op operation, h http.Header, body []byte) {
		out = append(out, diffRequest{op: op, header: h, body: body})
	}
	for _, op := range []operation{opApplyToken, opTokenByAkSk} {
		valid := diffValidBodies[op]
		base := diffBody(valid)
		add(op, json, base)
		// Every value at every property, and the property left out.
		for _, m := range valid {
			add(op, json, diffBody(withMember(valid, m[0], "")))
			for _, raw := range diffValues() {
				add(op, json, diffBody(withMember(valid, m[0], raw)))
			}
			// Duplicates: the last one counts, whatever came before.
			add(op, json, diffBody(append(slicesClone(valid), [2]string{m[0], `7`})))
			add(op, json, diffBody(append([][2]string{{m[0], `7`}}, valid...)))
			add(op, json, diffBody(append([][2]string{{m[0], `null`}}, valid...)))
			add(op, json, diffBody(append(slicesClone(valid), [2]string{m[0], `""`})))
			// Names: escaped, in other case, with a space.
			esc := strings.Replace(m[0], "e", `\u0065`, 1)
			for _, name := range []string{esc, strings.ToUpper(m[0]), strings.ToLower(m[0]), m[0] + " ", " " + m[0], m[0] + "\xff"} {
				add(op, json, diffBody(append(withMember(valid, m[0], ""), [2]string{name, m[1]})))
				add(op, json, diffBody(append(slicesClone(valid), [2]string{name, `7`})))
			}
		}
		// Unknown members of every kind, numbers of every spelling.
		for _, raw := range append(diffValues(), `[1,[2,[3,{"a":[]}]]]`, `{"a":{"b":{"c":null}}}`, `[,]`, `[1,]`, `{"a":1,}`, `{"a"}`, `{1:2}`,
			`1E5`, `1.5e-3`, `-01`, `00`, `0.0e+00`, `123456789012345678901234567890`, `1_000`, `1_`, `0_1`, `1e_1`, `1._5`, `--1`, `Infinity`, `NaN`) {
			add(op, json, diffBody(append(slicesClone(valid), [2]string{"extra", raw})))
		}
		// Nesting at encoding/json's limit: the object itself is level 1.
		for _, depth := range []int{9998, 9999, 10000, 10001} {
			nested := strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1)
			add(op, json, diffBody(append(slicesClone(valid), [2]string{"deep", nested})))
			add(op, json, []byte(strings.Repeat("[", depth)+strings.Repeat("]", depth)))
		}
		// The whole body: other JSON, white space, trailing data, prefixes.
		for _, body := range []string{"", " ", "\n\t\r ", "null", "true", "7", `"x"`, "[]", "{}", "[" + string(base) + "]",
			"\ufeff" + string(base), " \n" + string(base) + "\n ", "\f" + string(base), "\u00a0" + string(base),
			`{"a":1}x`, "null x", "7x", "01", "-", "[1,2", "{", `{"`, `{"a"`, `{"a":`, `{,}`, "nul", "tru"} {
			add(op, json, []byte(body))
		}
		for _, tail := range []string{" ", "\n", "x", "{}", ",", "\x00", " }", "]", `"`, "null", "\u00a0"} {
			add(op, json, append(slicesClone(base), tail...))
			add(op, json, append([]byte(`{"userId":7}`), tail...))
		}
		for i := range base {
			add(op, json, base[:i])
			for _, c := range []byte{'"', '\\', '{', '}', ',', ':', ' ', 'x', '0', 0, 0xff} {
				mut := slicesClone(base)
				mut[i] = c
				add(op, json, mut)
			}
			add(op, json, append(slicesClone(base[:i]), base[i+1:]...))
		}
		// Content types, with a valid body and with a bad one.
		for _, ct := range diffContentTypes() {
			h := http.Header{"Content-Type": {ct}}
			add(op, h, base)
			add(op, h, []byte("not json"))
			add(op, h, nil)
		}
		add(op, http.Header{}, base)
		add(op, http.Header{"Content-Type": {"text/plain", "application/json"}}, base)
		add(op, http.Header{"Content-Type": {"application/json", "text/plain"}}, base)
		add(op, http.Header{"Content-Type": {}}, base)
	}
	// X-Token-Expire: every spelling, repeated, empty, absent.
	creds := diffBody(diffValidBodies[opTokenByAkSk])
	for _, v := range []string{"", "60", "59", "86400", "86401", "600", "+600", "-600", "0600", " 600", "600 ", "6e2",
		"600.0", "0x258", "2147483647", "2147483648", "-2147483649", "9223372036854775808", "９", "600,700", "1_000", "0"} {
		h := http.Header{"Content-Type": {"application/json"}, "X-Token-Expire": {v}}
		out = append(out, diffRequest{op: opTokenByAkSk, header: h, body: creds},
			diffRequest{op: opTokenByAkSk, header: h, body: []byte("{")})
	}
	for _, vals := range [][]string{{"600", "700"}, {"59", "600"}, {"", "600"}, {"600", ""}, {}, {"600", "600", "600"}} {
		h := http.Header{"Content-Type": {"application/json"}, "X-Token-Expire": vals}
		out = append(out, diffRequest{op: opTokenByAkSk, header: h, body: creds},
			diffRequest{op: opTokenByAkSk, header: h, body: []byte(`{"app_key":7}`)})
	}
	return out
}

func diffContentTypes() []string {
	return []string{"", "application/json", "APPLICATION/JSON", "Application/Json", "application/json; charset=UTF-8",
		"application/json;charset=utf-8", "application/json ; charset=utf-8", " application/json ", "application/json;",
		"application/json ; x=y", "application/json; charset=latin-1", "application/jsonx", "application/x-json", "text/json",
		"application/problem+json", "application/merge-patch+json", "application/json-patch+json", "*/*", "application/*",
		"application/json, text/plain", "text/plain, application/json", "application", "/json", "application/json/x",
		"appl\u0130cation/json", "application/json\u00a0", "\u0085application/json", "appl\x00ication/json",
		"application/json\xff", "\xffapplication/json", "multipart/form-data", "text/plain", "application/xml"}
}

// diffWalk returns n requests whose bodies are valid ones after a few
// random edits: bytes swapped for JSON's structural characters, escapes,
// bytes outside ASCII, members duplicated or dropped.
func diffWalk(rng *rand.Rand, n int) []diffRequest {
	alphabet := []string{`"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, ` `, `0`, `-`, `e`, `.`, `x`, `\u00e9`, `\ud800`, "\xff", "é",
		"\x00", "\n", `null`, `"userId"`, `"locale"`, `"app_key"`, `"en"`, `""`, `7`}
	out := make([]diffRequest, 0, n)
	for range n {
		op := opApplyToken
		if rng.IntN(3) == 0 {
			op = opTokenByAkSk
		}
		b := diffBody(diffValidBodies[op])
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(b) + 1)
			switch rng.IntN(3) {
			case 0: // insert
				b = append(b[:i:i], append([]byte(alphabet[rng.IntN(len(alphabet))]), b[i:]...)...)
			case 1: // replace
				if i < len(b) {
					b = append(b[:i:i], append([]byte(alphabet[rng.IntN(len(alphabet))]), b[i+1:]...)...)
				}
			case 2: // delete a run
				j := min(len(b), i+1+rng.IntN(4))
				b = append(b[:i:i], b[j:]...)
			}
		}
		out = append(out, diffRequest{op: op, header: http.Header{"Content-Type": {"application/json"}}, body: b})
	}
	return out
}

func slicesClone[S ~[]E, E any](s S) S { return append(S(nil), s...) }
