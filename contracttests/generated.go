package contracttests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

// The generated cases. Each is a request built from the spec (gen/contract:
// the operations, their parameters, bodies, security and the component
// schemas) by changing one thing of a valid request, and the status the
// spec and the target's configuration owe it, decided by the status table
// of docs/architecture.md with internal/rules as the reading of each rule.
// Where the generator means a value to sit on one side of a bound, it says
// so, and a rule that reads it otherwise stops the suite: a keyword the
// generator misreads is a bug of the suite, not of the target.

// seedEnv names the environment variable that replays a run's cases.
const seedEnv = "APPLYTOKEN_CONTRACTTESTS_SEED"

// tokenPlaceholder stands, in a generated request, for the AccessToken the
// generated cases share; send puts the live one in its place.
const tokenPlaceholder = "${ACCESS_TOKEN}"

// generator derives cases from the spec for one target. The seed decides
// the free choices (filler characters, multi-byte characters, unknown
// names, the canary); which constraints and bounds are tried does not
// depend on it.
type generator struct {
	seed   uint64
	rng    *rand.Rand
	target Target
	canary string
	out    []serverCase
	err    error
}

func newGenerator(target Target) (*generator, error) {
	seed := rand.Uint64()
	if s := os.Getenv(seedEnv); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("contracttests: %s=%q is not a seed (a decimal uint64)", seedEnv, s)
		}
		seed = n
	}
	g := &generator{seed: seed, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), target: target}
	g.canary = "cnry" + g.letters(12, "abcdefghijklmnopqrstuvwxyz")
	return g, nil
}

// cases returns every generated case, in a fixed order for a given seed.
func (g *generator) cases() ([]serverCase, error) {
	for _, op := range openapi.Operations() {
		base, err := g.valid(op)
		if err != nil {
			return nil, err
		}
		g.bodyCases(base)
		g.paramCases(base)
		g.mediaCases(base)
		g.securityCases(base)
		g.canaryCases(base)
	}
	g.statefulCases()
	return g.out, g.err
}

func (g *generator) fail(format string, args ...any) {
	if g.err == nil {
		g.err = fmt.Errorf("contracttests: "+format, args...)
	}
}

// genRequest is a request to one operation; header values may hold
// tokenPlaceholder.
type genRequest struct {
	op     *openapi.Op
	path   string // op.Path unless set
	header http.Header
	fields map[string]any // the body, as an object; ignored when raw is set
	raw    []byte         // the body, as bytes
	hasRaw bool
}

func (r genRequest) clone() genRequest {
	c := r
	c.header = r.header.Clone()
	c.fields = maps.Clone(r.fields)
	return c
}

