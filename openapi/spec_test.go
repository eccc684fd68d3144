package openapi

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The facts below are the contract's decisions (docs/architecture.md, "One reading of the contract"),
// asserted from the document itself so that a careless edit fails here first.

var wantStatuses = map[string][]string{
	"tokenByAkSk": {"200", "400", "401", "413", "500"},
	"applyToken":  {"200", "400", "401", "403", "404", "413", "500"},
}

const errorRef = "#/components/schemas/Error"

func TestSpecValidates(t *testing.T) {
	doc := mustLoad(t)
	err := doc.Validate(context.Background(),
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaPatternValidation(),
		openapi3.EnableSchemaDefaultsValidation(),
	)
	if err != nil {
		t.Fatalf("doc.Validate: %v", err)
	}
}

func TestSpecKeepsTheContract(t *testing.T) {
	if v := checkContract(mustLoad(t)); len(v) > 0 {
		t.Fatalf("the spec breaks %d contract rule(s):\n  %s", len(v), strings.Join(v, "\n  "))
	}
}

// TestContractCheckHasTeeth proves that checkContract notices each kind of
// careless edit, so that TestSpecKeepsTheContract cannot pass vacuously.
func TestContractCheckHasTeeth(t *testing.T) {
	schema := func(d *openapi3.T, name string) *openapi3.Schema { return d.Components.Schemas[name].Value }
	prop := func(d *openapi3.T, s, p string) *openapi3.Schema { return schema(d, s).Properties[p].Value }
	applyOp := func(d *openapi3.T) *openapi3.Operation { return d.Paths.Value(ApplyTokenPath).Post }
	tokenOp := func(d *openapi3.T) *openapi3.Operation { return d.Paths.Value(TokenByAkSkPath).Post }

	mutations := map[string]func(d *openapi3.T){
		"userId maxLength removed":    func(d *openapi3.T) { prop(d, "ApplyTokenRequest", "userId").MaxLength = nil },
		"userId minLength removed":    func(d *openapi3.T) { prop(d, "ApplyTokenRequest", "userId").MinLength = 0 },
		"locale pattern changed":      func(d *openapi3.T) { prop(d, "ApplyTokenRequest", "locale").Pattern = "^[a-z]+$" },
		"userName may be empty":       func(d *openapi3.T) { prop(d, "ApplyTokenRequest", "userName").MinLength = 0 },
		"channelId not required":      func(d *openapi3.T) { dropRequired(schema(d, "ApplyTokenRequest"), "channelId") },
		"resultDesc made required":    func(d *openapi3.T) { s := schema(d, "ApplyTokenResult"); s.Required = append(s.Required, "resultDesc") },
		"resultCode enum widened":     func(d *openapi3.T) { prop(d, "ApplyTokenResult", "resultCode").Enum = []any{"0", "1", "2"} },
		"resultCode varnames dropped": func(d *openapi3.T) { delete(prop(d, "ApplyTokenResult", "resultCode").Extensions, "x-enum-varnames") },
		"Error field not required":    func(d *openapi3.T) { dropRequired(schema(d, "Error"), "exceptionInfo") },
		"app_secret not required":     func(d *openapi3.T) { dropRequired(schema(d, "AccessTokenRequest"), "app_secret") },
		"CreateTime removed":          func(d *openapi3.T) { delete(schema(d, "AccessTokenResult").Properties, "CreateTime") },
		"applyToken 403 dropped":      func(d *openapi3.T) { applyOp(d).Responses.Delete("403") },
		"tokenByAkSk 413 dropped":     func(d *openapi3.T) { tokenOp(d).Responses.Delete("413") },
		"applyToken 418 added":        func(d *openapi3.T) { applyOp(d).Responses.Set("418", applyOp(d).Responses.Value("400")) },
		"security loosened to either": func(d *openapi3.T) { loosenSecurity(applyOp(d)) },
		"tokenByAkSk made secured":    func(d *openapi3.T) { tokenOp(d).Security = nil },
		"Authorization header param":  func(d *openapi3.T) { addAuthorizationParam(applyOp(d)) },
		"charset in media key":        func(d *openapi3.T) { renameMedia(applyOp(d).RequestBody.Value.Content) },
		"error status inlines schema": func(d *openapi3.T) {
			applyOp(d).Responses.Value("400").Value.Content["application/json"].Schema.Ref = ""
		},
		"WWW-Authenticate dropped": func(d *openapi3.T) { delete(applyOp(d).Responses.Value("401").Value.Headers, "WWW-Authenticate") },
		"Cache-Control dropped":    func(d *openapi3.T) { delete(tokenOp(d).Responses.Value("200").Value.Headers, "Cache-Control") },
		"X-Token-Expire unbounded": func(d *openapi3.T) { tokenOp(d).Parameters[0].Value.Schema.Value.Max = nil },
		"error example dropped":    func(d *openapi3.T) { applyOp(d).Responses.Value("500").Value.Content["application/json"].Example = nil },
		"request example dropped":  func(d *openapi3.T) { tokenOp(d).RequestBody.Value.Content["application/json"].Example = nil },
		"ApplyTokenResponse schema": func(d *openapi3.T) {
			d.Components.Schemas["ApplyTokenResponse"] = d.Components.Schemas["ApplyTokenResult"]
		},
		"domain default changed":        func(d *openapi3.T) { d.Servers[0].Variables["domain"].Default = "example.com" },
		"openapi 3.1":                   func(d *openapi3.T) { d.OpenAPI = "3.1.0" },
		"operationId renamed":           func(d *openapi3.T) { applyOp(d).OperationID = "getToken" },
		"components/responses used":     func(d *openapi3.T) { d.Components.Responses = openapi3.ResponseBodies{"E": &openapi3.ResponseRef{}} },
		"unknown request fields denied": func(d *openapi3.T) { schema(d, "ApplyTokenRequest").AdditionalProperties.Has = new(false) },
		"x-app-key parameter dropped":   func(d *openapi3.T) { applyOp(d).Parameters = nil },
		"x-app-key parameter optional":  func(d *openapi3.T) { applyOp(d).Parameters[0].Value.Required = false },
		"x-app-key parameter renamed":   func(d *openapi3.T) { applyOp(d).Parameters[0].Value.Name = "x-app-id" },
		"messagingToken scheme renamed": func(d *openapi3.T) { d.Components.SecuritySchemes["messagingToken"].Value.Name = "token" },
		"hour of the token changed":     func(d *openapi3.T) { schema(d, "ApplyTokenResult").Extensions["x-default-lifetime"] = float64(7200) },
		"Expires not the lifetime":      func(d *openapi3.T) { delete(prop(d, "AccessTokenResult", "Expires").Extensions, "x-lifetime") },
		"body cap dropped":              func(d *openapi3.T) { delete(tokenOp(d).RequestBody.Value.Extensions, "x-max-body-bytes") },
		"vendor path respelled": func(d *openapi3.T) {
			d.Paths.Set("/apiaccess/ccmessaging/applytoken", d.Paths.Value(ApplyTokenPath))
			d.Paths.Delete(ApplyTokenPath)
		},
		"x-app-key not a string":   func(d *openapi3.T) { applyOp(d).Parameters[0].Value.Schema.Value.Type = &openapi3.Types{"integer"} },
		"charset no longer stated": func(d *openapi3.T) { applyOp(d).RequestBody.Value.Description = "Sent as JSON." },
		"404 remedy dropped": func(d *openapi3.T) {
			applyOp(d).Responses.Value("404").Value.Description = new("Not found [applyToken page].")
		},
		"401 remedy dropped": func(d *openapi3.T) {
			applyOp(d).Responses.Value("401").Value.Description = new("Unauthorized [applyToken page].")
		},
		"403 source dropped": func(d *openapi3.T) {
			applyOp(d).Responses.Value("403").Value.Description = new("The AccessToken is illegal or expired.")
		},
		"403 wording changed":          func(d *openapi3.T) { setExample(applyOp(d).Responses.Value("403"), "exceptionInfo", "token expired") },
		"AccessToken sample changed":   func(d *openapi3.T) { setExample(tokenOp(d).Responses.Value("200"), "Expires", "3600") },
		"X-Token-Expire example moved": func(d *openapi3.T) { tokenOp(d).Parameters[0].Value.Example = 300 },
		"locale example not the page's": func(d *openapi3.T) {
			applyOp(d).RequestBody.Value.Content["application/json"].Example.(map[string]any)["locale"] = "de"
		},
		"header example off its schema": func(d *openapi3.T) { d.Components.Headers["CacheControlNoStore"].Value.Example = "max-age=60" },
		"answer without its source":     func(d *openapi3.T) { tokenOp(d).Responses.Value("413").Value.Description = new("Too large.") },
		"operation without its source":  func(d *openapi3.T) { tokenOp(d).Description = "Issues the AccessToken." },
		"schema without its source":     func(d *openapi3.T) { schema(d, "Error").Description = "The error body." },
		"the hour no longer stated": func(d *openapi3.T) {
			applyOp(d).Description = strings.ReplaceAll(applyOp(d).Description, "one hour", "a while")
		},
		"header case no longer stated": func(d *openapi3.T) {
			applyOp(d).Description = strings.ReplaceAll(applyOp(d).Description, "case-insensitive", "exact")
		},
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			doc := mustLoad(t)
			mutate(doc)
			if v := checkContract(doc); len(v) == 0 {
				t.Fatalf("checkContract found nothing wrong after %q", name)
			}
		})
	}
}

