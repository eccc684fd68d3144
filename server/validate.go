package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// requestValidator checks a request against the contract once routing,
// authentication and the size cap have passed it. body is the whole body,
// already read; r.Body reads the same bytes. An error is an
// *invalidRequest, answered with 400.
//
// This is the seam for a faster validator: whatever implements it must
// reject exactly what kinValidator rejects, with the same words, and
// kinValidator stays the oracle its tests compare against. The Stub runs
// compiledValidator, which is also a bytesValidator.
type requestValidator interface {
	validate(r *http.Request, op operation, body []byte) error
}

// A bytesValidator can validate an operation from the request's headers
// and the body's bytes alone, and bind what it validated into in as the
// generated strict handler would. For an operation it handles, serve then
// needs no copy of the request and no generated handler: it hands in to the
// Stub (dispatch). handled is false, with no error, for an operation it
// leaves to validate.
type bytesValidator interface {
	validateBytes(h http.Header, op operation, body []byte, in *input) (handled bool, err error)
}

// invalidRequest says what is wrong with a request in the contract's own
// words: the name of a header or field the contract declares, never a
// value the caller sent.
type invalidRequest struct{ reason string }

func (e *invalidRequest) Error() string { return e.reason }

// kinValidator validates with kin-openapi's openapi3filter, against routes
// built once from the embedded contract, so no router runs per request.
type kinValidator struct {
	routes  map[operation]*routers.Route
	fields  map[operation]map[string]bool // body properties, safe to name in answers
	options *openapi3filter.Options
}

func newKinValidator(doc *openapi3.T) (*kinValidator, error) {
	v := &kinValidator{
		routes: map[operation]*routers.Route{},
		fields: map[operation]map[string]bool{},
		options: &openapi3filter.Options{
			// The Stub applies X-Token-Expire's default itself; writing it
			// into the request would cost an allocation per request.
			SkipSettingDefaults: true,
			// The strict handler then binds the very value validated, with
			// exact member names, instead of decoding the body again with
			// encoding/json's case-insensitive matching.
			KeepValidatedValue: true,
		},
	}
	for path, item := range doc.Paths.Map() {
		for method, spec := range item.Operations() {
			op, ok := operationByID(spec.OperationID)
			if !ok {
				return nil, fmt.Errorf("server: the contract's operation %q is not implemented", spec.OperationID)
			}
			// authenticate has already enforced the security requirement,
			// with the statuses the contract wants; kin-openapi would only
			// read the body once more to do it again.
			unsecured := *spec
			unsecured.Security = &openapi3.SecurityRequirements{}
			v.routes[op] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: &unsecured}
			v.fields[op] = bodyFields(spec)
		}
	}
	return v, nil
}

func bodyFields(spec *openapi3.Operation) map[string]bool {
	fields := map[string]bool{}
	if spec.RequestBody == nil || spec.RequestBody.Value == nil {
		return fields
	}
	for _, media := range spec.RequestBody.Value.Content {
		if media.Schema != nil && media.Schema.Value != nil {
			for name := range media.Schema.Value.Properties {
				fields[name] = true
			}
		}
	}
	return fields
}

func (v *kinValidator) validate(r *http.Request, op operation, body []byte) error {
	in := &openapi3filter.RequestValidationInput{Request: r, Route: v.routes[op], Options: v.options}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		return v.explain(op, err)
	}
	// kin-openapi decodes the first JSON value and ignores what follows it;
	// a body with trailing data is not the JSON the contract asks for.
	if !json.Valid(body) {
		return &invalidRequest{"the body is not valid JSON"}
	}
	return nil
}

// explain turns kin-openapi's error, whose text quotes the caller's
// values, into an invalidRequest that quotes nothing.
func (v *kinValidator) explain(op operation, err error) error {
	re, ok := errors.AsType[*openapi3filter.RequestError](err)
	switch {
	case !ok:
		return &invalidRequest{"the request does not match the contract"}
	case re.Parameter != nil:
		return &invalidRequest{fmt.Sprintf("header %s does not match the contract", re.Parameter.Name)}
	case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
		return &invalidRequest{"the body is missing"}
	case strings.HasPrefix(re.Reason, "header Content-Type has unexpected value"):
		return &invalidRequest{"the body must be sent as application/json"}
	}
	if _, ok := errors.AsType[*openapi3filter.ParseError](re.Err); ok {
		return &invalidRequest{"the body is not valid JSON"}
	}
	if se, ok := errors.AsType[*openapi3.SchemaError](re.Err); ok {
		if ptr := se.JSONPointer(); len(ptr) > 0 && v.fields[op][ptr[0]] {
			if se.SchemaField == "required" {
				return &invalidRequest{fmt.Sprintf("field %s is missing", ptr[0])}
			}
			return &invalidRequest{fmt.Sprintf("field %s does not match the contract", ptr[0])}
		}
	}
	return &invalidRequest{"the body does not match the contract"}
}