func (r genRequest) body() []byte {
	if r.hasRaw {
		return r.raw
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r.fields); err != nil {
		panic(err) // the generator's own values always encode
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func (r genRequest) with(name string, v any) genRequest {
	c := r.clone()
	c.fields[name] = v
	return c
}

func (r genRequest) without(name string) genRequest {
	c := r.clone()
	delete(c.fields, name)
	return c
}

func (r genRequest) withHeader(name string, values ...string) genRequest {
	c := r.clone()
	if values == nil {
		c.header.Del(name)
	} else {
		c.header[http.CanonicalHeaderKey(name)] = values
	}
	return c
}

func (r genRequest) withRaw(body []byte) genRequest {
	c := r.clone()
	c.raw, c.hasRaw = body, true
	return c
}

// send is the case's send: the request with the shared AccessToken in
// place of tokenPlaceholder.
func (r genRequest) send(t *testing.T, h *harness) *exchange {
	t.Helper()
	hdr := http.Header{}
	for k, vs := range r.header {
		for _, v := range vs {
			if strings.Contains(v, tokenPlaceholder) {
				v = strings.ReplaceAll(v, tokenPlaceholder, h.sharedAccessToken(t))
			}
			hdr[k] = append(hdr[k], v)
		}
	}
	path := r.path
	if path == "" {
		path = r.op.Path
	}
	return h.do(t, r.op.Method, path, hdr, r.body())
}

// valid builds op's valid request: each body property from the target's
// configuration where the target decides it (credentials, channel), else
// from the spec's example; the credentials of op's security requirement.
func (g *generator) valid(op *openapi.Op) (genRequest, error) {
	r := genRequest{op: op, header: http.Header{}, fields: map[string]any{}}
	if op.Body == nil || op.Body.Schema == nil || len(op.Body.ContentTypes) == 0 {
		return r, fmt.Errorf("contracttests: %s has no JSON request body; teach the generator", op.ID)
	}
	r.header.Set("Content-Type", op.Body.ContentTypes[0])
	fields, err := exampleFields(op, func(name string) (any, bool) { return g.configured(op.ID, name) })
	if err != nil {
		return r, err
	}
	r.fields = fields
	for _, alt := range op.Security[:min(1, len(op.Security))] {
		for _, sc := range alt {
			switch {
			case sc == contract.SchemeAppKey:
				r.header.Set(sc.Name, g.target.AppKey)
			case sc == contract.SchemeBearerAuth:
				r.header.Set("Authorization", "Bearer "+tokenPlaceholder)
			default:
				return r, fmt.Errorf("contracttests: %s requires security scheme %s, which the generator cannot fill; teach it", op.ID, sc.Key)
			}
		}
	}
	for _, p := range op.Params {
		if p.Required && r.header.Get(p.Name) == "" {
			return r, fmt.Errorf("contracttests: %s requires header %s, which the generator cannot fill; teach it", op.ID, p.Name)
		}
	}
	if status, _ := g.expect(r); status != http.StatusOK {
		return r, fmt.Errorf("contracttests: the generator's valid %s request is owed %d, not 200: a bug of the suite", op.ID, status)
	}
	return r, nil
}

// configured returns the value of a body property that the target's
// configuration decides rather than the spec.
func (g *generator) configured(op, name string) (any, bool) {
	switch {
	case op == opTokenByAkSk && name == "app_key":
		return g.target.AppKey, true
	case op == opTokenByAkSk && name == "app_secret":
		return g.target.AppSecret, true
	case op == opApplyToken && name == "channelId":
		return g.target.ChannelID, true
	}
	return nil, false
}

// exampleFields is op's body as the contract's examples give it: each
// property from set where set has a value for it (what the target
// decides: credentials, channel), else from its example. A required
// property with neither is an error naming it.
func exampleFields(op *openapi.Op, set func(name string) (any, bool)) (map[string]any, error) {
	s := op.Body.Schema
	fields := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		if v, ok := set(name); ok {
			fields[name] = v
			continue
		}
		p := s.Properties[name]
		if p.Example == "" {
			if slices.Contains(s.Required, name) {
				return nil, fmt.Errorf("contracttests: %s.%s has no example to start from; add one to the spec", s.Name, name)
			}
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(p.Example), &v); err != nil {
			return nil, fmt.Errorf("contracttests: %s.%s: example %s: %v", s.Name, name, p.Example, err)
		}
		fields[name] = v
	}
	return fields, nil
}

// expect returns the status the spec and the target's configuration owe
// r, in the order of the status table (docs/architecture.md), and what
// the answer must show beyond its schema.
func (g *generator) expect(r genRequest) (int, func(*testing.T, *harness, *exchange)) {
	op, h, body := r.op, r.header, r.body()
	if r.path != "" && r.path != op.Path {
		return http.StatusNotFound, nil
	}
	if len(op.Security) > 0 {
		if len(op.CheckSecurity(h)) > 0 {
			return http.StatusUnauthorized, bearerChallenge
		}
		for _, s := range op.Security[0] {
			if s == contract.SchemeAppKey && h.Get(s.Name) != g.target.AppKey {
				return http.StatusUnauthorized, bearerChallenge // an app the target does not know
			}
		}
		for _, s := range op.Security[0] {
			if s == contract.SchemeBearerAuth && h.Get("Authorization")[len("Bearer "):] != tokenPlaceholder {
				return http.StatusForbidden, nil // not an AccessToken the target issued
			}
		}
	}
	if op.Body != nil && op.Body.MaxBytes > 0 && int64(len(body)) > op.Body.MaxBytes {
		return http.StatusRequestEntityTooLarge, nil
	}
	if len(op.CheckParams(h))+len(op.CheckBody(h.Get("Content-Type"), body)) > 0 {
		return http.StatusBadRequest, nil
	}
	var fields map[string]any
	if err := json.Unmarshal(body, &fields); err != nil {
		g.fail("%s: a body the rules accept does not decode: %v", op.ID, err)
		return 0, nil
	}
	switch op.ID {
	case opTokenByAkSk:
		if fields["app_key"] != g.target.AppKey || fields["app_secret"] != g.target.AppSecret {
			return http.StatusUnauthorized, nil
		}
		// The lifetime asked for is the lifetime given.
		return http.StatusOK, accessTokenFor(h.Get("X-Token-Expire"))
	case opApplyToken:
		switch fields["channelId"] {
		case g.target.ChannelID:
			return http.StatusOK, messagingToken
		case g.target.DisabledChannelID:
			return http.StatusOK, businessFailure
		}
		return http.StatusInternalServerError, nil
	}
	g.fail("the spec's operation %s is new to the generator; teach it what a valid request gets", op.ID)
	return 0, nil
}

// add appends r as a case named name, owed what expect says.
func (g *generator) add(name string, r genRequest) {
	status, check := g.expect(r)
	g.out = append(g.out, serverCase{op: r.op.ID, status: status, name: name, generated: true, send: r.send, check: check})
}

// addMeant is add for a value meant to pass validation (accepted) or
// not: internal/rules must read it so, or the generator has misread a
// keyword.
func (g *generator) addMeant(name string, r genRequest, accepted bool) {
	vs := append(r.op.CheckParams(r.header), r.op.CheckBody(r.header.Get("Content-Type"), r.body())...)
	if (len(vs) == 0) != accepted {
		g.fail("%s %s: the generator meant it to be accepted=%v, internal/rules says %v: a bug of the suite", r.op.ID, name, accepted, vs)
	}
	g.add(name, r)
}

// bodyCases vary each property of the body schema, then the body as a
// whole.
func (g *generator) bodyCases(base genRequest) {
	s := base.op.Body.Schema
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		p := s.Properties[name]
		required := slices.Contains(s.Required, name)
		g.addMeant(fmt.Sprintf("%s missing (required=%v)", name, required), base.without(name), !required)
		g.addMeant(fmt.Sprintf("%s null (nullable=%v)", name, p.Nullable), base.with(name, nil), p.Nullable)
		for _, w := range jsonTypes {
			if !allows(p, w.t) {
				g.addMeant(fmt.Sprintf("%s of the wrong type: %s", name, w.name), base.with(name, w.value), false)
			}
		}
		switch p.Type {
		case rules.TypeString:
			g.stringCases(name, p, func(v string) genRequest { return base.with(name, v) }, true)
		case rules.TypeInteger, rules.TypeNumber:
			g.numberCases(name, p, func(v float64) genRequest { return base.with(name, v) })
		default:
			g.fail("%s.%s is of a type the generator derives no cases for; teach it", s.Name, name)
		}
		// A name that differs only in case is another, unknown, property:
		// ignored, whatever it holds (encoding/json's case-insensitive
		// matching must not bind it).
		if other := strings.ToUpper(name); other != name && s.Properties[other] == nil {
			g.addMeant(fmt.Sprintf("unknown property %s beside %s, of the wrong type", other, name), base.with(other, 7), true)
		}
	}
	unknown := g.unknownName(s)
	for _, w := range jsonTypes {
		g.addMeant(fmt.Sprintf("unknown property %s: %s", unknown, w.name), base.with(unknown, w.value), true)
	}
	g.addMeant("unknown property: null", base.with(unknown, nil), true)

	valid := base.body()
	g.addMeant("body empty", base.withRaw(nil), false)
	g.addMeant("body null", base.withRaw([]byte("null")), false)
	g.addMeant("body an array of the valid object", base.withRaw([]byte("["+string(valid)+"]")), false)
	g.addMeant("body of two JSON values", base.withRaw(append(slices.Clone(valid), valid...)), false)
	g.addMeant("body cut short", base.withRaw(valid[:len(valid)-1]), false)
	if name := firstString(s); name != "" {
		bad := bytes.Replace(base.with(name, "\x00mark").body(), []byte(`\u0000mark`), []byte("\xffmark"), 1)
		g.addMeant(fmt.Sprintf("body not UTF-8 (a 0xFF byte in %s)", name), base.withRaw(bad), false)
	}
	if max := base.op.Body.MaxBytes; max > 0 {
		g.addMeant(fmt.Sprintf("body of exactly x-max-body-bytes (%d bytes)", max), g.padded(base, unknown, max), true)
		g.add(fmt.Sprintf("body of x-max-body-bytes+1 (%d bytes)", max+1), g.padded(base, unknown, max+1))
	}
}