func mustLoad(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// checkContract lists every way doc departs from the contract's decisions.
func checkContract(doc *openapi3.T) []string {
	var c checker
	c.check(doc.OpenAPI == "3.0.3", "openapi is %q; want 3.0.3 (kin-openapi is far slower on 3.1)", doc.OpenAPI)
	c.checkServers(doc)
	c.checkOperations(doc)
	c.checkSchemas(doc)
	c.checkSecuritySchemes(doc)
	c.checkExtensions(doc)
	c.checkVendorFacts(doc)
	_, collides := doc.Components.Schemas["ApplyTokenResponse"]
	c.check(!collides, "a schema named ApplyTokenResponse collides with generated client types")
	c.check(len(doc.Components.Responses) == 0, "components/responses makes strict-server types uneven; reference schemas under each status")
	return c.violations
}

type checker struct{ violations []string }

func (c *checker) check(ok bool, format string, args ...any) {
	if !ok {
		c.violations = append(c.violations, fmt.Sprintf(format, args...))
	}
}

func (c *checker) checkServers(doc *openapi3.T) {
	if !c.ok(len(doc.Servers) == 1, "want exactly one server, got %d", len(doc.Servers)) {
		return
	}
	s := doc.Servers[0]
	c.check(s.URL == "https://{domain}", "server URL is %q; want https://{domain}", s.URL)
	v := s.Variables["domain"]
	c.check(v != nil && v.Default == "service.besclouds.com", "server variable domain must default to service.besclouds.com")
}

func (c *checker) ok(ok bool, format string, args ...any) bool {
	c.check(ok, format, args...)
	return ok
}

func (c *checker) checkOperations(doc *openapi3.T) {
	ops := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			c.check(method == "POST", "%s %s: only POST is in the contract", method, path)
			ops[op.OperationID] = op
		}
	}
	c.check(len(ops) == 2, "want the two operations tokenByAkSk and applyToken, got %d", len(ops))
	for id, path := range map[string]string{"tokenByAkSk": TokenByAkSkPath, "applyToken": ApplyTokenPath} {
		item := doc.Paths.Value(path)
		if !c.ok(item != nil && item.Post != nil && item.Post.OperationID == id, "POST %s must have operationId %s", path, id) {
			continue
		}
		c.checkOperation(id, item.Post)
	}
	c.checkTokenExpireParam(doc.Paths.Value(TokenByAkSkPath))
	c.checkAppKeyParam(doc)
	c.checkSecurity(doc)
}

