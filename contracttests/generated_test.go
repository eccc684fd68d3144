package contracttests

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
)

var demoTarget = Target{BaseURL: "http://stub.invalid", AppKey: "demo-app-key", AppSecret: "demo-app-secret",
	ChannelID: "demo-channel", DisabledChannelID: "disabled-channel"}

// generatedCases are the cases the generator makes for demoTarget with
// seed.
func generatedCases(t *testing.T, seed string) []serverCase {
	t.Helper()
	t.Setenv(seedEnv, seed)
	g, err := newGenerator(demoTarget)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := g.cases()
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func caseNames(t *testing.T, seed string) []string {
	var names []string
	for _, c := range generatedCases(t, seed) {
		names = append(names, fmt.Sprintf("%s %d %s", c.op, c.status, c.name))
	}
	return names
}

// TestGeneratedCasesReplay: a seed gives the same cases, in the same
// order; another seed changes the free choices but not which constraints
// are tried.
func TestGeneratedCasesReplay(t *testing.T) {
	a, b, c := caseNames(t, "1"), caseNames(t, "1"), caseNames(t, "2")
	if !slices.Equal(a, b) {
		t.Error("the same seed gave other cases")
	}
	if slices.Equal(a, c) {
		t.Error("another seed gave the very same cases: the seed decides nothing")
	}
	if len(a) != len(c) {
		t.Errorf("seed 1 gives %d cases, seed 2 %d: the seed must not decide what is tried", len(a), len(c))
	}
	t.Setenv(seedEnv, "not a number")
	if _, err := newGenerator(demoTarget); err == nil || !strings.Contains(err.Error(), seedEnv) {
		t.Errorf("a bad %s: %v; want an error naming it", seedEnv, err)
	}
}

// TestGeneratedStatusesAreDocumented: the generator owes only statuses
// the spec documents, so that it can never drive a status no fixed case
// was written for (the coverage check stays the fixed cases' to pass).
func TestGeneratedStatusesAreDocumented(t *testing.T) {
	documented := documentedPairs()
	for _, c := range generatedCases(t, "1") {
		if !slices.Contains(documented, pair{c.op, c.status}) {
			t.Errorf("%s: owes %d, which %s does not document", c.name, c.status, c.op)
		}
	}
	fixed, err := serverCases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range fixed {
		if !slices.Contains(documented, pair{c.op, c.status}) && c.status != http.StatusMethodNotAllowed {
			t.Errorf("fixed case %s: owes %d, which %s does not document", c.name, c.status, c.op)
		}
	}
}

// recorder notes failures instead of failing the test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper()    {}
func (r *recorder) Log(...any) {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}

// TestCoverageNamesANewStatus: a status the spec comes to document, such
// as a 429 (or, once the spec has one, another it does not), fails the
// suite, named, until a case drives it.
func TestCoverageNamesANewStatus(t *testing.T) {
	added := pair{opApplyToken, 0}
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusConflict, http.StatusBadGateway} {
		if openapi.Operation(opApplyToken).Response(status) == nil {
			added.status = status
			break
		}
	}
	if added.status == 0 {
		t.Fatal("applyToken documents every status this test could add; give it another")
	}
	documented := append(documentedPairs(), added)
	results := map[pair]string{}
	for _, p := range documentedPairs() {
		results[p] = "driven"
	}
	rec := &recorder{TB: t}
	reportCoverage(rec, "server", documented, results)
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], added.String()) {
		t.Errorf("coverage failures %q; want one naming %s", rec.errors, added)
	}
}
