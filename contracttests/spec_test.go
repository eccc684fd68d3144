package contracttests

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

// TestSpecGapNamesIt: when the contract loses X-Token-Expire, or its
// bounds, the fixed cases and the mutants' table fail with an error that
// says which, rather than a panic at package init that blamed the bounds
// for a missing parameter. It swaps tokenByAkSk's parameters for the
// length of the test (not parallel: nothing else runs meanwhile).
func TestSpecGapNamesIt(t *testing.T) {
	op := openapi.Operation(opTokenByAkSk)
	saved := op.Params
	t.Cleanup(func() { op.Params = saved })
	expire := func(edit func(*rules.Param)) []rules.Param {
		ps := make([]rules.Param, len(saved))
		copy(ps, saved)
		for i := range ps {
			if ps[i].Name == expireParam {
				s := *ps[i].Schema
				ps[i].Schema = &s
				edit(&ps[i])
			}
		}
		return ps
	}
	for _, tc := range []struct {
		name   string
		params []rules.Param
		want   string
	}{
		{"renamed", expire(func(p *rules.Param) { p.Name = "X-Token-Lifetime" }),
			"tokenByAkSk has no X-Token-Expire header parameter; the fixed cases probe it: revisit them"},
		{"removed", nil, "tokenByAkSk has no X-Token-Expire header parameter"},
		{"no maximum", expire(func(p *rules.Param) { p.Schema.Maximum = nil }),
			"X-Token-Expire needs a minimum and a maximum (the contract has minimum 60, maximum none)"},
		{"a string", expire(func(p *rules.Param) { p.Schema.Type = rules.TypeString }),
			"X-Token-Expire is no longer an integer"},
		{"no default", expire(func(p *rules.Param) { p.Schema.Default = "" }),
			"X-Token-Expire has no integer default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op.Params = tc.params
			defer func() { op.Params = saved }()
			if _, err := serverCases(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("serverCases: %v; want an error saying %q", err, tc.want)
			}
			if _, err := mutants(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("mutants: %v; want an error saying %q", err, tc.want)
			}
		})
	}
	if _, err := serverCases(); err != nil {
		t.Errorf("serverCases on the contract as it is: %v", err)
	}
}

// TestApplyBodyFromTheExamples: the fixed cases' applyToken body is the
// contract's examples, so a vendor change to a bound the examples keep
// to is carried; a required property that loses its example fails
// serverCases by name. It swaps applyToken's body schema for the length
// of the test (not parallel).
func TestApplyBodyFromTheExamples(t *testing.T) {
	op := openapi.Operation(opApplyToken)
	b := applyBody("sales")
	for name, p := range op.Body.Schema.Properties {
		if name == "channelId" {
			if b[name] != "sales" {
				t.Errorf("channelId %v; want the channel asked for", b[name])
			}
			continue
		}
		var want any
		if err := json.Unmarshal([]byte(p.Example), &want); err != nil {
			t.Fatalf("%s's example %s: %v", name, p.Example, err)
		}
		if !reflect.DeepEqual(b[name], want) {
			t.Errorf("%s %v; want its example %s", name, b[name], p.Example)
		}
	}

	saved := op.Body
	t.Cleanup(func() { op.Body = saved })
	body, schema := *saved, *saved.Schema
	schema.Properties = map[string]*rules.Schema{}
	for name, p := range saved.Schema.Properties {
		c := *p
		if name == "userName" {
			c.Example = ""
		}
		schema.Properties[name] = &c
	}
	body.Schema = &schema
	op.Body = &body
	const want = "ApplyTokenRequest.userName has no example to start from; add one to the spec"
	if _, err := serverCases(); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("serverCases: %v; want an error saying %q", err, want)
	}
}
