package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// contract is the loaded spec.
type contract struct {
	doc *openapi3.T
}

func load(path string) (*contract, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("%s does not validate: %w", path, err)
	}
	if doc.IsOpenAPI31OrLater() {
		return nil, fmt.Errorf("%s is OpenAPI %s; specgen reads 3.0 documents", path, doc.OpenAPI)
	}
	return &contract{doc: doc}, nil
}

// op is one operation with where it lives.
type op struct {
	path, method string
	spec         *openapi3.Operation
	item         *openapi3.PathItem
}

// operations lists the operations by path, then method.
func (c *contract) operations() []op {
	var ops []op
	paths := c.doc.Paths.Map()
	for _, path := range sortedKeys(paths) {
		item := paths[path]
		methods := item.Operations()
		for _, m := range sortedKeys(methods) {
			ops = append(ops, op{path: path, method: strings.ToUpper(m), spec: methods[m], item: item})
		}
	}
	return ops
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// goName turns an operationId or component name into an exported Go name:
// its first letter upper-cased, the rest kept. Names that are not Go
// identifiers are refused.
func goName(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("an empty name")
	}
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return "", fmt.Errorf("name %q is not a Go identifier", s)
		}
	}
	return strings.ToUpper(s[:1]) + s[1:], nil
}