// checkAppKeyParam: applyToken declares x-app-key as a required header
// parameter too, the very header the appKey scheme names, so that a
// generated server hands it to the operation (docs/architecture.md).
func (c *checker) checkAppKeyParam(doc *openapi3.T) {
	item := doc.Paths.Value(ApplyTokenPath)
	if item == nil || item.Post == nil {
		return
	}
	ps := item.Post.Parameters
	ok := len(ps) == 1 && ps[0].Value != nil && ps[0].Value.In == "header" && ps[0].Value.Name == "x-app-key" && ps[0].Value.Required
	c.check(ok, "applyToken must declare exactly one parameter: the required header x-app-key")
	if key := doc.Components.SecuritySchemes["appKey"]; ok && key != nil {
		c.check(key.Value.Name == ps[0].Value.Name, "the x-app-key parameter and the appKey scheme must name the same header")
	}
}

func (c *checker) checkOperation(id string, op *openapi3.Operation) {
	c.check(op.Summary != "" && op.Description != "", "%s needs a summary and a description", id)
	for _, p := range op.Parameters {
		c.check(!strings.EqualFold(p.Value.Name, "Authorization"),
			"%s declares an Authorization parameter; OAS 3.0.3 ignores it, use securitySchemes", id)
	}
	c.checkRequestBody(id, op.RequestBody)

	var got []string
	for code := range op.Responses.Map() {
		got = append(got, code)
	}
	sort.Strings(got)
	c.check(slices.Equal(got, wantStatuses[id]), "%s statuses are %v; want %v", id, got, wantStatuses[id])

	for code, ref := range op.Responses.Map() {
		c.checkResponse(id, code, ref)
	}
}

func (c *checker) checkRequestBody(id string, rb *openapi3.RequestBodyRef) {
	if !c.ok(rb != nil && rb.Value != nil && rb.Value.Required, "%s must require a request body", id) {
		return
	}
	keys := mediaKeys(rb.Value.Content)
	c.check(slices.Equal(keys, []string{"application/json"}),
		"%s request media keys are %v; want only application/json (a charset key makes kin-openapi reject plain JSON)", id, keys)
	if mt := rb.Value.Content["application/json"]; mt != nil {
		c.check(mt.Schema != nil && strings.HasPrefix(mt.Schema.Ref, "#/components/schemas/"), "%s request body must reference a named schema", id)
		c.check(mt.Example != nil || len(mt.Examples) > 0, "%s request body needs an example", id)
	}
}

func (c *checker) checkResponse(id, code string, ref *openapi3.ResponseRef) {
	c.check(ref.Ref == "", "%s %s references components/responses; reference the schema directly", id, code)
	r := ref.Value
	if !c.ok(r != nil, "%s %s has no response", id, code) {
		return
	}
	keys := mediaKeys(r.Content)
	if !c.ok(slices.Equal(keys, []string{"application/json"}), "%s %s media keys are %v; want application/json", id, code, keys) {
		return
	}
	mt := r.Content["application/json"]
	c.check(mt.Example != nil || len(mt.Examples) > 0, "%s %s needs an example of its own", id, code)
	want := errorRef
	if code == "200" {
		want = map[string]string{"tokenByAkSk": "#/components/schemas/AccessTokenResult", "applyToken": "#/components/schemas/ApplyTokenResult"}[id]
		c.checkHeader(id, code, r, "Cache-Control", "no-store")
	}
	c.check(mt.Schema != nil && mt.Schema.Ref == want, "%s %s must reference %s directly", id, code, want)
	if id == "applyToken" && code == "401" {
		c.checkHeader(id, code, r, "WWW-Authenticate", "")
	}
}

func (c *checker) checkHeader(id, code string, r *openapi3.Response, name, enum string) {
	h := r.Headers[name]
	if !c.ok(h != nil && h.Value != nil, "%s %s must declare the %s header", id, code, name) {
		return
	}
	c.check(h.Value.Required, "%s %s header %s must be required", id, code, name)
	if enum != "" {
		s := h.Value.Schema
		c.check(s != nil && slices.Equal(s.Value.Enum, []any{enum}), "%s %s header %s must be %q", id, code, name, enum)
	}
}

func (c *checker) checkTokenExpireParam(item *openapi3.PathItem) {
	if item == nil || item.Post == nil {
		return
	}
	p := item.Post.Parameters.GetByInAndName("header", "X-Token-Expire")
	if !c.ok(p != nil, "tokenByAkSk must declare the X-Token-Expire header") {
		return
	}
	c.check(!p.Required, "X-Token-Expire must be optional")
	s := p.Schema.Value
	c.check(s.Type.Is("integer"), "X-Token-Expire must be an integer")
	c.check(s.Min != nil && *s.Min == 60 && s.Max != nil && *s.Max == 86400, "X-Token-Expire bounds must be 60..86400")
	c.check(s.Default == float64(600) || s.Default == 600, "X-Token-Expire must default to 600, got %v", s.Default)
}

