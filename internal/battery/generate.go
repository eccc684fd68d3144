package battery

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aicc-kit/applytoken/internal/rules"
)

// Notes shared by the cases whose status was a decision.
const (
	noteUTF8 = "RFC 8259 section 8.1: JSON text is UTF-8; bytes that are not UTF-8 are not JSON, so 400 " +
		"(encoding/json alone would quietly turn them into U+FFFD)"
	noteSurrogate = "an escaped lone surrogate is valid JSON syntax (RFC 8259 section 8.2 leaves its meaning open); " +
		"it decodes to U+FFFD and counts as one character"
	noteDuplicate = "RFC 8259 section 4 leaves duplicate names open; the last one wins, as in encoding/json, " +
		"and the value validated is the value used"
	noteMiB = "1 MiB is over the body cap (x-max-body-bytes): 413 before anything parses it"
)

// wrongTypes are JSON values of every type but string, for a string field.
var wrongTypes = []struct{ name, raw string }{
	{"zero", `0`}, {"negative integer", `-1`}, {"fraction", `1.5`}, {"exponent", `1e3`},
	{"true", `true`}, {"false", `false`},
	{"empty array", `[]`}, {"array of the valid value", `[%s]`},
	{"empty object", `{}`}, {"object holding the valid value", `{"value":%s}`},
}

// fieldCases varies each property of op's body schema on its own, the
// others keeping the example's valid values.
func fieldCases(op *operation) []Case {
	var cs []Case
	for _, f := range op.example {
		prop := op.body.Property(f.name)
		switch {
		case prop == nil:
			op.gap("the battery derives no cases for body property %s, which has no schema; teach it", f.name)
		case prop.Type == rules.TypeString:
			cs = append(cs, stringFieldCases(op, f.name, prop)...)
		case prop.Type == rules.TypeInteger:
			cs = append(cs, integerFieldCases(op, f.name, prop)...)
		default:
			op.gap("the battery derives no cases for body property %s, %s; teach it", f.name, prop.Type)
		}
	}
	return cs
}

// integerFieldCases vary an integer property: missing, null, of every
// other JSON type, a fraction, and at and just beyond its bounds and its
// format's limits. Each value is written as a plain decimal integer: the
// spellings JSON Schema takes for an integer but a Go int does not
// (1.0, 1e0) are left to the differential tests of internal/rules.
func integerFieldCases(op *operation, name string, s *rules.Schema) []Case {
	ex := op.example
	valid := ex.raw(name)
	required := slices.Contains(op.body.Required, name)
	check := integerCheck(s)
	var cs []Case
	add := func(what string, body []byte, ok bool, note string) {
		cs = append(cs, op.bodyCase("body/"+name+"/"+what, body, ok, note))
	}
	value := func(v int64, note string) {
		add(strconv.FormatInt(v, 10), ex.with(name, strconv.FormatInt(v, 10)).json(), check(v), note)
	}

	add("missing", ex.without(name).json(), !required, "")
	add("null", ex.with(name, "null").json(), s.Nullable, "")
	for _, w := range []struct{ name, raw string }{
		{"string of the valid value", `"%s"`}, {"empty string", `""`}, {"true", `true`}, {"false", `false`},
		{"empty array", `[]`}, {"array of the valid value", `[%s]`},
		{"empty object", `{}`}, {"object holding the valid value", `{"value":%s}`},
	} {
		add("wrong type: "+w.name, ex.with(name, strings.ReplaceAll(w.raw, "%s", valid)).json(), false, "")
	}
	add("fraction", ex.with(name, valid+".5").json(), false, "an integer takes no fraction")

	var probes []int64
	if v, err := strconv.ParseInt(valid, 10, 64); err == nil {
		probes = append(probes, v)
	}
	for _, b := range []*float64{s.Minimum, s.Maximum} {
		if b != nil {
			probes = append(probes, int64(*b)-1, int64(*b), int64(*b)+1)
		}
	}
	if s.Format == "int32" {
		probes = append(probes, math.MinInt32-1, math.MinInt32, math.MaxInt32, math.MaxInt32+1)
	}
	probes = append(probes, 0, -1)
	slices.Sort(probes)
	for _, v := range slices.Compact(probes) {
		value(v, "")
	}
	add("duplicate: invalid then valid", ex.with(name, "null").plus(name, valid).json(), true, noteDuplicate)
	add("duplicate: valid then invalid", ex.plus(name, "null").json(), s.Nullable, noteDuplicate)
	add("name in upper case", ex.renamed(name, mustJSON(strings.ToUpper(name))), !required,
		"member names are case-sensitive (encoding/json's case-insensitive matching must not apply)")
	return cs
}

