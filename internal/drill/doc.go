// Package drill proves that a change to the contract flows through
// `make generate` alone: it copies the module, makes in
// openapi/applytoken.yaml the kinds of change the vendor's pages make (a
// bound or a pattern changed, an optional property added to a request or
// to a response, a new documented error status with a response header),
// regenerates, and runs checks in the copy that the client and the stub
// follow. It also counts what had to be edited by hand: the spec, and the
// expectations of openapi/spec_test.go (the one deliberate copy of the
// vendor's pages); every other file must come out of the generators or stay
// as it was.
//
//	go test ./internal/drill              # the fast form: every change at once (part of make test)
//	make drill                            # each change alone, then the client, server, rules, battery, CLI and suite tests in the copy
//
// The checks live in testdata/*.go.txt: they name fields that exist only
// after the change, so they compile only in the copy.
package drill