func (c *checker) checkSecurity(doc *openapi3.T) {
	c.check(doc.Security == nil, "no document-wide security: each operation states its own")
	if item := doc.Paths.Value(TokenByAkSkPath); item != nil && item.Post != nil {
		sec := item.Post.Security
		c.check(sec != nil && len(*sec) == 0, "tokenByAkSk must declare security: [] (it is the credential exchange)")
	}
	if item := doc.Paths.Value(ApplyTokenPath); item != nil && item.Post != nil {
		sec := item.Post.Security
		ok := sec != nil && len(*sec) == 1 && len((*sec)[0]) == 2
		if ok {
			_, bearer := (*sec)[0]["bearerAuth"]
			_, key := (*sec)[0]["appKey"]
			ok = bearer && key
		}
		c.check(ok, "applyToken must require bearerAuth AND appKey in one security requirement")
	}
}

func (c *checker) checkSecuritySchemes(doc *openapi3.T) {
	bearer := doc.Components.SecuritySchemes["bearerAuth"]
	c.check(bearer != nil && bearer.Value.Type == "http" && bearer.Value.Scheme == "bearer", "bearerAuth must be an http bearer scheme")
	key := doc.Components.SecuritySchemes["appKey"]
	c.check(key != nil && key.Value.Type == "apiKey" && key.Value.In == "header" && key.Value.Name == "x-app-key", "appKey must be an apiKey header named x-app-key")
	// Later CC-Messaging calls carry ccmessaging-token [Access guides].
	msg := doc.Components.SecuritySchemes["messagingToken"]
	c.check(msg != nil && msg.Value.Type == "apiKey" && msg.Value.In == "header" && msg.Value.Name == "ccmessaging-token", "messagingToken must be an apiKey header named ccmessaging-token")
}

// checkExtensions: the rules JSON Schema has no keyword for. The token of
// applyToken is valid for one hour [applyToken page]; Expires is the
// AccessToken's lifetime in seconds [Access guides]; bodies are capped at
// 64 KiB [stub].
func (c *checker) checkExtensions(doc *openapi3.T) {
	if s := doc.Components.Schemas["ApplyTokenResult"]; s != nil {
		c.check(s.Value.Extensions["x-default-lifetime"] == float64(3600), "ApplyTokenResult x-default-lifetime must be 3600 (one hour)")
	}
	if s := doc.Components.Schemas["AccessTokenResult"]; s != nil && s.Value.Properties["Expires"] != nil {
		c.check(s.Value.Properties["Expires"].Value.Extensions["x-lifetime"] == "seconds", "AccessTokenResult.Expires must carry x-lifetime: seconds")
	}
	for _, path := range []string{TokenByAkSkPath, ApplyTokenPath} {
		if item := doc.Paths.Value(path); item != nil && item.Post != nil && item.Post.RequestBody != nil && item.Post.RequestBody.Value != nil {
			c.check(item.Post.RequestBody.Value.Extensions["x-max-body-bytes"] == float64(65536), "%s request body must carry x-max-body-bytes: 65536", path)
		}
	}
}

// field is one property rule: its type (string unless typ says), required
// or not, and its bounds.
type field struct {
	typ          string
	required     bool
	minLen       uint64
	maxLen       *uint64
	pattern      string
	enum         []any
	enumVarNames []any
}

func (c *checker) checkSchemas(doc *openapi3.T) {
	max32 := uint64(32)
	want := map[string]map[string]field{
		"AccessTokenRequest": {
			"app_key":    {required: true, minLen: 1},
			"app_secret": {required: true, minLen: 1},
		},
		"AccessTokenResult": {
			"AccessToken": {required: true, minLen: 1},
			"ApplyType":   {required: true, enum: []any{"Bearer"}},
			"CreateTime":  {required: true, pattern: "^[0-9]{1,19}$"},
			"Expires":     {required: true, pattern: "^[0-9]{1,19}$"},
			"Scope":       {}, "AppKey": {}, "UserID": {},
		},
		"ApplyTokenRequest": {
			"userId":    {required: true, minLen: 1, maxLen: &max32},
			"userName":  {required: true, minLen: 1},
			"channelId": {required: true, minLen: 1},
			"locale":    {required: true, pattern: "^[a-z]{2,3}$"},
		},
		"ApplyTokenResult": {
			"token":      {required: true},
			"resultCode": {required: true, enum: []any{"0", "1"}, enumVarNames: []any{"ResultCodeSuccess", "ResultCodeFailure"}},
			"resultDesc": {},
		},
		"Error": {
			"errorCode":     {required: true, minLen: 1},
			"exceptionInfo": {required: true, minLen: 1},
		},
	}
	for name, fields := range want {
		ref := doc.Components.Schemas[name]
		if !c.ok(ref != nil && ref.Value != nil, "schema %s is missing", name) {
			continue
		}
		s := ref.Value
		c.check(s.Type.Is("object"), "%s must be an object", name)
		// Unknown fields are ignored, never rejected: either side may grow.
		c.check(s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has, "%s must not forbid unknown fields", name)
		var gotProps []string
		for p := range s.Properties {
			gotProps = append(gotProps, p)
		}
		var wantProps []string
		for p := range fields {
			wantProps = append(wantProps, p)
		}
		sort.Strings(gotProps)
		sort.Strings(wantProps)
		c.check(slices.Equal(gotProps, wantProps), "%s has properties %v; want %v", name, gotProps, wantProps)
		for p, f := range fields {
			c.checkField(name, p, s, f)
		}
	}
}