// integerCheck returns the schema's verdict on an integer value: its
// bounds and its format's range, read without internal/rules, a second
// opinion on the rules the differential tests compare.
func integerCheck(s *rules.Schema) func(int64) bool {
	return func(v int64) bool {
		f := float64(v)
		switch {
		case s.Minimum != nil && (f < *s.Minimum || (s.ExclusiveMinimum && f == *s.Minimum)),
			s.Maximum != nil && (f > *s.Maximum || (s.ExclusiveMaximum && f == *s.Maximum)),
			s.Format == "int32" && (v < math.MinInt32 || v > math.MaxInt32):
			return false
		}
		return true
	}
}

func stringFieldCases(op *operation, name string, s *rules.Schema) []Case {
	ex := op.example
	valid := ex.get(name)
	required := slices.Contains(op.body.Required, name)
	check := stringCheck(s)
	var cs []Case
	add := func(what string, body []byte, ok bool, note string) {
		cs = append(cs, op.bodyCase("body/"+name+"/"+what, body, ok, note))
	}
	// value sends v, a valid Go string, as a JSON string.
	value := func(what, v, note string) { add(what, ex.with(name, mustJSON(v)).json(), check(v), note) }

	add("missing", ex.without(name).json(), !required, "")
	add("null", ex.with(name, "null").json(), s.Nullable, "")
	for _, w := range wrongTypes {
		add("wrong type: "+w.name, ex.with(name, strings.ReplaceAll(w.raw, "%s", mustJSON(valid))).json(), false, "")
	}
	value("empty", "", "")
	value("one character", "u", "")

	if s.MaxLength != nil {
		max := int(*s.MaxLength)
		for _, unit := range []struct{ name, r string }{
			{"ASCII", "u"}, {"2-byte UTF-8", "é"}, {"3-byte UTF-8", "€"}, {"4-byte UTF-8", "😀"},
		} {
			value(fmt.Sprintf("%d %s characters (maxLength)", max, unit.name), strings.Repeat(unit.r, max), "maxLength counts characters, not bytes")
			value(fmt.Sprintf("%d %s characters (maxLength+1)", max+1, unit.name), strings.Repeat(unit.r, max+1), "maxLength counts characters, not bytes")
		}
		// A character outside the BMP, escaped as a surrogate pair, is
		// still one character.
		for _, n := range []int{max, max + 1} {
			raw := `"` + strings.Repeat(`\ud83d\ude00`, n) + `"`
			add(fmt.Sprintf("%d escaped surrogate pairs", n), ex.with(name, raw).json(), check(strings.Repeat("😀", n)), "a surrogate pair escape is one character")
		}
	}
	if s.MinLength > 1 {
		min := int(s.MinLength)
		value(fmt.Sprintf("%d characters (minLength)", min), strings.Repeat("u", min), "")
		value(fmt.Sprintf("%d characters (minLength-1)", min-1), strings.Repeat("u", min-1), "")
	}
	if s.Pattern != nil {
		for _, v := range patternProbes(valid) {
			value(fmt.Sprintf("pattern: %q", v), v, "pattern "+s.Pattern.Source)
		}
	}
	for _, v := range enumProbes(s, valid) {
		value(fmt.Sprintf("enum: %q", v), v, "enum "+mustJSON(s.Enum))
	}
	if s.MaxLength == nil && s.Pattern == nil && s.Enum == nil {
		value("60 KiB", strings.Repeat("u", 60<<10), "long, yet under the body cap")
	}

	value("escaped NUL inside", valid+"\x00", "an escaped NUL (\\u0000) is a valid JSON string character")
	add("raw NUL byte inside", ex.with(name, `"`+valid+"\x00"+`"`).json(), false, "RFC 8259 section 7: control characters must be escaped")
	add("raw line break inside", ex.with(name, `"`+valid+"\n"+`"`).json(), false, "RFC 8259 section 7: control characters must be escaped")
	add("raw tab inside", ex.with(name, `"`+valid+"\t"+`"`).json(), false, "RFC 8259 section 7: control characters must be escaped")
	for _, bad := range []struct{ name, bytes string }{
		{"a stray 0xFF byte", "\xff"},
		{"a truncated 2-byte sequence", "\xc3"},
		{"an overlong encoding of '/'", "\xc0\xaf"},
		{"a UTF-8 encoded surrogate", "\xed\xa0\x80"},
	} {
		body := ex.with(name, `"`+valid+bad.bytes+`"`).json()
		add("invalid UTF-8: "+bad.name, body, false, noteUTF8)
	}
	add("escaped lone surrogate", ex.with(name, `"`+jsonInner(valid)+`\ud800"`).json(), check(valid+"\uFFFD"), noteSurrogate)
	add("escaped letters", ex.with(name, `"`+escapeAll(valid)+`"`).json(), check(valid), "every character escaped as \\uXXXX is the same string")

	add("duplicate: invalid then valid", ex.with(name, "null").plus(name, mustJSON(valid)).json(), true, noteDuplicate)
	add("duplicate: valid then invalid", ex.plus(name, "null").json(), false, noteDuplicate)
	add("name in upper case", ex.renamed(name, mustJSON(strings.ToUpper(name))), !required,
		"member names are case-sensitive (encoding/json's case-insensitive matching must not apply)")
	add("name with an escaped letter", ex.renamed(name, `"\u00`+strconv.FormatInt(int64(name[0]), 16)+jsonInner(name[1:])+`"`), true,
		"an escaped member name is the same name")
	add("1 MiB", ex.with(name, mustJSON(strings.Repeat("u", 1<<20))).json(), check(strings.Repeat("u", 1<<20)), noteMiB)
	return cs
}

