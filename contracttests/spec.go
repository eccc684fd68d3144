package contracttests

import (
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/aicc-kit/applytoken/openapi"
)

// The operationIds of the contract.
const (
	opTokenByAkSk = "tokenByAkSk"
	opApplyToken  = "applyToken"
)

// pair is one documented (operation, status) of the spec.
type pair struct {
	op     string
	status int
}

func (p pair) String() string { return fmt.Sprintf("%s %d", p.op, p.status) }

// contract is the parsed spec with a route per operation. Validation never
// mutates it, so one copy serves every test.
type contract struct {
	doc    *openapi3.T
	routes map[string]*routers.Route
	pairs  []pair
}

var loadContract = sync.OnceValues(func() (*contract, error) {
	doc, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	c := &contract{doc: doc, routes: map[string]*routers.Route{}}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			c.routes[op.OperationID] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
			for code := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					return nil, fmt.Errorf("contracttests: %s documents status %q; only numeric statuses are supported", op.OperationID, code)
				}
				c.pairs = append(c.pairs, pair{op.OperationID, status})
			}
		}
	}
	slices.SortFunc(c.pairs, func(a, b pair) int {
		if a.op != b.op {
			if a.op < b.op {
				return -1
			}
			return 1
		}
		return a.status - b.status
	})
	return c, nil
})

// path returns the spec path of an operation.
func (c *contract) path(op string) string { return c.routes[op].Path }

// operationAt returns the operationId whose path is path, or "".
func (c *contract) operationAt(path string) string {
	for id, r := range c.routes {
		if r.Path == path {
			return id
		}
	}
	return ""
}
