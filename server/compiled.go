package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// compiledValidator validates with rules compiled from the contract at
// start-up (compile.go), in one pass over the body that also decodes it:
// no map[string]any, no reflection, and the strict handler's types come
// out bound. It answers exactly as kinValidator does, which stays the
// oracle its tests compare it with; an operation whose contract it could
// not compile is left to that oracle.
type compiledValidator struct {
	ops    [len(operationIDs)]*compiledOp
	oracle *kinValidator
	// refused says why an operation was left to the oracle.
	refused map[operation]error
}

func newCompiledValidator(oracle *kinValidator) *compiledValidator {
	v := &compiledValidator{oracle: oracle, refused: map[operation]error{}}
	for op, route := range oracle.routes {
		switch {
		case !mirrored(oracle.options):
			v.refused[op] = errOptionsNotMirrored
			continue
		case op != opApplyToken && op != opTokenByAkSk:
			v.refused[op] = errNotDispatched
			continue
		}
		c, err := compileOperation(op, route)
		if err != nil {
			v.refused[op] = err
			continue
		}
		v.ops[op] = c
	}
	return v
}

// Why an operation is not compiled, beside what compileOperation says.
var (
	errOptionsNotMirrored = errors.New("kin-openapi's options are not the ones compiled")
	errNotDispatched      = errors.New("dispatch does not serve the operation")
)

// The body's answers, in kinValidator's words.
var (
	errBodyMissing   = &invalidRequest{"the body is missing"}
	errBodyMediaType = &invalidRequest{"the body must be sent as application/json"}
	errBodyNotJSON   = &invalidRequest{"the body is not valid JSON"}
	errBodyMismatch  = &invalidRequest{"the body does not match the contract"}
)

func (v *compiledValidator) validate(r *http.Request, op operation, body []byte) error {
	if v.ops[op] == nil {
		return v.oracle.validate(r, op, body)
	}
	_, err := v.validateBytes(r.Header, op, body, new(input))
	return err
}

func (v *compiledValidator) validateBytes(h http.Header, op operation, body []byte, in *input) (bool, error) {
	c := v.ops[op]
	if c == nil {
		return false, nil
	}
	for i := range c.headers {
		if err := c.headers[i].check(h, in); err != nil {
			return true, err
		}
	}
	if c.body != nil {
		var ct string // what Header.Get gives kin-openapi, without canonicalising a canonical name
		if v := h["Content-Type"]; len(v) > 0 {
			ct = v[0]
		}
		if err := c.body.check(ct, body, in); err != nil {
			return true, err
		}
	}
	return true, nil
}

// check reads the header as kin-openapi does: its first value only (the
// generated wrapper refuses more than one later, in dispatch), empty
// refused, then parsed and bounded.
func (h *headerRule) check(hdr http.Header, in *input) error {
	vals, found := hdr[h.key]
	if !found || len(vals) == 0 {
		if found || h.required {
			return h.invalid
		}
		return nil
	}
	if vals[0] == "" {
		return h.invalid
	}
	n, err := strconv.ParseInt(vals[0], 10, h.bits)
	if err != nil {
		return h.invalid
	}
	f := float64(n)
	if (h.min != nil && !(*h.min <= f)) || (h.max != nil && !(*h.max >= f)) {
		return h.invalid
	}
	h.set(in, n)
	return nil
}

