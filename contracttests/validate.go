package contracttests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// validateResponse checks an answer against the responses the spec documents
// for op: a status the spec does not list, a missing or wrong header, or a
// body against the schema is an error. All problems are reported at once.
func (c *contract) validateResponse(op string, req *http.Request, status int, header http.Header, body []byte) error {
	route, ok := c.routes[op]
	if !ok {
		return fmt.Errorf("contracttests: unknown operation %q", op)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: opts},
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s answer %d breaks the spec: %w", op, status, err)
	}
	return nil
}

// validateError checks a body against the Error schema directly, for answers
// that belong to no operation (405 on a known path).
func (c *contract) validateError(body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("error body is not JSON: %w", err)
	}
	return c.doc.Components.Schemas["Error"].Value.VisitJSON(v)
}

// validateRequest checks a request the client is about to send against op.
// The body is read and put back, so the request still goes out unchanged.
func (c *contract) validateRequest(op string, req *http.Request) error {
	route, ok := c.routes[op]
	if !ok {
		return fmt.Errorf("contracttests: unknown operation %q", op)
	}
	if req.Body != nil && req.Body != http.NoBody {
		data, err := io.ReadAll(req.Body)
		if err != nil {
			return err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(data))
		defer func() { req.Body = io.NopCloser(bytes.NewReader(data)) }()
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req,
		Route:   route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: requireCredentials},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Errorf("%s request breaks the spec: %w", op, err)
	}
	return nil
}

// requireCredentials checks that each security scheme of the operation has
// its credential in the request; kin-openapi leaves the checking to us.
func requireCredentials(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header
	switch s := in.SecurityScheme; s.Type {
	case "http":
		auth := h.Get("Authorization")
		if len(auth) <= len("Bearer ") || auth[:len("Bearer ")] != "Bearer " {
			return fmt.Errorf("Authorization is not %q", "Bearer <token>")
		}
	case "apiKey":
		if h.Get(s.Name) == "" {
			return fmt.Errorf("header %s is missing", s.Name)
		}
	}
	return nil
}

// isJSON reports whether a Content-Type names JSON, with or without parameters.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}