func (c *checker) checkField(schema, name string, s *openapi3.Schema, f field) {
	ref := s.Properties[name]
	if ref == nil || ref.Value == nil {
		return
	}
	p := ref.Value
	where := schema + "." + name
	typ := f.typ
	if typ == "" {
		typ = "string"
	}
	c.check(p.Type.Is(typ), "%s must be of type %s", where, typ)
	c.check(slices.Contains(s.Required, name) == f.required, "%s required must be %v", where, f.required)
	c.check(p.MinLength == f.minLen, "%s minLength is %d; want %d", where, p.MinLength, f.minLen)
	c.check((p.MaxLength == nil) == (f.maxLen == nil) && (p.MaxLength == nil || *p.MaxLength == *f.maxLen), "%s maxLength is wrong", where)
	c.check(p.Pattern == f.pattern, "%s pattern is %q; want %q", where, p.Pattern, f.pattern)
	c.check(slices.Equal(p.Enum, f.enum), "%s enum is %v; want %v", where, p.Enum, f.enum)
	if f.enumVarNames != nil {
		got, _ := p.Extensions["x-enum-varnames"].([]any)
		c.check(slices.Equal(got, f.enumVarNames), "%s x-enum-varnames is %v; want %v", where, got, f.enumVarNames)
	}
}

func mediaKeys(content openapi3.Content) []string {
	var keys []string
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func dropRequired(s *openapi3.Schema, name string) {
	s.Required = slices.DeleteFunc(slices.Clone(s.Required), func(r string) bool { return r == name })
}

func loosenSecurity(op *openapi3.Operation) {
	sec := openapi3.SecurityRequirements{{"bearerAuth": {}}, {"appKey": {}}}
	op.Security = &sec
}

func addAuthorizationParam(op *openapi3.Operation) {
	op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewHeaderParameter("Authorization")})
}

func renameMedia(content openapi3.Content) {
	content["application/json; charset=UTF-8"] = content["application/json"]
	delete(content, "application/json")
}

// The vendor's pages, copied here on purpose. ApplyTokenPath and
// TokenByAkSkPath come from gen/contract, which is generated from the spec,
// so they follow the spec and cannot hold it to the pages; these do.
const (
	vendorApplyTokenPath  = "/apiaccess/ccmessaging/applyToken"    // [applyToken page]
	vendorTokenByAkSkPath = "/apigovernance/api/oauth/tokenByAkSk" // [Access guides]
)

// vendorAnswers are the answers the vendor's pages document, each with the
// words of the page its description must carry (in any case, across line
// breaks) and the tag naming that page.
var vendorAnswers = map[string]map[string][]string{
	"applyToken": {
		// "Status code: 200" with resultCode "0: success", "1: failure".
		"200": {"business failure", "[applyToken page]"},
		"400": {"Incorrect request. Check the request path and parameters", "[applyToken page]"},
		"401": {"Unauthorized operation", "purchased related services", "status of your account", "[applyToken page]"},
		// "An illegal or expired AccessToken is answered with HTTP 403 ...
		// the remedy is a new AccessToken from tokenByAkSk."
		"403": {"illegal or expired", "tokenByAkSk", "[Access guides]"},
		"404": {"The requested content is not found. Check the request path", "[applyToken page]"},
		"500": {"Business failure", "Check the values of parameters in the request", "[applyToken page]"},
	},
	"tokenByAkSk": {"200": {"[Access guides]"}},
}

// vendorOperationWords are what the pages say of each operation that only
// its description can carry: the token's hour and what a 401 on a later
// call means ("The token is valid within 1 hour. If the system returns
// error code 401 ..., you need to use the applyToken interface to generate a
// token again"), the header it goes in, that header names are
// case-insensitive (X-APP-Key in real integrations), and the AccessToken's
// life of Expires seconds.
var vendorOperationWords = map[string][]string{
	"applyToken":  {"one hour", "401", "apply again", "ccmessaging-token", "case-insensitive", "[applyToken page]"},
	"tokenByAkSk": {"Expires", "[Access guides]"},
}

// vendorSchemaWords: "the guides tell integrators to read exceptionInfo for
// the cause" of every non-200 answer.
var vendorSchemaWords = map[string][]string{
	"Error": {"non-200", "read exceptionInfo for the cause", "[Access guides]"},
}

// vendor403Info is the exceptionInfo the Access guides quote for an illegal
// or expired AccessToken.
const vendor403Info = "auth fail! illegal or expired token info. please apply or refresh the access token from the server!"

// sourceTags are the ways a description names where its rule comes from
// (the spec's info.description defines them).
var sourceTags = []string{"[applyToken page", "[Access guides", "[stub]"}

