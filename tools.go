//go:build tools

// Package tools pins the code generator's version in go.mod, so every
// `go run` of it (see gen/generate.go) uses exactly the same release.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