// stringCheck returns the schema's verdict on a string value: its enum,
// its length in characters and its pattern. It reads the pattern's source
// with Go's regexp (the contract's patterns are plain enough that it reads
// them as ECMA-262 does), not with internal/rules, so that the battery
// stays a second opinion on the rules the differential tests compare.
func stringCheck(s *rules.Schema) func(string) bool {
	var re *regexp.Regexp
	if s.Pattern != nil {
		re = regexp.MustCompile(s.Pattern.Source)
	}
	return func(v string) bool {
		if s.Enum != nil && !slices.Contains(s.Enum, any(v)) {
			return false
		}
		n := int64(utf8.RuneCountInString(v))
		if n < s.MinLength || (s.MaxLength != nil && n > *s.MaxLength) {
			return false
		}
		return re == nil || re.MatchString(v)
	}
}

// enumStrings are the string members of s's enum, in the contract's order.
func enumStrings(s *rules.Schema) []string {
	var vs []string
	for _, e := range s.Enum {
		if v, ok := e.(string); ok {
			vs = append(vs, v)
		}
	}
	return vs
}

// patternProbes are values near valid that a pattern may or may not
// accept: cut short, lengthened, in other case, with a line break or a
// space at either end, with a digit, a letter beyond ASCII, a region.
func patternProbes(valid string) []string {
	probes := []string{
		valid[:1], valid + valid[:1], valid + valid, strings.ToUpper(valid),
		strings.ToUpper(valid[:1]) + valid[1:], valid + "\n", "\n" + valid, valid + " ", " " + valid,
		valid[:1] + "1", "zh", "abc", "é" + valid[:1], valid + "-US", valid + "_US",
	}
	slices.Sort(probes)
	return slices.Compact(probes)
}

// enumProbes are, for a schema with an enum, each of its members and
// values near valid that the enum does not hold: in other case, grown.
func enumProbes(s *rules.Schema, valid string) []string {
	if s.Enum == nil {
		return nil
	}
	probes := append(enumStrings(s), strings.ToUpper(valid), valid+valid[:min(1, len(valid))], valid+"x")
	slices.Sort(probes)
	return slices.Compact(probes)
}

// jsonInner is s as a JSON string, without its quotes.
func jsonInner(s string) string {
	q := mustJSON(s)
	return q[1 : len(q)-1]
}