// checkVendorFacts holds the spec to what the vendor's pages state: paths,
// header types, the documented answers and their remedies, the pages'
// examples, the content types, and a named source on every description of
// an operation, an answer, a parameter, a scheme and a schema.
func (c *checker) checkVendorFacts(doc *openapi3.T) {
	c.check(ApplyTokenPath == vendorApplyTokenPath && TokenByAkSkPath == vendorTokenByAkSkPath,
		"gen/contract serves %s and %s; the vendor's pages say %s and %s", ApplyTokenPath, TokenByAkSkPath, vendorApplyTokenPath, vendorTokenByAkSkPath)
	ops := map[string]*openapi3.Operation{}
	for id, path := range map[string]string{"applyToken": vendorApplyTokenPath, "tokenByAkSk": vendorTokenByAkSkPath} {
		item := doc.Paths.Value(path)
		if c.ok(item != nil && item.Post != nil && item.Post.OperationID == id, "the vendor's pages put %s at POST %s", id, path) {
			ops[id] = item.Post
		}
	}
	if op := ops["applyToken"]; op != nil {
		// "x-app-key | String | Yes" [applyToken page].
		p := op.Parameters.GetByInAndName("header", "x-app-key")
		c.check(p != nil && p.Schema != nil && p.Schema.Value.Type.Is("string"), "the x-app-key header is a String [applyToken page]")
		// "Content-Type: application/json; charset=UTF-8" [Access guides]:
		// stated in words, since the media key stays plain.
		if rb := op.RequestBody; rb != nil && rb.Value != nil {
			c.check(says(rb.Value.Description, "application/json; charset=UTF-8"), "applyToken's request body must say it is sent as application/json; charset=UTF-8 [Access guides]")
		}
	}
	if op := ops["tokenByAkSk"]; op != nil && op.RequestBody != nil && op.RequestBody.Value != nil {
		c.check(says(op.RequestBody.Value.Description, "application/json"), "tokenByAkSk's request body must say it is sent as application/json [Access guides]")
	}
	for id, answers := range vendorAnswers {
		op := ops[id]
		if op == nil {
			continue
		}
		for code, words := range answers {
			r := op.Responses.Value(code)
			if !c.ok(r != nil && r.Value != nil && r.Value.Description != nil, "%s %s is documented by the vendor's pages", id, code) {
				continue
			}
			for _, w := range words {
				c.check(says(*r.Value.Description, w), "%s %s's description must carry the vendor's %q", id, code, w)
			}
		}
	}
	for id, words := range vendorOperationWords {
		if op := ops[id]; op != nil {
			for _, w := range words {
				c.check(says(op.Description, w), "%s's description must say %q, as the vendor's pages do", id, w)
			}
		}
	}
	for name, words := range vendorSchemaWords {
		if s := doc.Components.Schemas[name]; s != nil {
			for _, w := range words {
				c.check(says(s.Value.Description, w), "schema %s's description must say %q, as the vendor's pages do", name, w)
			}
		}
	}
	c.checkVendorExamples(ops)
	c.checkHeaderExamples(doc)
	c.checkSourcesNamed(doc)
}

// checkVendorExamples: where the pages give a value, the spec's example is it.
func (c *checker) checkVendorExamples(ops map[string]*openapi3.Operation) {
	if op := ops["applyToken"]; op != nil {
		// "For example, zh indicates Chinese, and en indicates English."
		if rb := op.RequestBody; rb != nil && rb.Value != nil && rb.Value.Content["application/json"] != nil {
			ex, _ := rb.Value.Content["application/json"].Example.(map[string]any)
			c.check(ex["locale"] == "zh" || ex["locale"] == "en", "applyToken's request example has locale %v; the page's examples are zh and en", ex["locale"])
		}
		c.check(exampleField(op.Responses.Value("403"), "exceptionInfo") == vendor403Info,
			"applyToken 403's example must carry the Access guides' exceptionInfo %q", vendor403Info)
	}
	if op := ops["tokenByAkSk"]; op != nil {
		// The guides' sample answer.
		for k, v := range map[string]string{"ApplyType": "Bearer", "CreateTime": "1545650171", "Expires": "600", "UserID": "Anonymous"} {
			got := exampleField(op.Responses.Value("200"), k)
			c.check(got == v, "tokenByAkSk 200's example has %s %v; the Access guides' sample has %q", k, got, v)
		}
		// "optional X-Token-Expire: <seconds> (the guides show 600)".
		if p := op.Parameters.GetByInAndName("header", "X-Token-Expire"); p != nil {
			c.check(fmt.Sprint(p.Example) == "600", "X-Token-Expire's example is %v; the Access guides show 600", p.Example)
		}
	}
}

// checkHeaderExamples: kin-openapi's Validate leaves header examples
// unchecked, so each answer header's example is checked against its schema
// here.
func (c *checker) checkHeaderExamples(doc *openapi3.T) {
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, r := range op.Responses.Map() {
				if r.Value == nil {
					continue
				}
				for name, h := range r.Value.Headers {
					if h.Value == nil || h.Value.Example == nil || h.Value.Schema == nil || h.Value.Schema.Value == nil {
						continue
					}
					err := h.Value.Schema.Value.VisitJSON(h.Value.Example)
					c.check(err == nil, "%s %s %s: the example of header %s fails its schema: %v", method, path, code, name, err)
				}
			}
		}
	}
}

// checkSourcesNamed: every description of an operation, an answer, a
// parameter, a request body, a security scheme and a component schema
// names where its rule comes from.
func (c *checker) checkSourcesNamed(doc *openapi3.T) {
	named := func(where, desc string) {
		c.check(slices.ContainsFunc(sourceTags, func(t string) bool { return strings.Contains(desc, t) }),
			"%s's description names no source (%s)", where, strings.Join(sourceTags, ", "))
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			named(where, op.Description)
			for _, p := range op.Parameters {
				if p.Value != nil {
					named(where+" parameter "+p.Value.Name, p.Value.Description)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				named(where+" request body", op.RequestBody.Value.Description)
			}
			for code, r := range op.Responses.Map() {
				if r.Value != nil && r.Value.Description != nil {
					named(where+" "+code, *r.Value.Description)
				}
			}
		}
	}
	for name, s := range doc.Components.SecuritySchemes {
		named("security scheme "+name, s.Value.Description)
	}
	for name, s := range doc.Components.Schemas {
		named("schema "+name, s.Value.Description)
	}
}

// says reports whether text carries words, in any case and across line
// breaks.
func says(text, words string) bool {
	flat := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return strings.Contains(flat(text), flat(words))
}

// exampleField is the named field of r's one JSON example, or nil.
func exampleField(r *openapi3.ResponseRef, name string) any {
	if r == nil || r.Value == nil || r.Value.Content["application/json"] == nil {
		return nil
	}
	ex, _ := r.Value.Content["application/json"].Example.(map[string]any)
	return ex[name]
}

