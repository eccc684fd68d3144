package rules_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

// The generated table: requests built from each operation of the contract
// (gen/contract) by changing one thing of a valid request, derived from
// the schemas' and parameters' own keywords, so that a rule added to the
// spec is tried without a line here. Bodies are written member by member
// as raw JSON text, so that what encoding/json would never write (bytes
// that are not UTF-8, duplicate names, escapes) is tried too.

// member is one member of a JSON object: its name and value as raw text.
type member struct{ name, raw string }

func object(ms []member) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + m.name + `":` + m.raw)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// with returns ms with name's value raw, or without name when raw is "".
func with(ms []member, name, raw string) []member {
	var out []member
	done := false
	for _, m := range ms {
		if m.name == name {
			if !done && raw != "" {
				out = append(out, member{name, raw})
			}
			done = true
			continue
		}
		out = append(out, m)
	}
	if !done && raw != "" {
		out = append(out, member{name, raw})
	}
	return out
}

// validMembers are op's body from its properties' examples, required ones
// first in the schema's order.
func validMembers(op *rules.Operation) []member {
	s := op.Body.Schema
	order := slices.Clone(s.Required)
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		if !slices.Contains(order, name) {
			order = append(order, name)
		}
	}
	var ms []member
	for _, name := range order {
		if ex := s.Properties[name].Example; ex != "" {
			ms = append(ms, member{name, ex})
		}
	}
	return ms
}

// validHeader carries op's first media type and well-formed credentials.
func validHeader(op *rules.Operation) http.Header {
	h := http.Header{"Content-Type": {op.Body.ContentTypes[0]}}
	for _, alt := range op.Security[:min(1, len(op.Security))] {
		for _, s := range alt {
			switch s.Type {
			case "apiKey":
				h.Set(s.Name, "an-app-key")
			case "http":
				h.Set("Authorization", "Bearer an-access-token")
			}
		}
	}
	return h
}

func quote(s string) string { return `"` + s + `"` }

// jsonString is s as a JSON string, raw bytes kept (encoding/json would
// turn bytes that are not UTF-8 into U+FFFD).
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteString(`\` + string(c))
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// anyValues are raw JSON values of every type and spelling, and some
// that are not JSON, for any property.
var anyValues = []string{
	`null`, `true`, `false`, `0`, `-1`, `1.5`, `1e3`, `1e400`, `-0`, `[]`, `{}`, `["a"]`, `{"a":"b"}`,
	quote(""), quote(" "), quote("0"), quote(`\u0041`), quote(`\ud83d\ude00`), quote(`\ud800`), quote(`\udc00`),
	quote(`\ud800\u0041`), quote(`\u0000`), quote(`\/\\\"\b\f\n\r\t`), quote("\u2028"), quote("\xff"),
	quote("\xed\xa0\x80"), quote("a\xffb"), quote("\xc3"), quote("\xc0\xaf"), quote("<&>"), quote("\x00"),
	quote("\t"), quote("\n"), quote("\x7f"), quote(`\x`), quote(`\u12`), quote(`\u12G4`), `"unterminated`,
	`tru`, `nul`, `NULL`, `01`, `-`, `1.`, `.5`, `1e`, `+1`, `0x1`, `NaN`, `Infinity`, `"a""b"`, `"a" "b"`,
}

// stringValues are a string schema's bounds in characters of every width,
// escaped and raw, and its pattern's neighbourhood of its example.
func stringValues(s *rules.Schema) []string {
	var vals []string
	lengths := []int{0, 1, 2, 3, 64, 1000}
	if s.MinLength > 0 {
		lengths = append(lengths, int(s.MinLength)-1, int(s.MinLength), int(s.MinLength)+1)
	}
	if s.MaxLength != nil {
		lengths = append(lengths, int(*s.MaxLength)-1, int(*s.MaxLength), int(*s.MaxLength)+1)
	}
	slices.Sort(lengths)
	for _, n := range slices.Compact(lengths) {
		if n < 0 {
			continue
		}
		for _, r := range []string{"u", "é", "€", "😀"} {
			vals = append(vals, quote(strings.Repeat(r, n)))
			if n > 0 {
				vals = append(vals, quote(strings.Repeat("u", n-1)+r))
			}
		}
		vals = append(vals, quote(strings.Repeat(`\u00e9`, n)), quote(strings.Repeat(`\ud83d\ude00`, n)), quote(strings.Repeat("\xff", n)))
	}
	if s.Pattern != nil {
		var ex string
		json.Unmarshal([]byte(s.Example), &ex)
		for _, v := range patternNeighbours(ex) {
			vals = append(vals, jsonString(v))
		}
	}
	return vals
}

