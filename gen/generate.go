// Package gen holds the code generated from openapi/applytoken.yaml: models,
// the embedded spec, a client and a std-http strict server. Nothing here is
// written by hand; run `make generate` after changing the spec, and
// `make check-generated` to prove the committed files match it.
//
// The generator's version is pinned in go.mod through tools.go, so the files
// come out byte-identical on every machine.
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config types.cfg.yaml ../openapi/applytoken.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config client.cfg.yaml ../openapi/applytoken.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config server.cfg.yaml ../openapi/applytoken.yaml
