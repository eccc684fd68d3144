// Package gen holds the code generated from openapi/applytoken.yaml, in
// the packages oapi-codegen's own examples split it into:
//
//	apiclient/  models and the typed HTTP client (oapi-codegen), for package client
//	apiserver/  models, the net/http router and the strict server (oapi-codegen), for package server
//	contract/   the contract's rules as Go values (internal/specgen), for both
//
// plus, beside the models, the Lifetime methods internal/specgen writes
// from the x-lifetime extensions. Nothing here is written by hand: run
// `make generate` after changing the spec, and `make check-generated` to
// prove the committed files match it. The generators' versions are pinned
// in go.mod (oapi-codegen through tools.go), so the files come out
// byte-identical on every machine. specgen -check runs first, so that what
// specgen refuses of the contract alone stops `make generate` before
// anything is written.
package gen

//go:generate go run ../internal/specgen -spec ../openapi/applytoken.yaml -check
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config apiclient/cfg.yaml ../openapi/applytoken.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config apiserver/cfg.yaml ../openapi/applytoken.yaml
//go:generate go run ../internal/specgen -spec ../openapi/applytoken.yaml -gen .