// padded is base with an unknown property that makes the body n bytes.
func (g *generator) padded(base genRequest, unknown string, n int64) genRequest {
	r := base.with(unknown, "")
	pad := n - int64(len(r.body()))
	if pad < 0 {
		g.fail("%s: the valid body is already over %d bytes", base.op.ID, n)
		return r
	}
	return r.with(unknown, strings.Repeat("p", int(pad)))
}

// jsonTypes are a value of each JSON type but null.
var jsonTypes = []struct {
	name  string
	t     rules.Type
	value any
}{
	{"a string", rules.TypeString, "s"},
	{"an integer", rules.TypeInteger, 7},
	{"a fraction", rules.TypeNumber, 1.5},
	{"a boolean", rules.TypeBoolean, true},
	{"an array", rules.TypeArray, []any{"s"}},
	{"an object", rules.TypeObject, map[string]any{"s": "s"}},
}

func allows(s *rules.Schema, t rules.Type) bool {
	return s.Type == rules.TypeAny || s.Type == t || (s.Type == rules.TypeNumber && t == rules.TypeInteger)
}

func firstString(s *rules.Schema) string {
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		if s.Properties[name].Type == rules.TypeString {
			return name
		}
	}
	return ""
}

// unknownName returns a property name the schema does not list.
func (g *generator) unknownName(s *rules.Schema) string {
	for {
		name := "x" + g.letters(6, "abcdefghijklmnopqrstuvwxyz")
		if s.Properties[name] == nil {
			return name
		}
	}
}

