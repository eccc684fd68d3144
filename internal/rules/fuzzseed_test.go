package rules_test

import (
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
)

// fuzzSeed is one input of FuzzRulesMatchKin: the index of an operation
// in openapi.Operations, a header block (parseHeader) and a body.
type fuzzSeed struct {
	op     byte
	header string
	body   []byte
}

// fuzzSeeds are FuzzRulesMatchKin's seeds, taken from the generated table
// at run time so that they follow the contract with no file to refresh:
// every 40th input, bodies to 8 KiB. The committed corpus in
// testdata/fuzz/FuzzRulesMatchKin, when there is one, holds only what no
// generator makes: inputs the fuzzer found, seeds picked by hand.
func fuzzSeeds(tb testing.TB) []fuzzSeed {
	tb.Helper()
	ops := openapi.Operations()
	var seeds []fuzzSeed
	perOp := map[string]int{}
	for i, r := range generated() {
		if i%40 != 0 || len(r.body) > 8<<10 {
			continue
		}
		op := -1
		for j, o := range ops {
			if o.ID == r.op.ID {
				op = j
			}
		}
		if op < 0 {
			tb.Fatalf("the generated table's input %d is for %s, which openapi.Operations does not list", i, r.op.ID)
		}
		seeds = append(seeds, fuzzSeed{byte(op), headerBlock(r.header), r.body})
		perOp[r.op.ID]++
	}
	// The fuzzer must start from the contract: enough of the table, and
	// every operation in it.
	if len(seeds) < 50 {
		tb.Fatalf("%d seeds from the generated table; want at least 50", len(seeds))
	}
	for _, op := range ops {
		if perOp[op.ID] == 0 {
			tb.Fatalf("no seed of the generated table is for %s", op.ID)
		}
	}
	return seeds
}
