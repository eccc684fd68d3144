// Package server is the applyToken stub: an http.Handler that answers as
// the AICC token endpoints do, and holds every request to
// openapi/applytoken.yaml.
//
//	stub, err := server.New(server.DefaultConfig())
//	if err != nil { ... }
//	log.Fatal(http.ListenAndServe("127.0.0.1:8080", stub))
//
// Every request goes through the router and strict server oapi-codegen
// generates from the contract, with the contract's checks in front, in
// the order of its status table: 404 for a path the contract does not
// have, 405 for a method, a fault armed with Inject or FailNext (any
// error status the contract documents for the operation, a delay, a
// reset, a truncated or malformed 200), 401 and 403 for
// applyToken's credentials, 413 for a body over the cap, 400 for a broken
// rule, then the operation. Every non-200 answer carries the contract's
// Error body; none repeats what the caller sent.
//
// Tokens are stateless and HMAC-signed: stubs that share
// Config.SigningKey accept each other's tokens.
//
// LaterCall stands in for any later CC-Messaging call (send): it checks
// the three credentials the vendor names, and renews a ccmessaging-token
// close to its expiry.
//
// Stub.Journal lists the latest requests, each with the rules of the
// contract it broke, for grading a client written in any language.
//
// Package servertest runs a Stub in-process for tests; command
// applytoken-stub serves one, configured by a file and the environment.
// See docs/architecture.md for the design.
package server
