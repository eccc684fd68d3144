package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/aicc-kit/applytoken/gen"
)

// compiledOp is one operation's request rules, read from the contract when
// the Stub starts: what kin-openapi would check, in the order it checks it.
type compiledOp struct {
	headers []headerRule
	body    *bodyRule // nil when the operation declares no request body
}

// headerRule is an integer header parameter.
type headerRule struct {
	key      string // canonical form, as net/http stores it
	required bool
	bits     int // strconv.ParseInt's bitSize: the format's width
	min, max *float64
	invalid  error // the one answer to any fault: the contract's name for it
	set      func(*input, int64)
}

// bodyRule is a JSON object body whose declared properties are strings.
type bodyRule struct {
	required bool
	content  openapi3.Content
	// fastTypes are Content-Type values the contract is known to accept,
	// spared kin-openapi's media-type lookup.
	fastTypes []string
	props     []propRule // sorted by name: kin-openapi checks them in that order
	needed    []int      // props that are required, in the contract's order
}

// propRule is a string property.
type propRule struct {
	name             string
	minLen           int
	maxLen           int // < 0: none
	pattern          *stringPattern
	mismatch, absent error
	field            func(*input) *string // where the strict handler binds it
}

// maxProps bounds the properties a compiled body may declare, so that a
// request's findings fit in arrays on the stack.
const maxProps = 16

// input is a request the compiled validator accepted, bound as the
// generated strict handler would bind it.
type input struct {
	apply  gen.ApplyTokenRequest
	creds  gen.AccessTokenRequest
	params gen.TokenByAkSkParams
	expire int32
}

// bodyTargets and headerTargets say where the strict handler's types keep
// each body property and header parameter. An operation whose contract
// names anything not listed here, or leaves out anything listed, is not
// compiled: kin-openapi keeps validating it.
var bodyTargets = map[operation]map[string]func(*input) *string{
	opApplyToken: {
		"userId":    func(in *input) *string { return &in.apply.UserId },
		"userName":  func(in *input) *string { return &in.apply.UserName },
		"channelId": func(in *input) *string { return &in.apply.ChannelId },
		"locale":    func(in *input) *string { return &in.apply.Locale },
	},
	opTokenByAkSk: {
		"app_key":    func(in *input) *string { return &in.creds.AppKey },
		"app_secret": func(in *input) *string { return &in.creds.AppSecret },
	},
}

var headerTargets = map[operation]map[string]func(*input, int64){
	opTokenByAkSk: {
		"X-Token-Expire": func(in *input, v int64) {
			in.expire = int32(v) // the rule's 32-bit parse has bounded it
			in.params.XTokenExpire = &in.expire
		},
	},
}

// compileOperation reads route's request rules. It refuses, with the
// reason, any keyword it does not mirror, so that a contract change it
// cannot follow costs speed, never correctness.
func compileOperation(op operation, route *routers.Route) (*compiledOp, error) {
	if len(route.PathItem.Parameters) > 0 {
		return nil, fmt.Errorf("path-level parameters")
	}
	c := &compiledOp{}
	for _, ref := range route.Operation.Parameters {
		h, err := compileHeader(op, ref.Value)
		if err != nil {
			return nil, err
		}
		c.headers = append(c.headers, h)
	}
	if len(c.headers) != len(headerTargets[op]) {
		return nil, fmt.Errorf("the contract's header parameters differ from the generated ones")
	}
	if rb := route.Operation.RequestBody; rb != nil {
		b, err := compileBody(op, rb.Value)
		if err != nil {
			return nil, err
		}
		c.body = b
	} else if len(bodyTargets[op]) > 0 {
		return nil, fmt.Errorf("no request body, but the generated code binds one")
	}
	return c, nil
}

func compileHeader(op operation, p *openapi3.Parameter) (headerRule, error) {
	h := headerRule{key: http.CanonicalHeaderKey(p.Name), required: p.Required, bits: 64}
	set, ok := headerTargets[op][p.Name]
	switch {
	case p.In != openapi3.ParameterInHeader:
		return h, fmt.Errorf("parameter %s is in %s", p.Name, p.In)
	case !ok:
		return h, fmt.Errorf("header %s is not bound by the generated code", p.Name)
	case p.Schema == nil || p.Content != nil || p.AllowEmptyValue || (p.Style != "" && p.Style != "simple"):
		return h, fmt.Errorf("header %s: unsupported serialization", p.Name)
	}
	if err := onlyKeys(p, "name", "in", "required", "description", "schema", "example", "deprecated"); err != nil {
		return h, fmt.Errorf("header %s: %w", p.Name, err)
	}
	s := p.Schema.Value
	if err := onlyKeys(s, "type", "format", "minimum", "maximum", "default", "description", "example", "title"); err != nil {
		return h, fmt.Errorf("header %s: %w", p.Name, err)
	}
	switch {
	case !s.Type.Is(openapi3.TypeInteger):
		return h, fmt.Errorf("header %s is not an integer", p.Name)
	case s.Format == "int32":
		h.bits = 32
	case s.Format != "" && s.Format != "int64":
		return h, fmt.Errorf("header %s: format %q", p.Name, s.Format)
	}
	h.min, h.max, h.set = s.Min, s.Max, set
	h.invalid = &invalidRequest{fmt.Sprintf("header %s does not match the contract", p.Name)}
	return h, nil
}