// patternNeighbours are strings near ex: cut short and grown, in other
// case, each character replaced by one of every class, with white space
// and line breaks around it.
func patternNeighbours(ex string) []string {
	if ex == "" {
		ex = "a"
	}
	rs := []rune(ex)
	out := []string{"", strings.ToUpper(ex), strings.ToLower(ex), " " + ex, ex + " ", ex + "\n", "\n" + ex,
		"\r\n" + ex, ex + "\r\n", ex + "\x00", ex + "-" + strings.ToUpper(ex), ex + "_" + ex}
	for n := range len(rs) + 1 {
		out = append(out, string(rs[:n]))
	}
	for k := 1; k <= 24; k++ {
		out = append(out, ex+strings.Repeat(string(rs[len(rs)-1]), k))
	}
	for i := range rs {
		for _, c := range []rune{'A', 'Z', 'a', 'z', '0', '9', '-', '_', ' ', '\n', 'é', 'ß', '😀', 0xFFFD, 0} {
			mut := slices.Clone(rs)
			mut[i] = c
			out = append(out, string(mut))
		}
		out = append(out, string(rs[:i])+"\xff"+string(rs[i:]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// numberTexts are a number schema's bounds and the limits of its format,
// as header text, with the spellings strconv and kin-openapi part on.
func numberTexts(s *rules.Schema) []string {
	vals := []string{"0", "-0", "1", "-1", "+1", "00", "1.0", "1.5", "1e2", "0x10", "1_000", " 1", "1 ", "", "ten",
		"true", "null", "９", "٦٠٠", "1,2", strings.Repeat("9", 30)}
	for _, b := range []*float64{s.Minimum, s.Maximum} {
		if b == nil {
			continue
		}
		n := int64(*b)
		for _, d := range []int64{-1, 0, 1} {
			v := strconv.FormatInt(n+d, 10)
			vals = append(vals, v, "+"+v, "0"+v, v+".0", v+"e0")
		}
	}
	for _, n := range []int64{math.MaxInt32, math.MaxInt32 + 1, math.MinInt32, math.MinInt32 - 1, math.MaxInt64} {
		vals = append(vals, strconv.FormatInt(n, 10))
	}
	vals = append(vals, "9223372036854775808")
	return vals
}

var contentTypes = []string{"", "application/json", "APPLICATION/JSON", "Application/Json", "application/json; charset=UTF-8",
	"application/json;charset=utf-8", "application/json ; charset=utf-8", " application/json ", "application/json;",
	"application/json ; x=y", "application/json; charset=latin-1", "application/jsonx", "application/x-json", "text/json",
	"application/problem+json", "application/merge-patch+json", "*/*", "application/*", "application/json, text/plain",
	"text/plain, application/json", "application", "/json", "application/json/x", "appl\u0130cation/json",
	"application/json\u00a0", "appl\x00ication/json", "application/json\xff", "multipart/form-data", "text/plain", "application/xml"}

// generated is the table, built once.
var generated = sync.OnceValue(func() []request {
	var out []request
	for _, op := range openapi.Operations() {
		out = append(out, generatedFor(op)...)
	}
	return out
})

func generatedFor(op *rules.Operation) []request {
	var out []request
	valid := validMembers(op)
	base := object(valid)
	add := func(h http.Header, body []byte) { out = append(out, request{op: op, header: h, body: body}) }
	hdr := func() http.Header { return validHeader(op) }
	add(hdr(), base)

	// Every property: every value of its schema's and of any kind,
	// missing, duplicated, under other names.
	s := op.Body.Schema
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		p := s.Properties[name]
		vals := slices.Clone(anyValues)
		if p.Type == rules.TypeString {
			vals = append(vals, stringValues(p)...)
		}
		add(hdr(), object(with(valid, name, "")))
		for _, raw := range vals {
			add(hdr(), object(with(valid, name, raw)))
		}
		ex := p.Example
		if ex == "" {
			ex = `"x"`
		}
		for _, dup := range [][]member{
			append(slices.Clone(valid), member{name, `7`}),
			append([]member{{name, `7`}}, valid...),
			append([]member{{name, `null`}}, with(valid, name, ex)...),
			append(slices.Clone(valid), member{name, `""`}),
		} {
			add(hdr(), object(dup))
		}
		for _, other := range []string{strings.Replace(name, name[:1], `\u00`+strconv.FormatInt(int64(name[0]), 16), 1),
			strings.ToUpper(name), strings.ToLower(name), name + " ", " " + name, name + "\xff"} {
			add(hdr(), object(append(with(valid, name, ""), member{other, ex})))
			add(hdr(), object(append(slices.Clone(valid), member{other, `7`})))
		}
	}
	// Unknown members of every kind, and nesting at encoding/json's limit.
	for _, raw := range append(slices.Clone(anyValues), `[1,[2,[3,{"a":[]}]]]`, `{"a":{"b":{"c":null}}}`, `[,]`, `[1,]`,
		`{"a":1,}`, `{"a"}`, `{1:2}`, `1E5`, `-01`, `00`, `0.0e+00`, `123456789012345678901234567890`, `1_000`, `--1`) {
		add(hdr(), object(append(slices.Clone(valid), member{"extra", raw})))
	}
	for _, depth := range []int{9999, 10000, 10001} {
		add(hdr(), object(append(slices.Clone(valid), member{"deep", strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1)})))
		add(hdr(), []byte(strings.Repeat("[", depth)+strings.Repeat("]", depth)))
	}
	// The whole body, and every byte of the valid one changed or dropped.
	for _, body := range []string{"", " ", "\n\t\r ", "null", "true", "7", `"x"`, "[]", "{}", "[" + string(base) + "]",
		"\ufeff" + string(base), " \n" + string(base) + "\n ", "\f" + string(base), "\u00a0" + string(base),
		`{"a":1}x`, "null x", "7x", "01", "-", "[1,2", "{", `{"`, `{"a"`, `{"a":`, `{,}`, "nul", "tru"} {
		add(hdr(), []byte(body))
	}
	for _, tail := range []string{" ", "\n", "x", "{}", ",", "\x00", " }", "]", `"`, "null", "\u00a0", string(base)} {
		add(hdr(), append(slices.Clone(base), tail...))
	}
	for i := range base {
		add(hdr(), base[:i])
		for _, c := range []byte{'"', '\\', '{', '}', ',', ':', ' ', 'x', '0', 0, 0xff} {
			mut := slices.Clone(base)
			mut[i] = c
			add(hdr(), mut)
		}
		add(hdr(), append(slices.Clone(base[:i]), base[i+1:]...))
	}
	// Media types, with a valid body, a bad one and none.
	for _, ct := range contentTypes {
		for _, body := range [][]byte{base, []byte("not json"), nil} {
			h := hdr()
			h["Content-Type"] = []string{ct}
			add(h, body)
		}
	}
	for _, cts := range [][]string{nil, {}, {"text/plain", "application/json"}, {"application/json", "text/plain"}} {
		h := hdr()
		h["Content-Type"] = cts
		if cts == nil {
			delete(h, "Content-Type")
		}
		add(h, base)
	}
	// Header parameters: every value of their schema's, repeated, empty,
	// absent, with a valid body and a bad one.
	for _, p := range op.Params {
		key := http.CanonicalHeaderKey(p.Name)
		texts := []string{"", " ", "a", "an-app-key", strings.Repeat("k", 300), "\xff", "é"}
		if p.Schema.Type == rules.TypeInteger || p.Schema.Type == rules.TypeNumber {
			texts = numberTexts(p.Schema)
		}
		lists := [][]string{nil, {}}
		for _, v := range texts {
			lists = append(lists, []string{v})
		}
		first, last := texts[0], texts[len(texts)-1]
		lists = append(lists, []string{first, last}, []string{last, first}, []string{"", last}, []string{last, last, last})
		for _, vals := range lists {
			for _, body := range [][]byte{base, object(with(valid, valid[0].name, `7`))} {
				h := hdr()
				h[key] = vals
				if vals == nil {
					delete(h, key)
				}
				add(h, body)
			}
		}
	}
	// Credentials: each missing, empty and in odd forms.
	for _, alt := range op.Security {
		for _, sc := range alt {
			key := "Authorization"
			forms := []string{"", "Bearer", "Bearer ", "Bearer x", "bearer x", "BEARER x", "Basic x", "Bearer  x", "Bearer\tx", "x", "Bearer: x", "Bearerx"}
			if sc.Type == "apiKey" {
				key, forms = http.CanonicalHeaderKey(sc.Name), []string{"", " ", "k", "\xff"}
			}
			for _, v := range forms {
				h := hdr()
				h[key] = []string{v}
				add(h, base)
			}
			h := hdr()
			delete(h, key)
			add(h, base)
			h = hdr()
			h[key] = []string{}
			add(h, base)
		}
	}
	return out
}

// randomWalk returns n requests whose bodies are valid ones after a few
// random edits: bytes swapped for JSON's structural characters, escapes,
// bytes outside ASCII, names of the schema.
func randomWalk(rng *rand.Rand, n int) []request {
	ops := openapi.Operations()
	alphabet := []string{`"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, ` `, `0`, `-`, `e`, `.`, `x`, `\u00e9`, `\ud800`, "\xff", "é",
		"\x00", "\n", `null`, `""`, `7`, `"en"`, `"EN"`}
	for _, op := range ops {
		for name := range op.Body.Schema.Properties {
			alphabet = append(alphabet, quote(name))
		}
	}
	slices.Sort(alphabet) // map order must not decide the walk
	out := make([]request, 0, n)
	for range n {
		op := ops[rng.IntN(len(ops))]
		b := object(validMembers(op))
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
		out = append(out, request{op: op, header: validHeader(op), body: b})
	}
	return out
}
