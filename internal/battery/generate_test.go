package battery

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/internal/rules"
)

// withParam is the battery's reading of the contract's operation id with
// one more header parameter, as a vendor change to the spec would add it
// (gen/contract's operation, plus p).
func withParam(t *testing.T, id string, p rules.Param) *operation {
	t.Helper()
	for _, op := range operations() {
		if op.id == id {
			op.params = append(slices.Clone(op.params), p)
			return op
		}
	}
	t.Fatalf("the contract has no operation %s", id)
	return nil
}

// casesFor is what the battery generates for op's parameters, a panic
// reported as the test's failure rather than the binary's.
func casesFor(t *testing.T, op *operation) (cs []Case) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("paramCases panics: %v", r)
		}
	}()
	return paramCases(op)
}

// TestStringHeaderParam: a string header parameter the contract gains
// gets cases derived from its schema, with verdicts from it, and the
// other cases carry it when it is required. The battery used to panic
// ("only bounded integer headers are generated"), killing the test binary
// of every package that uses it.
func TestStringHeaderParam(t *testing.T) {
	maxLen := int64(8)
	op := withParam(t, ApplyToken, rules.Param{
		Name: "X-Request-Id", In: rules.InHeader, Required: true,
		Schema: &rules.Schema{Type: rules.TypeString, MinLength: 2, MaxLength: &maxLen, Example: `"req-1"`},
	})
	cs := casesFor(t, op)
	if len(op.gaps) > 0 {
		t.Errorf("gaps for a string header: %q", op.gaps)
	}
	got := map[string]Case{}
	for _, c := range cs {
		got[strings.TrimPrefix(c.Name, ApplyToken+"/header/X-Request-Id/")] = c
	}
	for what, want := range map[string]int{
		"missing":                    http.StatusBadRequest,
		"empty":                      http.StatusBadRequest,
		`valid "req-1"`:              http.StatusOK,
		"one character":              http.StatusBadRequest,
		"2 characters (minLength)":   http.StatusOK,
		"1 characters (minLength-1)": http.StatusBadRequest,
		"8 characters (maxLength)":   http.StatusOK,
		"9 characters (maxLength+1)": http.StatusBadRequest,
		"name in other case":         http.StatusOK,
	} {
		c, ok := got[what]
		switch {
		case !ok:
			t.Errorf("no case %q; the cases: %v", what, keys(got))
		case c.Status != want:
			t.Errorf("%s: status %d; want %d", c.Name, c.Status, want)
		}
	}
	if c := got["missing"]; c.Header.Get("X-Request-Id") != "" {
		t.Errorf("%s sends X-Request-Id %q", c.Name, c.Header.Get("X-Request-Id"))
	}
	// Required, it is in every other case's header, with a valid value.
	if h := op.header(); h.Get("X-Request-Id") != "req-1" {
		t.Errorf("the base header of %s has X-Request-Id %q; want the example, req-1", op.id, h.Get("X-Request-Id"))
	}
}

// TestStringHeaderEnum: a string header parameter with an enum, and no
// example, starts from the enum's first member; the enum decides.
func TestStringHeaderEnum(t *testing.T) {
	op := withParam(t, TokenByAkSk, rules.Param{
		Name: "X-Locale", In: rules.InHeader,
		Schema: &rules.Schema{Type: rules.TypeString, Enum: []any{"en", "zh"}},
	})
	cs := casesFor(t, op)
	verdict := map[string]Validation{}
	for _, c := range cs {
		if v, ok := strings.CutPrefix(c.Name, TokenByAkSk+"/header/X-Locale/"); ok {
			verdict[v] = c.Validation
		}
	}
	for what, want := range map[string]Validation{
		"missing": Accepted, `valid "en"`: Accepted, `enum: "zh"`: Accepted,
		`enum: "EN"`: Rejected, `enum: "enx"`: Rejected, "empty": Rejected, "one character": Rejected,
	} {
		if got, ok := verdict[what]; !ok || got != want {
			t.Errorf("X-Locale/%s: %v (there: %v); want %v; the cases: %v", what, got, ok, want, keys(verdict))
		}
	}
}

// TestUnknownHeaderParam: a header parameter of a type the battery does
// not vary is a gap naming it, not a panic.
func TestUnknownHeaderParam(t *testing.T) {
	for _, p := range []rules.Param{
		{Name: "X-Trace", In: rules.InHeader, Schema: &rules.Schema{Type: rules.TypeBoolean}},
		{Name: "X-Trace", In: rules.InHeader, Schema: &rules.Schema{Type: rules.TypeInteger}},
		{Name: "X-Trace", In: rules.InHeader, Required: true, Schema: &rules.Schema{Type: rules.TypeString, Pattern: &rules.Pattern{Source: "^t-[0-9]+$"}}},
	} {
		op := withParam(t, ApplyToken, p)
		casesFor(t, op)
		if len(op.gaps) == 0 || !strings.Contains(strings.Join(op.gaps, "\n"), "header X-Trace") {
			t.Errorf("%s header X-Trace of type %v: gaps %q; want one naming it", op.id, p.Schema.Type, op.gaps)
		}
		t.Logf("%q", op.gaps)
	}
}

// TestStringCheckEnum: stringCheck honours an enum, as kin-openapi does.
func TestStringCheckEnum(t *testing.T) {
	check := stringCheck(&rules.Schema{Type: rules.TypeString, Enum: []any{"en", "zh"}})
	for v, want := range map[string]bool{"en": true, "zh": true, "fr": false, "EN": false, "": false} {
		if got := check(v); got != want {
			t.Errorf("stringCheck(enum [en zh])(%q) = %v; want %v", v, got, want)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
