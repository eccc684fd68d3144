package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aicc-kit/applytoken/client"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// requestFlags are the flags of the applyToken request: one per property of
// its body schema, so that a property the spec adds is a flag after `make
// generate`, with no second copy of the request's fields here. The values
// travel by the properties' JSON names into the generated request type; the
// rules of each value (lengths, patterns, bounds) stay the client's to check.
type requestFlags struct {
	schema *rules.Schema
	// flags: the required properties in the schema's order, then the
	// others by name, so that the synopsis is the same on every run.
	flags []*propertyFlag
}

// newRequestFlags defines on fs a flag for each property of schema, named
// by the property in kebab case (userId is -user-id). It panics if a name
// is already taken: a contract that the command cannot offer in full must
// not run with a flag missing.
func newRequestFlags(fs *flag.FlagSet, schema *rules.Schema) *requestFlags {
	r := &requestFlags{schema: schema}
	names := slices.Sorted(maps.Keys(schema.Properties))
	names = slices.DeleteFunc(names, func(n string) bool { return slices.Contains(schema.Required, n) })
	for _, prop := range slices.Concat(schema.Required, names) {
		s := schema.Property(prop)
		if s == nil {
			s = &rules.Schema{} // required but not described: any value, as JSON
		}
		f := &propertyFlag{name: kebab(prop), prop: prop, schema: s}
		if fs.Lookup(f.name) != nil {
			panic(fmt.Sprintf("applytoken: property %s of %s would be flag -%s, which is already defined", prop, schema.Name, f.name))
		}
		fs.Var(f, f.name, f.usage(slices.Contains(schema.Required, prop)))
		r.flags = append(r.flags, f)
	}
	return r
}

// synopsis is the request's part of the usage line: the required flags,
// then the optional ones in brackets.
func (r *requestFlags) synopsis() string {
	var parts []string
	for _, f := range r.flags {
		arg := "-" + f.name
		if f.schema.Type != rules.TypeBoolean {
			name, _ := flag.UnquoteUsage(&flag.Flag{Value: f, Usage: f.usage(false)})
			arg += " " + strings.ToUpper(name)
		}
		if !slices.Contains(r.schema.Required, f.prop) {
			arg = "[" + arg + "]"
		}
		parts = append(parts, arg)
	}
	return strings.Join(parts, " ")
}

// missing returns the first required flag that was not given, or "". An
// empty value given on purpose is left to the contract's own check, which
// names the property; a flag left out entirely is a usage error of its
// own, since its property would otherwise be sent as its type's zero value.
func (r *requestFlags) missing() string {
	for _, f := range r.flags {
		if !f.set && slices.Contains(r.schema.Required, f.prop) {
			return "-" + f.name
		}
	}
	return ""
}

// body returns the request body the flags given make: a JSON object with
// one member per flag, under its property's name.
func (r *requestFlags) body() ([]byte, error) {
	m := make(map[string]any, len(r.flags))
	for _, f := range r.flags {
		if f.set {
			m[f.prop] = f.value
		}
	}
	return json.Marshal(m)
}

// request decodes the body into the generated request type. A member the
// type has no field for is an error rather than a value dropped in silence
// (client/request_test.go keeps the type and the schema in step).
func (r *requestFlags) request() (client.ApplyTokenRequest, error) {
	var req client.ApplyTokenRequest
	body, err := r.body()
	if err != nil {
		return req, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(&req)
	return req, err
}

// propertyFlag is the flag of one request property. Set reads the text by
// the property's JSON type, so that an integer is sent as a JSON number and
// a bad one is refused when the flags are parsed, naming the flag.
type propertyFlag struct {
	name   string // the flag's name
	prop   string // the property's name, as the wire spells it
	schema *rules.Schema
	text   string
	value  any
	set    bool
}

func (f *propertyFlag) String() string { return f.text }

// IsBoolFlag lets a boolean property be set by its flag alone, as with
// flag.Bool.
func (f *propertyFlag) IsBoolFlag() bool { return f.schema.Type == rules.TypeBoolean }

func (f *propertyFlag) Set(text string) error {
	// encoding/json would turn bad bytes into U+FFFD without a word, and
	// the client could then no longer refuse them.
	if !utf8.ValidString(text) {
		return errors.New("must be valid UTF-8")
	}
	var v any
	switch f.schema.Type {
	case rules.TypeString:
		v = text
	case rules.TypeInteger:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return errors.New("must be an integer")
		}
		v = n
	case rules.TypeNumber:
		n, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
			return errors.New("must be a finite number")
		}
		v = n
	case rules.TypeBoolean:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return errors.New("must be true or false")
		}
		v = b
	default: // an object, an array or any value: JSON text
		if !json.Valid([]byte(text)) {
			return errors.New("must be JSON text")
		}
		v = json.RawMessage(text)
	}
	f.text, f.value, f.set = text, v, true
	return nil
}

// usage says what the spec holds of the property: its type, its example
// and whether it is required. gen/contract carries no descriptions; the
// spec has them (the -h text points there).
func (f *propertyFlag) usage(required bool) string {
	var b strings.Builder
	b.WriteString(f.prop + " of the request, ")
	switch f.schema.Type {
	case rules.TypeString:
		b.WriteString("a `string`")
	case rules.TypeInteger:
		b.WriteString("an `integer`")
	case rules.TypeNumber:
		b.WriteString("a `number`")
	case rules.TypeBoolean:
		b.WriteString("true or false") // a bool flag: no value name
	case rules.TypeObject:
		b.WriteString("an object as `JSON`")
	case rules.TypeArray:
		b.WriteString("an array as `JSON`")
	default:
		b.WriteString("any value as `JSON`")
	}
	if ex := f.schema.Example; ex != "" {
		var s string
		if f.schema.Type == rules.TypeString && json.Unmarshal([]byte(ex), &s) == nil {
			ex = s
		}
		b.WriteString(", e.g. " + ex)
	}
	if required {
		b.WriteString(" (required)")
	}
	return b.String()
}

// kebab spells a property's name as a flag: userId is user-id, channelId
// channel-id, app_key app-key, and an initialism stays one word (userID is
// user-id, HTTPProxy http-proxy).
func kebab(name string) string {
	r := []rune(name)
	var b strings.Builder
	for i, c := range r {
		switch {
		case c == '_':
			c = '-'
		case unicode.IsUpper(c):
			prev := func(is func(rune) bool) bool { return i > 0 && is(r[i-1]) }
			if prev(unicode.IsLower) || prev(unicode.IsDigit) ||
				prev(unicode.IsUpper) && i+1 < len(r) && unicode.IsLower(r[i+1]) {
				b.WriteByte('-')
			}
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}
