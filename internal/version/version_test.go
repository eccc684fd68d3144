package version

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
)

func TestContractIsInfoVersion(t *testing.T) {
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Contract(), doc.Info.Version; got != want || want == "" {
		t.Errorf("Contract() = %q; want info.version %q", got, want)
	}
}

// moduleVersion is what the toolchain may record: "(devel)" or a semantic
// version, a pseudo-version included, possibly "+dirty".
var moduleVersion = regexp.MustCompile(`^(\(devel\)|v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?)$`)

func TestString(t *testing.T) {
	got := String("applytoken")
	want := "applytoken " + Module() + ", contract " + Contract()
	if got != want {
		t.Errorf("String = %q; want %q", got, want)
	}
	if !moduleVersion.MatchString(Module()) {
		t.Errorf("Module() = %q; want (devel) or a semantic version", Module())
	}
	if strings.Contains(got, "unknown") {
		t.Errorf("String = %q; want no unknown part", got)
	}
}