func setExample(r *openapi3.ResponseRef, name string, v any) {
	r.Value.Content["application/json"].Example.(map[string]any)[name] = v
}

// TestExamplesValidationHasTeeth proves that TestSpecValidates refuses an
// example that breaks its own schema, in each place the spec has examples.
func TestExamplesValidationHasTeeth(t *testing.T) {
	body := func(d *openapi3.T, path string) *openapi3.MediaType {
		return d.Paths.Value(path).Post.RequestBody.Value.Content["application/json"]
	}
	answer := func(d *openapi3.T, path, code string) *openapi3.MediaType {
		return d.Paths.Value(path).Post.Responses.Value(code).Value.Content["application/json"]
	}
	for name, mutate := range map[string]func(d *openapi3.T){
		"request example, userId too long": func(d *openapi3.T) {
			max := d.Components.Schemas["ApplyTokenRequest"].Value.Properties["userId"].Value.MaxLength
			body(d, ApplyTokenPath).Example.(map[string]any)["userId"] = strings.Repeat("u", int(*max)+1)
		},
		"request example, no locale":     func(d *openapi3.T) { delete(body(d, ApplyTokenPath).Example.(map[string]any), "locale") },
		"request example, no app_secret": func(d *openapi3.T) { delete(body(d, TokenByAkSkPath).Example.(map[string]any), "app_secret") },
		"named answer example": func(d *openapi3.T) {
			answer(d, ApplyTokenPath, "200").Examples["success"].Value.Value = map[string]any{"token": "t", "resultCode": "2"}
		},
		"error example, errorCode a number": func(d *openapi3.T) { answer(d, ApplyTokenPath, "404").Example.(map[string]any)["errorCode"] = 404 },
		"answer example, Expires 10m":       func(d *openapi3.T) { answer(d, TokenByAkSkPath, "200").Example.(map[string]any)["Expires"] = "10m" },
		"parameter example not an integer":  func(d *openapi3.T) { d.Paths.Value(TokenByAkSkPath).Post.Parameters[0].Value.Example = "soon" },
		"property example not a string": func(d *openapi3.T) {
			d.Components.Schemas["ApplyTokenRequest"].Value.Properties["locale"].Value.Example = 42
		},
	} {
		t.Run(name, func(t *testing.T) {
			doc := mustLoad(t)
			mutate(doc)
			err := doc.Validate(context.Background(),
				openapi3.EnableExamplesValidation(),
				openapi3.EnableSchemaPatternValidation(),
				openapi3.EnableSchemaDefaultsValidation(),
			)
			if err == nil {
				t.Fatalf("doc.Validate accepted the spec after %q", name)
			}
		})
	}
}

// sourceRule is a rule of the spec that the vendor's pages do not state as
// the spec states it: its description must say where it comes from, in the
// words want lists (any case, across line breaks) and none of those not
// lists. desc finds that description.
type sourceRule struct {
	name      string
	desc      func(d *openapi3.T) *string
	want, not []string
}

func (r sourceRule) violation(doc *openapi3.T) string {
	d := r.desc(doc)
	if d == nil {
		return "no description"
	}
	var out []string
	for _, w := range r.want {
		if !says(*d, w) {
			out = append(out, fmt.Sprintf("must say %q", w))
		}
	}
	for _, w := range r.not {
		if says(*d, w) {
			out = append(out, fmt.Sprintf("must not say %q", w))
		}
	}
	return strings.Join(out, "; ")
}

