package contracttests

import (
	"fmt"
	"mime"
	"slices"
	"strconv"

	"github.com/aicc-kit/applytoken/internal/rules"
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

// The values the fixed cases and the mutants probe, read from the
// contract, so that a change of the spec reaches them through `make
// generate` alone. Each panics with a specGap, naming what it needs, when
// the contract no longer has it: the cases that probe it need revisiting.
// serverCases and the mutants' table recover it (catchSpecGap), so that it
// fails the test that needs the value, by name, rather than the binary.

// specGap is what the fixed cases need of the contract and it no longer
// has, in a sentence.
type specGap string

func (g specGap) Error() string { return string(g) }

// catchSpecGap, deferred, turns a specGap panic into *err; any other
// panic goes on.
func catchSpecGap(err *error) {
	if r := recover(); r != nil {
		g, ok := r.(specGap)
		if !ok {
			panic(r)
		}
		*err = g
	}
}

// userIDMaxLength is applyToken's userId maxLength.
func userIDMaxLength() int {
	p := openapi.Operation(opApplyToken).Body.Schema.Property("userId")
	if p == nil || p.MaxLength == nil {
		panic(specGap("contracttests: the contract's userId has no maxLength, which the fixed cases probe"))
	}
	return int(*p.MaxLength)
}

// appKeyHeader is the header of applyToken's apiKey security scheme, which
// carries the app key: x-app-key as the vendor spells it.
func appKeyHeader() string {
	for _, alt := range openapi.Operation(opApplyToken).Security {
		for _, s := range alt {
			if s.Type == "apiKey" && s.In == rules.InHeader {
				return s.Name
			}
		}
	}
	panic(specGap("contracttests: applyToken has no apiKey security scheme in a header, which carries the app key the fixed cases send"))
}

// expireParam is the header of tokenByAkSk that asks for a lifetime.
const expireParam = "X-Token-Expire"

// expireBounds are X-Token-Expire's minimum, maximum and default, in seconds.
func expireBounds() (min, max, def int64) {
	var param *rules.Param
	for i, p := range openapi.Operation(opTokenByAkSk).Params {
		if p.Name == expireParam {
			param = &openapi.Operation(opTokenByAkSk).Params[i]
		}
	}
	if param == nil {
		panic(specGap(fmt.Sprintf("contracttests: %s has no %s header parameter; the fixed cases probe it: revisit them", opTokenByAkSk, expireParam)))
	}
	s := param.Schema
	switch {
	case s == nil || s.Type != rules.TypeInteger:
		panic(specGap(fmt.Sprintf("contracttests: %s's %s is no longer an integer, which the fixed cases probe: revisit them", opTokenByAkSk, expireParam)))
	case s.Minimum == nil || s.Maximum == nil:
		panic(specGap(fmt.Sprintf("contracttests: %s's %s needs a minimum and a maximum (the contract has minimum %s, maximum %s), which the fixed cases probe",
			opTokenByAkSk, expireParam, bound(s.Minimum), bound(s.Maximum))))
	}
	def, err := strconv.ParseInt(s.Default, 10, 64)
	if err != nil {
		panic(specGap(fmt.Sprintf("contracttests: %s's %s has no integer default (%q), which the fixed cases probe", opTokenByAkSk, expireParam, s.Default)))
	}
	return int64(*s.Minimum), int64(*s.Maximum), def
}

// bound is a schema's bound for a message, "none" when it has none.
func bound(b *float64) string {
	if b == nil {
		return "none"
	}
	return strconv.FormatFloat(*b, 'f', -1, 64)
}

// localeWithACountry is a locale with a country that locale's pattern
// refuses.
func localeWithACountry() string {
	p := openapi.Operation(opApplyToken).Body.Schema.Property("locale")
	if p == nil || p.Pattern == nil {
		panic(specGap("contracttests: the contract's locale has no pattern, which the fixed cases probe"))
	}
	candidates := []string{"en-US", "en_US", "en-us", "en-USA"}
	for _, v := range candidates {
		if !p.Pattern.MatchString(v) {
			return v
		}
	}
	panic(specGap(fmt.Sprintf("contracttests: locale's pattern %s takes every one of %q; give the fixed case a value it refuses", p.Pattern.Source, candidates)))
}

// overTheCap is a body size over both operations' x-max-body-bytes.
func overTheCap() int {
	n := 0
	for _, op := range openapi.Operations() {
		n = max(n, int(op.Body.MaxBytes))
	}
	return n + 6<<10
}

// pathOf returns the spec path of an operation.
func pathOf(op string) string { return openapi.Operation(op).Path }

// isJSON reports whether a Content-Type names JSON, with or without parameters.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}