// The characters of the generated strings: ASCII filler, and wide ones
// (2, 3 and 4 bytes of UTF-8; the last is two UTF-16 code units) to put
// at a bound, where counting bytes or code units instead of characters
// shows.
const filler = "abcdefghijklmnopqrstuvwxyz0123456789"

var wide = []rune{'é', 'ß', 'ж', '€', '中', 'ｱ', '😀', '𝄞'}

func (g *generator) letters(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// fill is n characters: ASCII filler, with r as the last one (r < 0: none).
func (g *generator) fill(n int, r rune) string {
	if n <= 0 {
		return ""
	}
	if r < 0 {
		return g.letters(n, filler)
	}
	return g.letters(n-1, filler) + string(r)
}

func (g *generator) wideRune(width int) rune {
	for {
		if r := wide[g.rng.IntN(len(wide))]; utf8.RuneLen(r) == width {
			return r
		}
	}
}

// describe names a string by its length in characters and its wide
// characters, if any.
func describe(v string) string {
	n := utf8.RuneCountInString(v)
	r, size := utf8.DecodeLastRuneInString(v)
	chars := fmt.Sprintf("%d characters", n)
	if n == 1 {
		chars = "1 character"
	}
	switch {
	case n == 0:
		return `0 characters ("")`
	case size > 1 && strings.Count(v, string(r)) == n:
		return fmt.Sprintf("%s, all %d-byte (%U)", chars, size, r)
	case size > 1:
		return fmt.Sprintf("%s, a %d-byte one (%U) at the end", chars, size, r)
	}
	return chars + " of ASCII"
}

// quote is v as a case name shows it: quoted, and cut short when long.
func quote(v string) string {
	if rs := []rune(v); len(rs) > 12 {
		return fmt.Sprintf("%q… (%d characters)", string(rs[:8]), len(rs))
	}
	return fmt.Sprintf("%q", v)
}

// stringCases are a string's bounds, in characters, with wide characters
// at the edge, and, under a pattern, the values near the spec's example
// that the pattern refuses or accepts (a bound is then probed only with
// values the pattern accepts, so that the bound decides). inBody is false
// for a header, whose values stay ASCII (RFC 9110 section 5.5: other bytes
// are obsolete).
func (g *generator) stringCases(name string, s *rules.Schema, put func(string) genRequest, inBody bool) {
	if s.Pattern != nil {
		g.patternCases(name, s, put)
	} else if len(s.Enum) > 0 {
		g.fail("%s has an enum; teach the generator", name)
		return
	}
	four := rune(-1)
	if inBody {
		four = g.wideRune(4)
	}
	at := func(label string, v string, accepted bool) {
		if s.Pattern != nil && !s.Pattern.MatchString(v) {
			return // the pattern decides it, not the bound
		}
		g.addMeant(fmt.Sprintf("%s %s: %s", name, label, describe(v)), put(v), accepted)
	}
	min := int(s.MinLength)
	if min > 0 {
		at("minLength-1", g.fill(min-1, -1), false)
		if min > 1 && inBody {
			at("minLength-1", g.fill(min-1, four), false)
		}
	}
	at("minLength", g.fill(min, -1), true)
	if min > 0 && inBody {
		at("minLength", g.fill(min, four), true)
	}
	if s.MaxLength == nil {
		if inBody {
			// No maximum: a long value is as good as a short one.
			at("no maxLength", strings.Repeat(string(g.wideRune(2)), 4096), true)
		}
		return
	}
	max := int(*s.MaxLength)
	at("maxLength", g.fill(max, -1), true)
	at("maxLength+1", g.fill(max+1, -1), false)
	if inBody {
		at("maxLength", g.fill(max, four), true)
		at("maxLength+1", g.fill(max+1, four), false)
		for _, width := range []int{2, 3} {
			r := string(g.wideRune(width))
			at("maxLength", strings.Repeat(r, max), true)
			at("maxLength+1", strings.Repeat(r, max+1), false)
		}
	}
}

// patternCases mutate the spec's example of a string with a pattern: cut
// short and grown (the values on either side of each change of verdict),
// in other case, with each character replaced by one of another class,
// with white space around it. internal/rules's compiled pattern (and the
// schema's lengths) decide each verdict.
func (g *generator) patternCases(name string, s *rules.Schema, put func(string) genRequest) {
	var ex string
	if err := json.Unmarshal([]byte(s.Example), &ex); err != nil || ex == "" {
		g.fail("%s has a pattern but no string example to mutate; add one to the spec", name)
		return
	}
	if len(s.CheckValue(name, ex)) > 0 {
		g.fail("%s: the spec's example %q breaks its own schema", name, ex)
		return
	}
	seen := map[string]bool{ex: true}
	try := func(label, v string) {
		if seen[v] {
			return
		}
		seen[v] = true
		verdict := "accepted"
		if len(s.CheckValue(name, v)) > 0 {
			verdict = "refused"
		}
		g.add(fmt.Sprintf("%s pattern %s: %s (%s) %s", name, s.Pattern.Source, quote(v), label, verdict), put(v))
	}
	ok := func(v string) bool { return len(s.CheckValue(name, v)) == 0 }
	rs := []rune(ex)
	// Lengths: shorter down to empty, longer by the last character up to
	// 64 more; the values either side of every change of verdict.
	prev := ex
	for n := len(rs) - 1; n >= 0; n-- {
		v := string(rs[:n])
		if ok(v) != ok(prev) {
			try(fmt.Sprintf("cut to %d", utf8.RuneCountInString(prev)), prev)
			try(fmt.Sprintf("cut to %d", n), v)
		}
		prev = v
	}
	try("cut to 0", "")
	prev = ex
	last := string(rs[len(rs)-1])
	for k := 1; k <= 64; k++ {
		v := ex + strings.Repeat(last, k)
		if ok(v) != ok(prev) {
			try(fmt.Sprintf("grown to %d", utf8.RuneCountInString(prev)), prev)
			try(fmt.Sprintf("grown to %d", utf8.RuneCountInString(v)), v)
		}
		prev = v
	}
	try("grown by 64", prev)
	// Case.
	try("upper case", strings.ToUpper(ex))
	try("lower case", strings.ToLower(ex))
	try("first in upper case", strings.ToUpper(string(rs[0]))+string(rs[1:]))
	try("case swapped", strings.Map(swapCase, ex))
	// Characters of other classes, at each position.
	classes := []struct{ name, chars string }{
		{"an upper-case letter", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{"a lower-case letter", "abcdefghijklmnopqrstuvwxyz"},
		{"a digit", "0123456789"},
		{"punctuation", "-_.:/+@"},
		{"a space", " "},
		{"a line break", "\n"},
		{"a letter beyond ASCII", string(wide)},
	}
	for i := range rs {
		for _, c := range classes {
			// Only characters that make a value not yet tried, so that
			// the seed picks among them but does not decide how many
			// cases there are.
			mut := slices.Clone(rs)
			cs := slices.DeleteFunc([]rune(c.chars), func(r rune) bool {
				mut[i] = r
				return seen[string(mut)]
			})
			if len(cs) == 0 {
				continue
			}
			mut[i] = cs[g.rng.IntN(len(cs))]
			try(fmt.Sprintf("character %d %s", i+1, c.name), string(mut))
		}
	}
	// Anchors.
	try("a space before", " "+ex)
	try("a space after", ex+" ")
	try("a line break after", ex+"\n")
	try("a line break before", "\n"+ex)
	try("twice, with a hyphen", ex+"-"+strings.ToUpper(ex))
}

func swapCase(r rune) rune {
	if unicode.IsUpper(r) {
		return unicode.ToLower(r)
	}
	return unicode.ToUpper(r)
}

// numberCases are a number's bounds, the limits of its format, and a
// fraction where an integer is wanted.
func (g *generator) numberCases(name string, s *rules.Schema, put func(float64) genRequest) {
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	at := func(label string, v float64, accepted bool) {
		g.addMeant(fmt.Sprintf("%s %s: %s", name, label, num(v)), put(v), accepted)
	}
	step := 1.0
	if s.Type == rules.TypeNumber {
		step = 0.5
	}
	if m := s.Minimum; m != nil {
		at("minimum", *m, !s.ExclusiveMinimum)
		at("minimum-"+num(step), *m-step, false)
	}
	if m := s.Maximum; m != nil {
		at("maximum", *m, !s.ExclusiveMaximum)
		at("maximum+"+num(step), *m+step, false)
	}
	inside := 0.0
	switch {
	case s.Minimum != nil:
		inside = *s.Minimum + step
	case s.Maximum != nil:
		inside = *s.Maximum - step
	}
	if s.Type == rules.TypeInteger {
		at("a fraction", inside+0.5, false)
	}
	if s.Format == "int32" {
		at("beyond int32", math.MaxInt32+1, false)
	}
}

// paramCases vary each header parameter: its bounds, values of another
// type, empty, missing.
func (g *generator) paramCases(base genRequest) {
	for _, p := range base.op.Params {
		if isCredential(base.op, p.Name) {
			continue // securityCases: a credential is a 401 before its schema
		}
		put := func(v string) genRequest { return base.withHeader(p.Name, v) }
		g.addMeant(fmt.Sprintf("header %s missing (required=%v)", p.Name, p.Required), base.withHeader(p.Name), !p.Required)
		g.addMeant(fmt.Sprintf("header %s empty", p.Name), put(""), p.Schema.Type == rules.TypeString && p.Schema.MinLength == 0)
		switch p.Schema.Type {
		case rules.TypeInteger, rules.TypeNumber:
			g.numberCases("header "+p.Name, p.Schema, func(f float64) genRequest {
				return put(strconv.FormatFloat(f, 'f', -1, 64))
			})
			g.addMeant(fmt.Sprintf("header %s not a number", p.Name), put(g.letters(5, "abcdefghijklmnopqrstuvwxyz")), false)
		case rules.TypeString:
			g.stringCases("header "+p.Name, p.Schema, put, false)
		default:
			g.fail("%s header %s is of a type the generator derives no cases for; teach it", base.op.ID, p.Name)
		}
	}
}

// isCredential reports whether a header is one that op's security
// requirement names.
func isCredential(op *openapi.Op, name string) bool {
	for _, alt := range op.Security {
		for _, s := range alt {
			if s.Type == "apiKey" && strings.EqualFold(s.Name, name) {
				return true
			}
		}
	}
	return false
}

// mediaCases send the valid body under media types the body's content
// lists, in other spellings, and others.
func (g *generator) mediaCases(base genRequest) {
	for _, ct := range base.op.Body.ContentTypes {
		typ, sub, _ := strings.Cut(ct, "/")
		for _, v := range []string{
			ct, ct + "; charset=UTF-8", strings.ToUpper(ct), ct + " ; foo=bar",
			"text/plain", "text/" + sub, typ + "/" + sub + "x", typ + "/x-" + sub, typ + "/*", "",
		} {
			g.add(fmt.Sprintf("Content-Type %q", v), base.withHeader("Content-Type", v))
		}
	}
	g.add("Content-Type missing", base.withHeader("Content-Type"))
}

// securityCases take away or spoil each credential of op's security
// requirement, and spell the Bearer scheme in lower case (RFC 9110
// section 11.1: the scheme is case-insensitive).
func (g *generator) securityCases(base genRequest) {
	for _, alt := range base.op.Security[:min(1, len(base.op.Security))] {
		for _, s := range alt {
			switch s.Type {
			case "apiKey":
				g.add(fmt.Sprintf("credential %s missing", s.Name), base.withHeader(s.Name))
				g.add(fmt.Sprintf("credential %s empty", s.Name), base.withHeader(s.Name, ""))
				g.add(fmt.Sprintf("credential %s one character", s.Name), base.withHeader(s.Name, g.letters(1, filler)))
				g.add(fmt.Sprintf("credential %s of another app", s.Name), base.withHeader(s.Name, g.target.AppKey+g.letters(1, filler)))
			case "http":
				g.add("credential Authorization missing", base.withHeader("Authorization"))
				g.add("credential Authorization scheme alone", base.withHeader("Authorization", "Bearer"))
				g.add("credential Authorization without the scheme", base.withHeader("Authorization", tokenPlaceholder))
				g.add("credential Authorization scheme Basic", base.withHeader("Authorization", "Basic "+tokenPlaceholder))
				g.add("credential Authorization scheme in lower case", base.withHeader("Authorization", "bearer "+tokenPlaceholder))
			}
		}
	}
}
