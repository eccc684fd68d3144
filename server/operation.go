package server

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// operation is one operation of the contract. It is a small integer rather
// than the operationId so that the per-request path carries no strings.
type operation uint8

const (
	opNone operation = iota
	opTokenByAkSk
	opApplyToken
)

var operationIDs = [...]string{opNone: "", opTokenByAkSk: "tokenByAkSk", opApplyToken: "applyToken"}

func (op operation) String() string { return operationIDs[op] }

func operationByID(id string) (operation, bool) {
	i := slices.Index(operationIDs[:], id)
	if i <= 0 {
		return opNone, false
	}
	return operation(i), true
}

// route is one path of the contract: its operation per method, the Allow
// header a 405 carries, and each operation's documented statuses.
type route struct {
	ops      map[string]operation
	allow    string
	statuses map[operation][]int
}

// newRoutes reads the paths from the contract itself, so a path or method
// added to the spec without a matching operation here fails New instead
// of answering 404.
func newRoutes(doc *openapi3.T) (map[string]*route, error) {
	routes := map[string]*route{}
	for path, item := range doc.Paths.Map() {
		rt := &route{ops: map[string]operation{}, statuses: map[operation][]int{}}
		for method, spec := range item.Operations() {
			op, ok := operationByID(spec.OperationID)
			if !ok {
				return nil, fmt.Errorf("server: the contract's operation %q (%s %s) is not implemented", spec.OperationID, method, path)
			}
			rt.ops[method] = op
			for code := range spec.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					return nil, fmt.Errorf("server: operation %s: response %q is not a status code", op, code)
				}
				rt.statuses[op] = append(rt.statuses[op], status)
			}
			slices.Sort(rt.statuses[op])
		}
		rt.allow = strings.Join(slices.Sorted(maps.Keys(rt.ops)), ", ")
		routes[path] = rt
	}
	return routes, nil
}

// lookup finds r's route. A path is matched as spelled: a percent-encoded
// spelling of a known path is unknown, so that no router further in ever
// reads it differently.
func lookup(routes map[string]*route, r *http.Request) *route {
	if r.URL.RawPath != "" {
		return nil
	}
	return routes[r.URL.Path]
}
