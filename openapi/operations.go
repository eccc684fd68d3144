package openapi

import (
	"slices"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// The operationIds of the contract, and the paths they are served on.
const (
	TokenByAkSk     = contract.OpTokenByAkSk
	ApplyToken      = contract.OpApplyToken
	TokenByAkSkPath = contract.TokenByAkSkPath
	ApplyTokenPath  = contract.ApplyTokenPath
)

// An Op is one operation of the contract: its id, method and path, its
// parameters, body and security, and its documented answers with their
// headers. It is generated from the spec (gen/contract); treat it as
// read-only.
type Op = rules.Operation

// Operations returns every operation of the contract, by path and method.
func Operations() []*Op { return contract.Operations }

// Operation returns the operation whose operationId is id, or nil.
func Operation(id string) *Op {
	for _, op := range contract.Operations {
		if op.ID == id {
			return op
		}
	}
	return nil
}

// OperationAt returns the operation served at method and path, or nil.
func OperationAt(method, path string) *Op {
	for _, op := range contract.Operations {
		if op.Method == method && op.Path == path {
			return op
		}
	}
	return nil
}

// Methods returns the methods the contract serves on path, sorted; none
// when the path is not the contract's.
func Methods(path string) []string {
	var m []string
	for _, op := range contract.Operations {
		if op.Path == path {
			m = append(m, op.Method)
		}
	}
	slices.Sort(m)
	return m
}
