package contracttests

import (
	"fmt"
	"strings"
	"testing"
)

// reportCoverage fails for every documented pair that no case drove, and
// logs the coverage table (shown by go test -v). results maps each pair a
// case was written for to "driven", or to why it was not.
func reportCoverage(t testing.TB, side string, documented []pair, results map[pair]string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s coverage of the spec's (operation, status) pairs:\n", side)
	for _, p := range documented {
		state, ok := results[p]
		switch {
		case !ok:
			state = "NO CASE"
			t.Errorf("the spec documents %s but the %s suite has no case for it: add one", p, side)
		case state != "driven":
			state = strings.ToUpper(state)
		}
		fmt.Fprintf(&b, "  %-12s %3d  %s\n", p.op, p.status, state)
	}
	t.Log(b.String())
}
