// Package openapi is the contract, openapi/applytoken.yaml, for every part
// of the kit that serves or checks it: the embedded source text (the
// stub's /openapi.yaml), its operations with their documented statuses and
// headers (generated into gen/contract), and, for tests and the
// conformance suite, the parsed document and the validators of answers
// and requests (ValidateResponse, ValidateRequest, ValidateError).
//
//	op := openapi.Operation(openapi.ApplyToken) // method, path, statuses, headers
//	doc, err := openapi.Load()                   // kin-openapi's reading, for validation
//
// Package client does not import it: the parsed document needs
// kin-openapi, and the client needs only gen/contract.
package openapi

import (
	"bytes"
	_ "embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed applytoken.yaml
var spec []byte

// YAML returns a copy of the contract's source text.
func YAML() []byte { return bytes.Clone(spec) }

// Load parses the contract into a fresh document. Each call returns a new
// value, because kin-openapi documents are mutable and callers (routers,
// validators) may set fields on them; Document shares one.
func Load() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi: load applytoken.yaml: %w", err)
	}
	return doc, nil
}
