package spectest

import (
	"testing"

	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

// The contract's values that the kit's own tests probe, read from
// gen/contract so that no test restates a bound or a pattern of the spec:
// after a spec change the test probes the new value. Each fails tb, naming
// what it looked for, when the contract no longer has it.

// Param returns the schema of op's parameter name.
func Param(tb testing.TB, op, name string) *rules.Schema {
	tb.Helper()
	if o := openapi.Operation(op); o != nil {
		for _, p := range o.Params {
			if p.Name == name && p.Schema != nil {
				return p.Schema
			}
		}
	}
	tb.Fatalf("the contract's %s has no parameter %s, which this test probes", op, name)
	return nil
}

// Property returns the schema of the property name of op's request body.
func Property(tb testing.TB, op, name string) *rules.Schema {
	tb.Helper()
	if o := openapi.Operation(op); o != nil && o.Body != nil && o.Body.Schema != nil {
		if s := o.Body.Schema.Property(name); s != nil {
			return s
		}
	}
	tb.Fatalf("the contract's %s has no request property %s, which this test probes", op, name)
	return nil
}

// Maximum returns the maximum of s, a number of the contract named what.
func Maximum(tb testing.TB, s *rules.Schema, what string) int64 {
	tb.Helper()
	if s.Maximum == nil {
		tb.Fatalf("the contract's %s has no maximum, which this test probes", what)
	}
	return int64(*s.Maximum)
}

// MaxLength returns the maxLength of s, a string of the contract named
// what.
func MaxLength(tb testing.TB, s *rules.Schema, what string) int {
	tb.Helper()
	if s.MaxLength == nil {
		tb.Fatalf("the contract's %s has no maxLength, which this test probes", what)
	}
	return int(*s.MaxLength)
}

// MaxBytes returns the cap of op's request body (x-max-body-bytes).
func MaxBytes(tb testing.TB, op string) int {
	tb.Helper()
	o := openapi.Operation(op)
	if o == nil || o.Body == nil || o.Body.MaxBytes == 0 {
		tb.Fatalf("the contract's %s has no x-max-body-bytes, which this test probes", op)
	}
	return int(o.Body.MaxBytes)
}

// Refused returns the first of candidates that the pattern of s, a string
// of the contract named what, refuses; it fails tb when s has no pattern
// or the pattern takes them all. What must be refused is derived from the
// pattern, not assumed.
func Refused(tb testing.TB, s *rules.Schema, what string, candidates ...string) string {
	tb.Helper()
	if s.Pattern == nil {
		tb.Fatalf("the contract's %s has no pattern, which this test probes", what)
	}
	return RefusedBy(tb, s.Pattern, what, candidates...)
}

// RefusedBy is Refused for a pattern at hand.
func RefusedBy(tb testing.TB, p *rules.Pattern, what string, candidates ...string) string {
	tb.Helper()
	for _, c := range candidates {
		if !p.MatchString(c) {
			return c
		}
	}
	tb.Fatalf("the contract's pattern of %s, %s, takes every one of %q; give this test a value it refuses", what, p.Source, candidates)
	return ""
}