// check validates and binds a body, in kin-openapi's order: presence,
// media type, JSON syntax of the first value, the value's type, each
// property present (by name), each property required; then the stub's
// own rule that nothing but white space follows the value.
func (b *bodyRule) check(contentType string, data []byte, in *input) error {
	if len(data) == 0 {
		if b.required {
			return errBodyMissing
		}
		return nil
	}
	if !b.accepts(contentType) {
		return errBodyMediaType
	}
	sc := jsonScanner{data: data}
	sc.skipSpace()
	if sc.peek() != '{' {
		if _, ok := sc.value(); !ok {
			return errBodyNotJSON
		}
		return errBodyMismatch
	}
	var found [maxProps]jsonString
	var kinds [maxProps]jsonKind
	if !b.members(&sc, &found, &kinds) {
		return errBodyNotJSON
	}
	var vals [maxProps]string
	b.texts(data, &found, &kinds, &vals)
	for i := range b.props {
		p := &b.props[i]
		if kinds[i] != kindNone && (kinds[i] != kindString || !p.matches(vals[i])) {
			return p.mismatch
		}
	}
	for _, i := range b.needed {
		if kinds[i] == kindNone {
			return b.props[i].absent
		}
	}
	if !sc.onlySpaceLeft() {
		return errBodyNotJSON
	}
	for i := range b.props {
		if kinds[i] == kindString {
			*b.props[i].field(in) = vals[i]
		}
	}
	return nil
}

// accepts answers what kin-openapi's Content.Get answers; the common
// spellings, which it has accepted once at start-up, skip the lookup.
func (b *bodyRule) accepts(contentType string) bool {
	for _, ct := range b.fastTypes {
		if contentType == ct {
			return true
		}
	}
	return b.content.Get(contentType) != nil
}

// members reads the top-level object at sc.pos and notes, for each
// declared property, the kind of the last value given for it, and the
// token when that is a string. encoding/json keeps the last of duplicate
// names, and so does kin-openapi's map.
func (b *bodyRule) members(sc *jsonScanner, found *[maxProps]jsonString, kinds *[maxProps]jsonKind) bool {
	sc.enter()
	sc.skipSpace()
	if sc.peek() == '}' {
		sc.pos++
		sc.depth--
		return true
	}
	for {
		if sc.peek() != '"' {
			return false
		}
		key, ok := sc.str()
		if !ok || !sc.colon() {
			return false
		}
		i := b.lookup(sc.data, key)
		if i >= 0 && sc.peek() == '"' {
			if found[i], ok = sc.str(); !ok {
				return false
			}
			kinds[i] = kindString
		} else {
			kind, ok := sc.value()
			if !ok {
				return false
			}
			if i >= 0 {
				kinds[i] = kind
			}
		}
		more, ok := sc.next('}')
		if !ok {
			return false
		}
		if !more {
			return true
		}
	}
}

// lookup returns the index of the property a member name names, or -1.
func (b *bodyRule) lookup(data []byte, key jsonString) int {
	name := data[key.start:key.end]
	if !key.raw(data) {
		var scratch [64]byte
		name = appendUnquoted(scratch[:0], data, key)
	}
	for i := range b.props {
		if string(name) == b.props[i].name {
			return i
		}
	}
	return -1
}

// texts unquotes the string values found, into one allocation for all.
func (b *bodyRule) texts(data []byte, found *[maxProps]jsonString, kinds *[maxProps]jsonKind, vals *[maxProps]string) {
	size := 0
	for i := range b.props {
		if kinds[i] == kindString {
			size += found[i].end - found[i].start
		}
	}
	if size == 0 {
		return
	}
	var sb strings.Builder
	sb.Grow(size)
	var ends [maxProps]int
	for i := range b.props {
		if kinds[i] != kindString {
			continue
		}
		s := found[i]
		if s.raw(data) {
			sb.Write(data[s.start:s.end])
		} else {
			var scratch [128]byte
			sb.Write(appendUnquoted(scratch[:0], data, s))
		}
		ends[i] = sb.Len()
	}
	all, start := sb.String(), 0
	for i := range b.props {
		if kinds[i] == kindString {
			vals[i], start = all[start:ends[i]], ends[i]
		}
	}
}

// matches checks a string as kin-openapi does: lengths in characters,
// then the pattern.
func (p *propRule) matches(s string) bool {
	if p.minLen > 0 || p.maxLen >= 0 {
		n := len(s)
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				n = utf8.RuneCountInString(s)
				break
			}
		}
		if n < p.minLen || (p.maxLen >= 0 && n > p.maxLen) {
			return false
		}
	}
	return p.pattern == nil || p.pattern.match(s)
}
