// Package docs holds the contract's API reference page, api.html: one
// self-contained HTML file (no CDN, no web fonts) that Redocly build-docs
// makes from openapi/applytoken.yaml. applytoken-stub serves it at GET /docs.
//
//	make docs                  # rebuild api.html after a spec change, then commit it
//	make check-generated       # fails when the committed page is stale
//
// The page is generated: never edit it by hand.
package docs

import (
	"bytes"
	_ "embed"
)

//go:embed api.html
var apiReference []byte

// APIReference returns a copy of the API reference page.
func APIReference() []byte { return bytes.Clone(apiReference) }
