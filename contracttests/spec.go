package contracttests

import (
	"fmt"
	"mime"
	"slices"

	"github.com/aicc-kit/applytoken/openapi"
)

// The operationIds of the contract.
const (
	opTokenByAkSk = openapi.TokenByAkSk
	opApplyToken  = openapi.ApplyToken
)

// pair is one documented (operation, status) of the spec.
type pair struct {
	op     string
	status int
}

func (p pair) String() string { return fmt.Sprintf("%s %d", p.op, p.status) }

// documentedPairs are the (operation, status) pairs the spec documents, by
// operation and status.
func documentedPairs() []pair {
	var ps []pair
	for _, op := range openapi.Operations() {
		for _, status := range op.Statuses() {
			ps = append(ps, pair{op.ID, status})
		}
	}
	slices.SortFunc(ps, func(a, b pair) int {
		if a.op != b.op {
			if a.op < b.op {
				return -1
			}
			return 1
		}
		return a.status - b.status
	})
	return ps
}

// pathOf returns the spec path of an operation.
func pathOf(op string) string { return openapi.Operation(op).Path }

// isJSON reports whether a Content-Type names JSON, with or without parameters.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}
