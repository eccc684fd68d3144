// Package openapi embeds the contract, openapi/applytoken.yaml, so that every
// part of the kit (the stub's validation, the conformance suite, the served
// /openapi.yaml) reads the very bytes that gen/ was generated from.
//
//	doc, err := openapi.Load()
//	route := doc.Paths.Find(openapi.ApplyTokenPath)
package openapi

import (
	"bytes"
	_ "embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed applytoken.yaml
var spec []byte

// The two paths of the contract, as written in its paths object.
const (
	TokenByAkSkPath = "/apigovernance/api/oauth/tokenByAkSk"
	ApplyTokenPath  = "/apiaccess/ccmessaging/applyToken"
)

// YAML returns a copy of the contract's source text.
func YAML() []byte { return bytes.Clone(spec) }

// Load parses the contract into a fresh document. Each call returns a new
// value, because kin-openapi documents are mutable and callers (routers,
// validators) may set fields on them.
func Load() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi: load applytoken.yaml: %w", err)
	}
	return doc, nil
}