// sourceRules: each rule the spec states beyond the vendor's words. The
// quotes are the vendor's; [stub] marks the contract's own reading.
func sourceRules() []sourceRule {
	propDesc := func(schema, prop string) func(d *openapi3.T) *string {
		return func(d *openapi3.T) *string {
			s := d.Components.Schemas[schema]
			if s == nil || s.Value.Properties[prop] == nil {
				return nil
			}
			return &s.Value.Properties[prop].Value.Description
		}
	}
	schemaDesc := func(schema string) func(d *openapi3.T) *string {
		return func(d *openapi3.T) *string {
			if s := d.Components.Schemas[schema]; s != nil {
				return &s.Value.Description
			}
			return nil
		}
	}
	opDesc := func(path string) func(d *openapi3.T) *string {
		return func(d *openapi3.T) *string {
			if item := d.Paths.Value(path); item != nil && item.Post != nil {
				return &item.Post.Description
			}
			return nil
		}
	}
	answerDesc := func(path, code string) func(d *openapi3.T) *string {
		return func(d *openapi3.T) *string {
			if item := d.Paths.Value(path); item != nil && item.Post != nil {
				if r := item.Post.Responses.Value(code); r != nil && r.Value != nil {
					return r.Value.Description
				}
			}
			return nil
		}
	}
	vendorTags := []string{"[applyToken page]", "[Access guides]"}
	rules := []sourceRule{
		// The Access guides document tokenByAkSk's request and 200 only; its
		// error answers are the contract's own.
		{name: "tokenByAkSk 400 is the contract's own", desc: answerDesc(vendorTokenByAkSkPath, "400"), want: []string{"[stub]"}, not: vendorTags},
		{name: "tokenByAkSk 401 is the contract's own", desc: answerDesc(vendorTokenByAkSkPath, "401"), want: []string{"[stub]"}, not: vendorTags},
		{name: "tokenByAkSk 413 is the contract's own", desc: answerDesc(vendorTokenByAkSkPath, "413"), want: []string{"[stub]"}, not: vendorTags},
		{name: "tokenByAkSk 500 is the contract's own", desc: answerDesc(vendorTokenByAkSkPath, "500"), want: []string{"[stub]"}, not: vendorTags},
		{name: "applyToken 413 is the contract's own", desc: answerDesc(vendorApplyTokenPath, "413"), want: []string{"[stub]"}, not: vendorTags},
		// "Integrators cache the AccessToken ... to stay clear of rate
		// limiting (HTTP 429) on the token endpoint."
		{name: "tokenByAkSk rate limiting is HTTP 429", desc: opDesc(vendorTokenByAkSkPath), want: []string{"429", "[Access guides]"}},
		// resultDesc: "Result description. Currently, no value is returned."
		{name: "resultDesc: currently no value is returned", desc: schemaDesc("ApplyTokenResult"), want: []string{"no value is returned", "[applyToken page]"}},
		// The page gives resultCode "1" no cause: the disabled channel and
		// the reason in resultDesc are the stub's.
		{name: "applyToken 200: the cause of resultCode 1 is the stub's", desc: answerDesc(vendorApplyTokenPath, "200"), want: []string{"[applyToken page]", "[stub]"}},
		// token: "Generated token." Nothing is said of it when resultCode is "1".
		{name: "token: its value when resultCode is 1 is the stub's", desc: propDesc("ApplyTokenResult", "token"), want: []string{"[applyToken page]", "[stub]"}},
		// 401: "Unauthorized operation. 1. Check whether you have purchased
		// related services. 2. Contact customer service ..." (remedies, not
		// conditions).
		{name: "applyToken 401: its conditions are the stub's", desc: answerDesc(vendorApplyTokenPath, "401"), want: []string{"[applyToken page]", "[stub]"}},
		// 500: "Business failure. Check the values of parameters in the request."
		{name: "applyToken 500: the unconfigured channel is the stub's", desc: answerDesc(vendorApplyTokenPath, "500"), want: []string{"[applyToken page]", "[stub]"}},
		// "App key, which is the user ID and is configured on the API Fabric".
		{name: "x-app-key is the user ID", desc: func(d *openapi3.T) *string {
			if item := d.Paths.Value(vendorApplyTokenPath); item != nil && item.Post != nil {
				if p := item.Post.Parameters.GetByInAndName("header", "x-app-key"); p != nil {
					return &p.Description
				}
			}
			return nil
		}, want: []string{"user ID", "[applyToken page]"}},
		// "If the token expires during a session, the AICC automatically
		// returns a new token for the current request": where it comes is
		// not said.
		{name: "ccmessaging-token: a rotated token in the answer's header is the contract's reading", desc: func(d *openapi3.T) *string {
			if s := d.Components.SecuritySchemes["messagingToken"]; s != nil {
				return &s.Value.Description
			}
			return nil
		}, want: []string{"[applyToken page", "[stub]"}},
		// The guides show a sample answer; they do not say which properties
		// an answer must carry.
		{name: "AccessTokenResult: the required list is the contract's reading", desc: schemaDesc("AccessTokenResult"), want: []string{"[Access guides]", "[stub]"}},
		// "Error Codes: None"; the guides give the body's two fields only.
		{name: "Error: the errorCode values are the stub's", desc: schemaDesc("Error"), want: []string{"[Access guides]", "[stub]"}},
	}
	// Bounds, patterns and enums the pages do not state ("Mandatory: Yes" is
	// all they say of these; the guides give a sample value at most).
	for _, p := range [][2]string{
		{"ApplyTokenRequest", "userName"}, {"ApplyTokenRequest", "channelId"}, {"ApplyTokenRequest", "locale"},
		{"AccessTokenRequest", "app_key"}, {"AccessTokenRequest", "app_secret"},
		{"AccessTokenResult", "AccessToken"}, {"AccessTokenResult", "ApplyType"},
		{"AccessTokenResult", "CreateTime"}, {"AccessTokenResult", "Expires"},
		{"Error", "errorCode"}, {"Error", "exceptionInfo"},
	} {
		rules = append(rules, sourceRule{name: p[0] + "." + p[1] + ": its bound is the contract's reading", desc: propDesc(p[0], p[1]), want: []string{"[stub]"}})
	}
	return rules
}

// TestSpecSaysWhereRulesComeFrom holds each rule the spec adds to the
// vendor's words to a description that says so.
func TestSpecSaysWhereRulesComeFrom(t *testing.T) {
	doc := mustLoad(t)
	for _, r := range sourceRules() {
		t.Run(r.name, func(t *testing.T) {
			if v := r.violation(doc); v != "" {
				got := "<none>"
				if d := r.desc(doc); d != nil {
					got = strings.Join(strings.Fields(*d), " ")
				}
				t.Errorf("%s; the description is %q", v, got)
			}
		})
	}
}

// TestSourceRulesHaveTeeth proves that each source rule reads the
// description it names: the words it wants satisfy it, and a description
// without them, or with a word it refuses, does not.
func TestSourceRulesHaveTeeth(t *testing.T) {
	for _, r := range sourceRules() {
		t.Run(r.name, func(t *testing.T) {
			doc := mustLoad(t)
			d := r.desc(doc)
			if d == nil {
				t.Fatal("no description to hold")
			}
			*d = strings.Join(r.want, " ")
			if v := r.violation(doc); v != "" {
				t.Fatalf("the wanted words alone fail: %s", v)
			}
			*d = "Nothing said."
			if r.violation(doc) == "" {
				t.Fatal("a description without the wanted words passes")
			}
			for _, w := range r.not {
				*d = strings.Join(append(slices.Clone(r.want), w), " ")
				if r.violation(doc) == "" {
					t.Fatalf("a description saying %q passes", w)
				}
			}
		})
	}
}