// escapeAll writes every character of an ASCII string as \uXXXX.
func escapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// paramCases sends each header parameter of op that is not a credential
// on its own, with the example body: an integer at and beyond its bounds
// and in every odd spelling of an integer, a string at and beyond its
// lengths, near its pattern and its enum. A parameter of another kind is
// a gap (op.gap), named, not a panic.
func paramCases(op *operation) []Case {
	var cs []Case
	for _, p := range op.params {
		switch {
		case p.In != rules.InHeader:
			op.gap("the battery derives no cases for %s parameter %s; teach it", p.In, p.Name)
		case p.Schema == nil:
			op.gap("the battery derives no cases for header %s, which has no schema; teach it", p.Name)
		case p.Schema.Type == rules.TypeInteger && p.Schema.Minimum != nil && p.Schema.Maximum != nil:
			cs = append(cs, integerParamCases(op, p)...)
		case p.Schema.Type == rules.TypeInteger:
			op.gap("the battery derives no cases for header %s of type integer without both a minimum and a maximum; teach it", p.Name)
		case p.Schema.Type == rules.TypeString:
			cs = append(cs, stringParamCases(op, p)...)
		default:
			op.gap("the battery derives no cases for header %s, %s; teach it", p.Name, p.Schema.Type)
		}
	}
	return cs
}

// paramCase is op's valid request with header parameter name's lines
// replaced by values, or taken away when values is nil; ok says whether
// the parameter's schema accepts it.
func (op *operation) paramCase(name, what string, values []string, ok bool, note string) Case {
	c := op.bodyCase("header/"+name+"/"+what, op.example.json(), true, note)
	if !ok {
		c.Status, c.Validation = http.StatusBadRequest, Rejected
	}
	delete(c.Header, name)
	if values != nil {
		c.Header[name] = values
	}
	return c
}

// paramValue is a value of the header parameter p that its schema
// accepts, for the requests that must carry a required one: its schema's
// example, its default, the first member of its enum, or, for an integer,
// its minimum; for a string without a pattern, as many letters as it
// needs. ok is false when none of those is a valid value.
func paramValue(p rules.Param) (v string, ok bool) {
	s := p.Schema
	if s == nil {
		return "", false
	}
	switch s.Type {
	case rules.TypeInteger:
		valid := func(v int64) bool { return integerCheck(s)(v) }
		for _, raw := range []string{s.Example, s.Default} {
			if n, err := strconv.ParseInt(raw, 10, 64); err == nil && valid(n) {
				return raw, true
			}
		}
		if s.Minimum != nil && valid(int64(*s.Minimum)) {
			return strconv.FormatInt(int64(*s.Minimum), 10), true
		}
	case rules.TypeString:
		check := stringCheck(s)
		candidates := enumStrings(s)
		for _, raw := range []string{s.Default, s.Example} {
			var v string
			if json.Unmarshal([]byte(raw), &v) == nil {
				candidates = append([]string{v}, candidates...)
			}
		}
		if s.Pattern == nil {
			n := max(s.MinLength, 1)
			if s.MaxLength != nil {
				n = min(n, *s.MaxLength)
			}
			candidates = append(candidates, strings.Repeat("u", int(n)))
		}
		for _, v := range candidates {
			if check(v) && headerSafe(v) {
				return v, true
			}
		}
	}
	return "", false
}

// headerSafe reports whether v reaches a server unchanged as a header
// field value: visible ASCII and inner spaces only (net/http refuses
// control characters and trims white space at either end).
func headerSafe(v string) bool {
	if strings.TrimSpace(v) != v {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false
		}
	}
	return true
}

