// Package rules is the run time of the contract's rules: the types that
// internal/specgen fills from openapi/applytoken.yaml into gen/contract,
// and the checks that read them. The client and the stub both validate
// with it, so the two hold one reading of each rule, and neither needs
// kin-openapi, a YAML parser or package regexp at run time.
//
// Every check is proven equal to kin-openapi's openapi3filter, the field's
// reference validator, by the differential tests beside it (kin_test.go,
// FuzzRulesMatchKin). Where the two part on purpose the difference is written
// down here: a body must be valid UTF-8 and exactly one JSON value (kin
// decodes the first value and ignores the rest; decoders turn bad bytes
// into U+FFFD, which would let two different userIds stand for one user).
//
// See docs/architecture.md, "One reading of the contract".
package rules
