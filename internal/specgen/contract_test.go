package main

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// A required response header with no value to send is refused at
// generate time, naming the operation, status and header; an optional
// one is left for the server to leave out.
func TestRequiredHeaderWithoutValueRefused(t *testing.T) {
	for _, required := range []bool{true, false} {
		c, err := load("../../openapi/applytoken.yaml")
		if err != nil {
			t.Fatal(err)
		}
		resp := c.doc.Paths.Find("/apiaccess/ccmessaging/applyToken").Post.Responses.Status(200).Value
		resp.Headers["Cache-Control"] = &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
			Required: required,
			Schema:   openapi3.NewStringSchema().NewRef(), // no example, no enum
		}}}
		_, err = c.contractFile()
		if !required {
			if err != nil {
				t.Errorf("an optional header with no example: %v", err)
			}
			continue
		}
		const want = "operation applyToken: response 200: required header Cache-Control has neither an example nor a single-value enum: the stub cannot send it"
		if err == nil || err.Error() != want {
			t.Errorf("contractFile() = %v; want %q", err, want)
		}
	}
}