// stringParamCases vary a string header parameter: missing, empty, its
// valid value, at and beyond its lengths, near its pattern and its enum,
// the name in lower case. Values stay visible ASCII (headerSafe): what a
// header line cannot carry is for WireCases. Two lines of it are left
// out: kin-openapi and internal/rules read the first, the stub refuses
// both (see the integer parameter's "given twice").
func stringParamCases(op *operation, p rules.Param) []Case {
	s := p.Schema
	valid, ok := paramValue(p)
	if !ok {
		op.gap("the battery finds no valid value for header %s of type string (no example, default or enum member its schema accepts); "+
			"give its schema an example, or teach the battery", p.Name)
		return nil
	}
	check := stringCheck(s)
	var cs []Case
	seen := map[string]bool{}
	value := func(what, v, note string) {
		if seen[what] || !headerSafe(v) {
			return
		}
		seen[what] = true
		cs = append(cs, op.paramCase(p.Name, what, []string{v}, check(v), note))
	}
	cs = append(cs, op.paramCase(p.Name, "missing", nil, !p.Required, ""))
	value("empty", "", "present but empty: the schema decides (a string may be empty)")
	value(fmt.Sprintf("valid %q", valid), valid, "")
	value("one character", "u", "")
	min := int(s.MinLength)
	if min > 1 {
		value(fmt.Sprintf("%d characters (minLength)", min), strings.Repeat("u", min), "")
		value(fmt.Sprintf("%d characters (minLength-1)", min-1), strings.Repeat("u", min-1), "")
	}
	if s.MaxLength != nil {
		max := int(*s.MaxLength)
		value(fmt.Sprintf("%d characters (maxLength)", max), strings.Repeat("u", max), "")
		value(fmt.Sprintf("%d characters (maxLength+1)", max+1), strings.Repeat("u", max+1), "")
	} else if s.Pattern == nil && s.Enum == nil {
		value("4096 characters", strings.Repeat("u", 4096), "long, yet well within net/http's header limit")
	}
	if s.Pattern != nil {
		for _, v := range patternProbes(valid) {
			value(fmt.Sprintf("pattern: %q", v), v, "pattern "+s.Pattern.Source)
		}
	}
	for _, v := range enumProbes(s, valid) {
		value(fmt.Sprintf("enum: %q", v), v, "enum "+mustJSON(s.Enum))
	}
	value("inner space", valid[:len(valid)/2]+" "+valid[len(valid)/2:], "")
	other := strings.ToLower(p.Name)
	if other == p.Name {
		other = strings.ToUpper(p.Name)
	}
	c := op.paramCase(p.Name, "name in other case", nil, check(valid), "header names are case-insensitive (RFC 9110 section 5.1)")
	c.Header[other] = []string{valid}
	return append(cs, c)
}

// integerParamCases send a bounded integer header parameter at and beyond
// its bounds and in every odd spelling of an integer.
func integerParamCases(op *operation, p rules.Param) []Case {
	var cs []Case
	s := p.Schema
	min, max := int64(*s.Minimum), int64(*s.Maximum)
	limit := int64(math.MaxInt64)
	if s.Format == "int32" {
		limit = math.MaxInt32
	}
	valid := func(v int64) bool { return v >= min && v <= max && v <= limit }
	add := func(what string, values []string, ok bool, note string) {
		cs = append(cs, op.paramCase(p.Name, what, values, ok, note))
	}
	num := func(v int64) { add(strconv.FormatInt(v, 10), []string{strconv.FormatInt(v, 10)}, valid(v), "") }
	for _, v := range []int64{min, min - 1, max, max + 1, 0, -min, limit, limit + 1} {
		num(v)
	}
	if d, err := strconv.ParseInt(s.Default, 10, 64); err == nil {
		num(d)
	}
	mid := strconv.FormatInt(min*10, 10)
	integral := "a decimal integer with a sign or leading zeros is the same integer (strconv.ParseInt, as both kin-openapi and the binder read it)"
	for _, odd := range []struct {
		what, v string
		ok      bool
		note    string
	}{
		{"plus sign", "+" + mid, valid(min * 10), integral},
		{"leading zero", "0" + mid, valid(min * 10), integral},
		{"fraction", mid + ".0", false, "an integer parameter takes no fraction"},
		{"exponent", mid[:1] + "e" + strconv.Itoa(len(mid)-1), false, "an integer parameter takes no exponent"},
		{"hexadecimal", "0x" + strconv.FormatInt(min*10, 16), false, ""},
		{"underscore separator", mid[:1] + "_" + mid[1:], false, ""},
		{"trailing letters", mid + "s", false, ""},
		{"letters", "ten", false, ""},
		{"true", "true", false, ""},
		{"null", "null", false, ""},
		{"empty", "", false, "present but empty is not an integer"},
		{"30 digits", strings.Repeat("9", 30), false, ""},
		{"Arabic-Indic digits", "٦٠٠", false, ""},
		{"a list", mid + ", " + mid, false, "one value, not a list"},
	} {
		add(odd.what, []string{odd.v}, odd.ok, odd.note)
	}
	add("given twice", []string{mid, mid}, false, "two values of a single-valued header are ambiguous")
	return cs
}
