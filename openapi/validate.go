package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// The validators below are kin-openapi's openapi3filter, the field's
// reference reading of the contract, over one document parsed once per
// process. The kit's own checks (internal/rules, run by the client and the
// stub) are proven equal to them; tests and the conformance suite use
// these, so a wrong rule in gen/contract cannot vouch for itself.

// parsed is the contract as kin-openapi reads it, with a route per
// operation of gen/contract. Validation never changes either.
type parsed struct {
	doc    *openapi3.T
	routes map[string]*routers.Route // by operationId
}

var document = sync.OnceValues(func() (*parsed, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	p := &parsed{doc: doc, routes: map[string]*routers.Route{}}
	for _, op := range Operations() {
		item := doc.Paths.Value(op.Path)
		if item == nil || item.GetOperation(op.Method) == nil || item.GetOperation(op.Method).OperationID != op.ID {
			return nil, fmt.Errorf("openapi: gen/contract's %s (%s %s) is not in applytoken.yaml: run make generate", op.ID, op.Method, op.Path)
		}
		p.routes[op.ID] = &routers.Route{Spec: doc, Path: op.Path, PathItem: item, Method: op.Method, Operation: item.GetOperation(op.Method)}
	}
	return p, nil
})

// Document returns the contract as kin-openapi reads it, parsed once per
// process and shared by every caller: treat it as read-only (Load returns
// a copy of one's own).
func Document() (*openapi3.T, error) {
	p, err := document()
	if err != nil {
		return nil, err
	}
	return p.doc, nil
}

// Route returns the kin-openapi route of the operation whose operationId
// is op, for callers of openapi3filter; shared, so treat it as read-only.
func Route(op string) (*routers.Route, error) {
	p, err := document()
	if err != nil {
		return nil, err
	}
	r, ok := p.routes[op]
	if !ok {
		return nil, fmt.Errorf("openapi: no operation %q in the contract", op)
	}
	return r, nil
}

// ValidateResponse checks an answer to req, a request for operation op:
// a status op does not document, a documented header missing or wrong, a
// body that is not its status's schema. Every problem of the body is
// reported (an openapi3.MultiError inside the error).
func ValidateResponse(op string, req *http.Request, status int, header http.Header, body []byte) error {
	route, err := Route(op)
	if err != nil {
		return err
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: opts},
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s answer %d breaks the contract: %w", op, status, err)
	}
	return nil
}

// ValidateError checks body against the Error schema, for the answers that
// belong to no operation: 404 on a path the contract does not have, 405 on
// one of its paths with another method. The body must be one JSON value.
func ValidateError(body []byte) error {
	doc, err := Document()
	if err != nil {
		return err
	}
	if !json.Valid(body) {
		return fmt.Errorf("the error body is not one JSON value: %.100q", body)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("the error body is not JSON: %w", err)
	}
	if err := doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("the error body is not the Error schema: %w", err)
	}
	return nil
}

// ValidateRequest checks req, a request for operation op, before it is
// sent: the credentials op's security requirement names are present (each
// apiKey header not empty, Authorization "Bearer <token>"), its header
// parameters and its body keep to the contract, the body is within
// x-max-body-bytes, valid UTF-8 and exactly one JSON value (the rules
// kin-openapi does not read; internal/rules adds them). req.Body is read and put back; nothing else of
// req changes (no defaults are written into it).
func ValidateRequest(op string, req *http.Request) error {
	route, err := Route(op)
	if err != nil {
		return err
	}
	var data []byte
	if req.Body != nil && req.Body != http.NoBody {
		if data, err = io.ReadAll(req.Body); err != nil {
			return fmt.Errorf("%s request: reading the body: %w", op, err)
		}
		req.Body.Close()
		defer func() { req.Body = io.NopCloser(bytes.NewReader(data)) }()
	}
	probe := req.Clone(context.Background())
	probe.Body = io.NopCloser(bytes.NewReader(data))
	in := &openapi3filter.RequestValidationInput{
		Request: probe,
		Route:   route,
		Options: &openapi3filter.Options{MultiError: true, SkipSettingDefaults: true, AuthenticationFunc: CredentialsPresent},
	}
	var errs []error
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		errs = append(errs, err)
	}
	if o := Operation(op); o.Body != nil {
		if v := o.Body.OverCap(int64(len(data))); v != nil {
			errs = append(errs, v)
		}
	}
	if len(data) > 0 && !utf8.Valid(data) {
		errs = append(errs, errors.New("the body is not valid UTF-8"))
	} else if len(data) > 0 && !json.Valid(data) {
		errs = append(errs, errors.New("the body is not exactly one JSON value"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s request breaks the contract: %w", op, err)
	}
	return nil
}

// CredentialsPresent is an openapi3filter.AuthenticationFunc that checks a
// credential's form, not its worth: an apiKey header present and not
// empty, an http bearer Authorization of "Bearer <token>" (the scheme in
// any case, RFC 9110 section 11.1). kin-openapi leaves all of it to this
// function.
func CredentialsPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header
	switch s := in.SecurityScheme; {
	case s.Type == "apiKey" && s.In == "header":
		if h.Get(s.Name) == "" {
			return fmt.Errorf("security scheme %s: header %s is missing", in.SecuritySchemeName, s.Name)
		}
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		const prefix = "Bearer "
		if v := h.Get("Authorization"); len(v) <= len(prefix) || !strings.EqualFold(v[:len(prefix)], prefix) {
			return fmt.Errorf("security scheme %s: Authorization is not %q", in.SecuritySchemeName, "Bearer <token>")
		}
	default:
		return fmt.Errorf("security scheme %s: type %s in %s is not checked", in.SecuritySchemeName, s.Type, s.In)
	}
	return nil
}

// ResponseExample returns the example of op's answer with status as JSON:
// the one named name among its examples, or its single example when name
// is "".
func ResponseExample(op string, status int, name string) ([]byte, error) {
	route, err := Route(op)
	if err != nil {
		return nil, err
	}
	resp := route.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return nil, fmt.Errorf("openapi: %s documents no %d", op, status)
	}
	mt := resp.Value.Content.Get("application/json")
	switch {
	case mt == nil:
		return nil, fmt.Errorf("openapi: %s %d has no application/json content", op, status)
	case name == "" && mt.Example == nil:
		return nil, fmt.Errorf("openapi: %s %d has no single example; name one of its examples", op, status)
	case name == "":
		return json.Marshal(mt.Example)
	}
	ex, ok := mt.Examples[name]
	if !ok || ex.Value == nil {
		return nil, fmt.Errorf("openapi: %s %d has no example named %q", op, status, name)
	}
	return json.Marshal(ex.Value.Value)
}