// jsonMediaKey is the one media type the compiled rules read: JSON.
const jsonMediaKey = "application/json"

// commonJSONTypes are the Content-Type values tried at start-up for a
// body's fast list.
var commonJSONTypes = []string{
	"application/json",
	"application/json; charset=UTF-8",
	"application/json; charset=utf-8",
	"application/json;charset=UTF-8",
	"application/json;charset=utf-8",
}

func compileBody(op operation, rb *openapi3.RequestBody) (*bodyRule, error) {
	media := rb.Content[jsonMediaKey]
	if len(rb.Content) != 1 || media == nil || media.Schema == nil || media.Schema.Value == nil || len(media.Encoding) > 0 {
		return nil, fmt.Errorf("the body is not just %s with a schema", jsonMediaKey)
	}
	b := &bodyRule{required: rb.Required, content: rb.Content}
	for _, ct := range commonJSONTypes {
		if rb.Content.Get(ct) == media {
			b.fastTypes = append(b.fastTypes, ct)
		}
	}
	s := media.Schema.Value
	if err := onlyKeys(s, "type", "properties", "required", "description", "example", "title"); err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	if !s.Type.Is(openapi3.TypeObject) || len(s.Properties) > maxProps {
		return nil, fmt.Errorf("body: not an object of at most %d properties", maxProps)
	}
	fields := bodyTargets[op]
	if len(s.Properties) != len(fields) {
		return nil, fmt.Errorf("body: the contract's properties differ from the generated ones")
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		p, err := compileProp(name, s.Properties[name].Value, fields[name])
		if err != nil {
			return nil, err
		}
		b.props = append(b.props, p)
	}
	for _, name := range s.Required {
		i := slices.IndexFunc(b.props, func(p propRule) bool { return p.name == name })
		if i < 0 {
			return nil, fmt.Errorf("body: required %s is not a property", name)
		}
		b.needed = append(b.needed, i)
	}
	return b, nil
}

func compileProp(name string, s *openapi3.Schema, field func(*input) *string) (propRule, error) {
	p := propRule{
		name:     name,
		maxLen:   -1,
		field:    field,
		mismatch: &invalidRequest{fmt.Sprintf("field %s does not match the contract", name)},
		absent:   &invalidRequest{fmt.Sprintf("field %s is missing", name)},
	}
	switch {
	case s == nil:
		return p, fmt.Errorf("property %s is not resolved", name)
	case field == nil:
		return p, fmt.Errorf("property %s is not bound by the generated code", name)
	case !s.Type.Is(openapi3.TypeString):
		return p, fmt.Errorf("property %s is not a string", name)
	}
	if err := onlyKeys(s, "type", "minLength", "maxLength", "pattern", "description", "example", "title"); err != nil {
		return p, fmt.Errorf("property %s: %w", name, err)
	}
	p.minLen = int(min(s.MinLength, 1<<31))
	if s.MaxLength != nil {
		p.maxLen = int(min(*s.MaxLength, 1<<31))
	}
	if s.Pattern != "" {
		pat, err := compilePattern(s.Pattern)
		if err != nil {
			return p, fmt.Errorf("property %s: %w", name, err)
		}
		p.pattern = pat
	}
	return p, nil
}

// onlyKeys fails when v, as the contract's JSON, has a keyword other than
// those allowed (and extensions, which validate nothing). Reading the
// keywords from the JSON rather than from the struct means a keyword
// kin-openapi learns later is refused here, not ignored.
func onlyKeys(v any, allowed ...string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for k := range m {
		if !slices.Contains(allowed, k) && !strings.HasPrefix(k, "x-") {
			return fmt.Errorf("keyword %q is not compiled", k)
		}
	}
	return nil
}

// mirrored reports whether kin-openapi runs with the options the compiled
// rules mirror: first error only, defaults not written, body validated,
// kin-openapi's own regexp engine.
func mirrored(o *openapi3filter.Options) bool {
	return o.SkipSettingDefaults && !o.MultiError && !o.ExcludeRequestBody &&
		!o.RejectWhenRequestBodyNotSpecified && o.RegexCompiler == nil &&
		len(o.SchemaValidationOptions) == 0
}
