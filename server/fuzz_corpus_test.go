package server

import (
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/aicc-kit/applytoken/internal/battery"
	"github.com/aicc-kit/applytoken/openapi"
)

// fuzzSeeds returns the seeds of the fuzz target for path, taken from the
// battery at run time so that they follow the contract with no file to
// refresh: every case of the operation's own path and method (the spec's
// request examples among them) whose body is at most 16 KiB, and of the
// longer ones only the two that straddle the body cap, which stand for
// the rest. Each seed is the body, then the header values the target
// takes, by name. The committed corpus in testdata/fuzz, when there is
// one, holds only what no generator makes: crashers the fuzzer found,
// seeds picked by hand.
func fuzzSeeds(tb testing.TB, path string, headers ...string) [][]any {
	tb.Helper()
	// Of the long bodies, the longest within the cap and the shortest
	// beyond it.
	op := openapi.OperationAt(http.MethodPost, path)
	if op == nil {
		tb.Fatalf("the contract has no POST %s", path)
	}
	within, beyond, limit := 0, 0, maxBody(tb, op.ID)
	for _, c := range battery.Cases() {
		if c.Path != path {
			continue
		}
		if n := len(c.Body); n <= limit {
			within = max(within, n)
		} else if beyond == 0 || n < beyond {
			beyond = n
		}
	}
	var seeds [][]any
	for _, c := range battery.Cases() {
		n := len(c.Body)
		if c.Path != path || c.Method != http.MethodPost || (n > 16<<10 && n != within && n != beyond) {
			continue
		}
		args := []any{c.Body}
		for _, name := range headers {
			args = append(args, first(c.Header, name))
		}
		seeds = append(seeds, args)
	}
	// The fuzzer must start from the battery: a target with few seeds
	// has lost its path or its method.
	if len(seeds) < 100 {
		tb.Fatalf("%d battery cases seed the fuzz target for %s; want at least 100", len(seeds), path)
	}
	if beyond == 0 {
		tb.Fatalf("no battery case for %s is over the body cap", path)
	}
	return seeds
}

// addSeeds adds fuzzSeeds to f.
func addSeeds(f *testing.F, path string, headers ...string) {
	f.Helper()
	for _, args := range fuzzSeeds(f, path, headers...) {
		f.Add(args...)
	}
}

// first is the first value of the header name, however the case spells
// it (of two spellings, the first in sorted order, so that the seeds do
// not change from run to run).
func first(h http.Header, name string) string {
	for _, k := range slices.Sorted(maps.Keys(h)) {
		if vs := h[k]; http.CanonicalHeaderKey(k) == name && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}
