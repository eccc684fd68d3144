package rules

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Where a violation is.
const (
	InHeader = "header"
	InBody   = "body"
)

// Violation is one rule of the contract that a request breaks. Its text
// is built from the contract alone (names, bounds, patterns), never from
// the request, so it is safe to send back and to log.
type Violation struct {
	In string // InHeader or InBody
	// Name is the header's name as the contract writes it, or the field's
	// path in the body ("userId", "items/0/name"); "" for the body itself.
	Name string
	// Rule is the keyword broken: "required", "type", "minLength",
	// "maxLength", "pattern", "enum", "minimum", "security", "contentType",
	// "json", "utf8" and so on.
	Rule string
	// Reason says what the rule asks for, in words: "must be at most 32
	// characters".
	Reason string
}

func (v Violation) Error() string {
	switch {
	case v.In == InHeader:
		return "header " + v.Name + " " + v.Reason
	case v.Name == "":
		return "the body " + v.Reason
	}
	return "field " + v.Name + " " + v.Reason
}

// CheckRequest checks everything of a request the contract states: the
// security requirement's credentials are present and well formed, the
// header parameters, and the body. It returns every violation, in that
// order; none means the request keeps to the contract.
func (op *Operation) CheckRequest(h http.Header, body []byte) []Violation {
	_, out := op.DecodeRequest(h, body)
	return out
}

// DecodeRequest is CheckRequest for a server: it also returns the body's
// value as the checks read it (see DecodeBody), so that a handler binds
// exactly what was checked, without decoding the body again.
func (op *Operation) DecodeRequest(h http.Header, body []byte) (any, []Violation) {
	out := op.CheckSecurity(h)
	out = append(out, op.CheckParams(h)...)
	v, bodyOut := op.DecodeBody(h.Get("Content-Type"), body)
	return v, append(out, bodyOut...)
}

