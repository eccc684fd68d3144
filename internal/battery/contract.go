package battery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

// operation is what the battery reads from the contract about one
// operation, and what it knows of the demo configuration behind it.
type operation struct {
	id, method, path string
	body             *rules.Schema // the application/json request body
	maxBody          int           // the body's cap in bytes (x-max-body-bytes); 0 for none
	example          object        // the body built from its properties' examples
	params           []rules.Param // the header parameters but credentials
	// header passes every check before the body's: the Content-Type and,
	// for applyToken, the credentials.
	header func() http.Header
	// outcome is the status of a body the schema accepts.
	outcome func(fields map[string]any) int
	// gaps name what the contract asks of the battery that it cannot
	// derive cases for yet (see Gaps).
	gaps []string
}

// gap records something of op's contract the battery derives no cases
// for: a test fails naming it (Gaps), where a panic would kill every
// test binary that uses the battery.
func (op *operation) gap(format string, args ...any) {
	op.gaps = append(op.gaps, op.id+": "+fmt.Sprintf(format, args...))
}

// withParams wraps a header function so that its header also carries
// every required parameter of op (credentials apart) with a valid value,
// so that the cases varying anything else meet no missing parameter.
func (op *operation) withParams(header func() http.Header) func() http.Header {
	return func() http.Header {
		h := header()
		for _, p := range op.params {
			if !p.Required {
				continue
			}
			if v, ok := paramValue(p); ok {
				h[p.Name] = []string{v}
			}
		}
		return h
	}
}

// operations reads both operations from the contract (gen/contract,
// through package openapi).
func operations() []*operation {
	var ops []*operation
	for _, spec := range openapi.Operations() {
		op := &operation{id: spec.ID, method: spec.Method, path: spec.Path}
		for _, p := range spec.Params {
			if !credential(spec, p.Name) { // credentialCases vary those
				op.params = append(op.params, p)
			}
		}
		if spec.Body == nil || spec.Body.Schema == nil || !slices.Contains(spec.Body.ContentTypes, "application/json") {
			panic(fmt.Sprintf("battery: %s has no application/json body", op.id))
		}
		op.body = spec.Body.Schema
		op.maxBody = int(spec.Body.MaxBytes)
		op.example = exampleObject(op.body)
		switch op.id {
		case TokenByAkSk:
			op.header = func() http.Header { return http.Header{"Content-Type": {"application/json"}} }
			op.outcome = func(f map[string]any) int {
				if f["app_key"] == AppKey && f["app_secret"] == AppSecret {
					return http.StatusOK
				}
				return http.StatusUnauthorized
			}
		case ApplyToken:
			op.header = applyHeader
			op.outcome = func(f map[string]any) int {
				if f["channelId"] == Channel || f["channelId"] == DisabledChannel {
					return http.StatusOK
				}
				return http.StatusInternalServerError
			}
		default:
			panic(fmt.Sprintf("battery: the contract's operation %q is new to the battery", op.id))
		}
		op.header = op.withParams(op.header)
		for _, p := range op.params {
			if _, ok := paramValue(p); p.Required && !ok {
				op.gap("the battery finds no valid value for the required header %s, which every case must carry; teach it", p.Name)
			}
		}
		ops = append(ops, op)
	}
	return ops
}

// credential reports whether the header name is one that op's security
// requirement names, such as applyToken's x-app-key (a parameter too).
func credential(op *openapi.Op, name string) bool {
	for _, alt := range op.Security {
		for _, s := range alt {
			if s.Type == "apiKey" && s.In == rules.InHeader && strings.EqualFold(s.Name, name) {
				return true
			}
		}
	}
	return false
}

// applyHeader is applyToken's header as the vendor documents it, with the
// demo app's credentials.
func applyHeader() http.Header {
	return http.Header{
		"Content-Type":  {"application/json; charset=UTF-8"},
		"X-App-Key":     {AppKey},
		"Authorization": {"Bearer " + AccessTokenPlaceholder},
	}
}

// exampleObject is the body of the schema's properties' examples: the
// required ones in the schema's order, then the rest by name. The spec's
// request examples are these values (TestExampleIsTheSpecs).
func exampleObject(schema *rules.Schema) object {
	names := slices.Clone(schema.Required)
	for _, name := range slices.Sorted(maps.Keys(schema.Properties)) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	var o object
	for _, name := range names {
		if ex := schema.Properties[name].Example; ex != "" {
			o = append(o, field{name, ex})
		}
	}
	return o
}

// status is the answer to body, sent with op's header: 413 over the cap,
// then 400 when the schema refuses it, then what the operation says.
func (op *operation) status(body []byte, valid bool) (int, Validation) {
	switch {
	case op.maxBody > 0 && len(body) > op.maxBody:
		return http.StatusRequestEntityTooLarge, Unreached
	case !valid:
		return http.StatusBadRequest, Rejected
	}
	fields, err := decode(body)
	if err != nil {
		panic(fmt.Sprintf("battery: %s: a body marked valid is not JSON: %v", op.id, err))
	}
	return op.outcome(fields), Accepted
}

// decode reads a JSON object as encoding/json does (the last of duplicate
// names wins; bytes that are not UTF-8 become U+FFFD), numbers kept as text.
func decode(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var fields map[string]any
	err := dec.Decode(&fields)
	return fields, err
}

// bodyCase is a POST of body with op's header.
func (op *operation) bodyCase(name string, body []byte, valid bool, note string) Case {
	status, v := op.status(body, valid)
	return Case{
		Name: op.id + "/" + name, Operation: op.id, Method: op.method, Path: op.path,
		Header: op.header(), Body: body, Status: status, Validation: v, Note: note,
	}
}

// field is one member of a JSON object, its value as raw JSON.
type field struct{ name, raw string }

// object is a JSON object written member by member, so that the battery
// can send what encoding/json would never write: duplicate names, raw
// bytes that are not UTF-8.
type object []field

func (o object) json() []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(mustJSON(f.name))
		b.WriteByte(':')
		b.WriteString(f.raw)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// with returns o with name's value replaced by raw.
func (o object) with(name, raw string) object {
	c := slices.Clone(o)
	for i := range c {
		if c[i].name == name {
			c[i].raw = raw
		}
	}
	return c
}

func (o object) without(name string) object {
	return slices.DeleteFunc(slices.Clone(o), func(f field) bool { return f.name == name })
}

// plus returns o with one more member, duplicates allowed.
func (o object) plus(name, raw string) object {
	return append(slices.Clone(o), field{name, raw})
}

// renamed returns o with name's member spelled as key, raw JSON text.
func (o object) renamed(name, key string) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		if f.name == name {
			b.WriteString(key)
		} else {
			b.WriteString(mustJSON(f.name))
		}
		b.WriteByte(':')
		b.WriteString(f.raw)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// raw returns name's value as raw JSON text, or "".
func (o object) raw(name string) string {
	for _, f := range o {
		if f.name == name {
			return f.raw
		}
	}
	return ""
}

func (o object) get(name string) string {
	for _, f := range o {
		if f.name == name {
			var s string
			json.Unmarshal([]byte(f.raw), &s)
			return s
		}
	}
	return ""
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
