package docs

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/aicc-kit/applytoken/openapi"
)

// TestAPIReferenceIsTheSpec reads the contract back out of the page and
// compares it with openapi/applytoken.yaml, so a stale page fails go test
// even where `make check-generated` cannot rebuild it (no node).
func TestAPIReferenceIsTheSpec(t *testing.T) {
	const start, end = "const __redoc_definition = ", ";\n"
	page := APIReference()
	i := bytes.Index(page, []byte(start))
	if i < 0 {
		t.Fatalf("no %q in api.html: has the Redocly template changed?", start)
	}
	rest := page[i+len(start):]
	j := bytes.Index(rest, []byte(end))
	if j < 0 {
		t.Fatalf("the definition in api.html has no end")
	}
	var inPage any
	if err := json.Unmarshal(rest[:j], &inPage); err != nil {
		t.Fatalf("the definition in api.html: %v", err)
	}
	var spec any
	if err := yaml.Unmarshal(openapi.YAML(), &spec); err != nil {
		t.Fatal(err)
	}
	// Through JSON, so numbers and maps have the same Go types on both sides.
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(inPage, spec) {
		t.Errorf("docs/api.html was built from another version of openapi/applytoken.yaml: run `make docs` and commit the page")
	}
}

// externalRef finds markup that would load something from another host:
// a src or href with a scheme or a protocol-relative URL on an element
// that fetches, or a CSS url() or @import of one.
var externalRef = regexp.MustCompile(`(?i)<(script|link|img|iframe|source|video|audio|embed|object|image)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import\s+["']?(https?:)?//`)

// TestAPIReferenceIsSelfContained: the markup loads nothing from another
// host. TestAPIReferenceInBrowser proves the same of the running page.
func TestAPIReferenceIsSelfContained(t *testing.T) {
	page := APIReference()
	if m := externalRef.Find(page); m != nil {
		t.Errorf("api.html loads from another host: %q", m)
	}
	for _, cdn := range []string{"cdn.redoc.ly", "fonts.googleapis.com", "unpkg.com", "jsdelivr.net"} {
		if bytes.Contains(page, []byte(cdn)) {
			t.Errorf("api.html names %s; the page must work offline", cdn)
		}
	}
}