// CheckSecurity reports the credentials op's security requirement names
// that are missing or malformed: an apiKey header that is absent or empty,
// an Authorization that is not "Bearer <token>". It checks their form
// only; whether a server accepts them is the server's business. When op
// offers alternatives, the violations of the nearest one are returned.
func (op *Operation) CheckSecurity(h http.Header) []Violation {
	var best []Violation
	for i, alt := range op.Security {
		var out []Violation
		for _, s := range alt {
			if v, ok := s.check(h); !ok {
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			return nil
		}
		if i == 0 || len(out) < len(best) {
			best = out
		}
	}
	return best
}

func (s *SecurityScheme) check(h http.Header) (Violation, bool) {
	switch {
	case s.Type == "apiKey" && s.In == InHeader:
		if headerValue(h, s.Name) == "" {
			return Violation{In: InHeader, Name: s.Name, Rule: "security", Reason: "is required (security scheme " + s.Key + ")"}, false
		}
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		v := headerValue(h, "Authorization")
		const prefix = "Bearer "
		if len(v) <= len(prefix) || !strings.EqualFold(v[:len(prefix)], prefix) {
			return Violation{In: InHeader, Name: "Authorization", Rule: "security", Reason: "must be \"Bearer <token>\" (security scheme " + s.Key + ")"}, false
		}
	}
	return Violation{}, true
}

// CheckParams checks op's header parameters in h, as kin-openapi reads
// them: the first value of each, parsed by the schema's type.
func (op *Operation) CheckParams(h http.Header) []Violation {
	var out []Violation
	for i := range op.Params {
		out = append(out, op.Params[i].check(h)...)
	}
	return out
}

func (p *Param) check(h http.Header) []Violation {
	bad := func(rule, reason string) []Violation {
		return []Violation{{In: InHeader, Name: p.Name, Rule: rule, Reason: reason}}
	}
	vals, found := h[canonicalKey(p.Name)]
	switch {
	case !found && p.Required:
		return bad("required", "is required")
	case !found:
		return nil
	case len(vals) == 0 || (vals[0] == "" && p.Schema.Type != TypeString):
		return bad("empty", "must not be empty")
	}
	var v any = vals[0]
	switch p.Schema.Type {
	case TypeInteger:
		bits := 64
		if p.Schema.Format == "int32" {
			bits = 32
		}
		n, err := strconv.ParseInt(vals[0], 10, bits)
		if err != nil {
			return bad("type", "must be "+typeNames[TypeInteger]+inFormatText(p.Schema.Format))
		}
		v = float64(n)
	case TypeString, TypeAny:
	default:
		return bad("type", "has a type the kit does not read from headers")
	}
	out := p.Schema.CheckValue(p.Name, v)
	for i := range out {
		out[i].In = InHeader
	}
	return out
}

func inFormatText(format string) string {
	if format == "" {
		return ""
	}
	return " of format " + format
}

// CheckBody checks a request body sent with contentType: present when
// required, of a media type the contract lists, valid UTF-8, exactly one
// JSON value, and that value against the schema.
func (op *Operation) CheckBody(contentType string, body []byte) []Violation {
	_, out := op.DecodeBody(contentType, body)
	return out
}

// DecodeBody is CheckBody that also returns the body's value as the
// checks read it: encoding/json's any, with numbers as json.Number; nil
// when there is no body or it is not one JSON value.
func (op *Operation) DecodeBody(contentType string, body []byte) (any, []Violation) {
	b := op.Body
	if b == nil {
		return nil, nil
	}
	if len(body) == 0 {
		if b.Required {
			return nil, []Violation{{In: InBody, Rule: "required", Reason: "is required"}}
		}
		return nil, nil
	}
	if !b.accepts(contentType) {
		return nil, []Violation{{In: InHeader, Name: "Content-Type", Rule: "contentType", Reason: "must be " + strings.Join(b.ContentTypes, " or ")}}
	}
	return b.Schema.decodeJSON(body)
}

// OverCap returns TooLarge for a body of n bytes when the contract caps
// it (x-max-body-bytes) below n, or nil. It is not among CheckBody's
// checks: a server answers it with 413, before reading the body, where the
// others are a 400; a client refuses it as it refuses them.
func (b *Body) OverCap(n int64) *Violation {
	if b.MaxBytes <= 0 || n <= b.MaxBytes {
		return nil
	}
	v := b.TooLarge()
	return &v
}

// TooLarge is the violation of a body over the cap of x-max-body-bytes.
func (b *Body) TooLarge() Violation {
	return Violation{In: InBody, Rule: "maxBytes", Reason: "must be at most " + strconv.FormatInt(b.MaxBytes, 10) + " bytes (x-max-body-bytes)"}
}

// CheckJSON checks a JSON text against s: valid UTF-8 (RFC 8259 section
// 8.1), exactly one value, and that value against the schema.
func (s *Schema) CheckJSON(body []byte) []Violation {
	_, out := s.decodeJSON(body)
	return out
}

func (s *Schema) decodeJSON(body []byte) (any, []Violation) {
	bad := func(rule, reason string) []Violation {
		return []Violation{{In: InBody, Rule: rule, Reason: reason}}
	}
	if !utf8.Valid(body) {
		return nil, bad("utf8", "is not valid UTF-8")
	}
	// json.Unmarshal asks for exactly one value and is the cheaper decode
	// (no Decoder, no stream buffer), but it reads numbers as float64,
	// which loses the digits a handler binding an int64 needs, and refuses
	// one beyond float64 that the rules report as a type violation. So a
	// body with a number in it, or one Unmarshal refuses, is decoded again
	// with UseNumber: both decoders read the same JSON, so the value is
	// the one UseNumber alone gives.
	var v any
	if err := json.Unmarshal(body, &v); err == nil && !hasNumber(v) {
		return v, s.CheckValue("", v)
	}
	// One value, and nothing after it but JSON's white space: what
	// json.Valid asks, without a third pass over the body.
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v = nil
	if err := dec.Decode(&v); err != nil || len(bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n")) != 0 {
		return nil, bad("json", "is not one valid JSON value")
	}
	return v, s.CheckValue("", v)
}

// hasNumber reports whether a value decoded into any holds a number.
func hasNumber(v any) bool {
	switch v := v.(type) {
	case float64:
		return true
	case map[string]any:
		for _, m := range v {
			if hasNumber(m) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasNumber(e) {
				return true
			}
		}
	}
	return false
}

// accepts reports whether a Content-Type selects the body's content, as
// kin-openapi's Content.Get does: the whole value, then its media type
// without parameters, then type/*, then */*, all without regard to case.
func (b *Body) accepts(contentType string) bool {
	ct := strings.TrimSpace(contentType)
	// For ASCII, EqualFold is ToLower-then-compare without the copy;
	// beyond it the two differ (strings.ToLower makes "İ" an "i"), so the
	// rare non-ASCII value is lowered as kin-openapi lowers it.
	same := strings.EqualFold
	if !isASCII(ct) {
		ct = strings.ToLower(ct)
		same = func(k, v string) bool { return strings.ToLower(k) == v }
	}
	has := func(key string) bool {
		for _, k := range b.ContentTypes {
			if same(k, key) {
				return true
			}
		}
		return false
	}
	if ct == "" {
		return has("*/*")
	}
	if has(ct) {
		return true
	}
	base, _, _ := strings.Cut(ct, ";")
	base = strings.TrimSpace(base)
	if has(base) {
		return true
	}
	typ, _, ok := strings.Cut(base, "/")
	return ok && (has(typ+"/*") || has("*/*"))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// First returns the first violation, or nil when there is none.
func First(vs []Violation) *Violation {
	if len(vs) == 0 {
		return nil
	}
	return &vs[0]
}

// canonicalKeys remembers the canonical form of the header names the
// contract uses, so that a request's check does not allocate one each
// time (http.CanonicalHeaderKey does for a name like x-app-key).
var canonicalKeys sync.Map // string to string

func canonicalKey(name string) string {
	if k, ok := canonicalKeys.Load(name); ok {
		return k.(string)
	}
	k := http.CanonicalHeaderKey(name)
	canonicalKeys.Store(name, k)
	return k
}

// headerValue is h.Get(name) for a name of the contract.
func headerValue(h http.Header, name string) string {
	if v := h[canonicalKey(name)]; len(v) > 0 {
		return v[0]
	}
	return ""
}
