package server

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/aicc-kit/applytoken/openapi"
)

// TestContractCompiles: both operations of the contract run compiled, so
// that the speed `make bench` measures is the speed the Stub has.
func TestContractCompiles(t *testing.T) {
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	v := s.validator.(*compiledValidator)
	for _, op := range []operation{opApplyToken, opTokenByAkSk} {
		if v.ops[op] == nil {
			t.Errorf("%s is left to kin-openapi: %v", op, v.refused[op])
		}
	}
}

// TestCompileRefusesWhatItDoesNotMirror: a contract the compiled rules
// cannot follow leaves the operation to kin-openapi, which then answers
// for it, rather than being checked by rules that miss a keyword.
func TestCompileRefusesWhatItDoesNotMirror(t *testing.T) {
	prop := func(doc *openapi3.T, name string) *openapi3.Schema {
		return doc.Components.Schemas["ApplyTokenRequest"].Value.Properties[name].Value
	}
	for name, edit := range map[string]func(*openapi3.T){
		"enum":                func(d *openapi3.T) { prop(d, "locale").Enum = []any{"en"} },
		"nullable":            func(d *openapi3.T) { prop(d, "userId").Nullable = true },
		"format":              func(d *openapi3.T) { prop(d, "userName").Format = "email" },
		"an integer property": func(d *openapi3.T) { prop(d, "userId").Type = &openapi3.Types{"integer"} },
		"additionalProperties": func(d *openapi3.T) {
			d.Components.Schemas["ApplyTokenRequest"].Value.AdditionalProperties.Has = new(false)
		},
		"maxProperties": func(d *openapi3.T) { d.Components.Schemas["ApplyTokenRequest"].Value.MaxProps = new(uint64(9)) },
		"allOf": func(d *openapi3.T) {
			s := d.Components.Schemas["ApplyTokenRequest"].Value
			s.AllOf = openapi3.SchemaRefs{{Value: &openapi3.Schema{Required: []string{"userId"}}}}
		},
		"a property the generated code lacks": func(d *openapi3.T) {
			d.Components.Schemas["ApplyTokenRequest"].Value.Properties["team"] = &openapi3.SchemaRef{Value: openapi3.NewStringSchema()}
		},
		"a second media type": func(d *openapi3.T) {
			rb := d.Paths.Value(openapi.ApplyTokenPath).Post.RequestBody.Value
			rb.Content["application/x-www-form-urlencoded"] = rb.Content["application/json"]
		},
		"a query parameter": func(d *openapi3.T) {
			op := d.Paths.Value(openapi.ApplyTokenPath).Post
			op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewQueryParameter("q").WithSchema(openapi3.NewStringSchema())})
		},
	} {
		t.Run(name, func(t *testing.T) {
			doc, err := openapi.Load()
			if err != nil {
				t.Fatal(err)
			}
			edit(doc)
			oracle, err := newKinValidator(doc)
			if err != nil {
				t.Fatal(err)
			}
			v := newCompiledValidator(oracle)
			if v.ops[opApplyToken] != nil {
				t.Fatal("compiled anyway")
			}
			if v.ops[opTokenByAkSk] == nil {
				t.Errorf("tokenByAkSk, unchanged, was refused too: %v", v.refused[opTokenByAkSk])
			}
			// Left to the oracle, the operation still validates.
			d := diffRequest{op: opApplyToken, header: diffHeader("Content-Type: application/json"), body: []byte(`{"userId":7}`)}
			if handled, _ := v.validateBytes(d.request().Header, d.op, d.body, new(input)); handled {
				t.Errorf("validateBytes handled it")
			}
			if err := v.validate(d.request(), d.op, d.body); err == nil {
				t.Errorf("validate accepted it; want kin-openapi's refusal")
			}
		})
	}
	t.Run("options", func(t *testing.T) {
		doc, _ := openapi.Load()
		oracle, _ := newKinValidator(doc)
		oracle.options.MultiError = true
		if v := newCompiledValidator(oracle); v.ops[opApplyToken] != nil || v.ops[opTokenByAkSk] != nil {
			t.Error("compiled under options it does not mirror")
		}
	})
}

// TestPatternMatchesRegexp: the rune-counting matcher answers as Go's
// regexp does, for the shapes it takes over and for those it leaves.
func TestPatternMatchesRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	alphabet := []rune("aAzZ09-_ \n\téÉ\u0130\u212a\u017f😀\ufffd")
	for _, pattern := range []string{`^[a-z]{2,3}$`, `^[a-z]+$`, `^[a-z]*$`, `^[a-z]?$`, `^[a-z]$`, `^[0-9]{1,19}$`,
		`(?i)^[a-z]{2}$`, `^[^a-z]{1,2}$`, `^.{1,3}$`, `^\u00E9{2}$`, `^[a-z]{2,}$`, `[a-z]{2}`, `^[a-z]{2}|x$`, `^a{2}$`} {
		p, err := compilePattern(pattern)
		if err != nil {
			t.Fatalf("%s: %v", pattern, err)
		}
		re := regexp.MustCompile(kinCodepoints.ReplaceAllString(pattern, `\x{${code}}`))
		for range 3000 {
			var b strings.Builder
			for range rng.IntN(6) {
				b.WriteRune(alphabet[rng.IntN(len(alphabet))])
			}
			s := b.String()
			if got, want := p.match(s), re.MatchString(s); got != want {
				t.Errorf("%s on %q: %v; regexp says %v", pattern, s, got, want)
			}
		}
	}
	if p, _ := compilePattern(`^[a-z]{2,3}$`); p.class == nil {
		t.Error("locale's pattern is not matched by counting")
	}
}
