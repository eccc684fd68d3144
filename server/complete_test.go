package server

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

// The 200 schemas of the contract, by name.
var resultSchemas = map[string]*rules.Schema{
	contract.AccessTokenResultSchema.Name: contract.AccessTokenResultSchema,
	contract.ApplyTokenResultSchema.Name:  contract.ApplyTokenResultSchema,
}

// TestAnswersAreComplete fails, naming the property, for any property of
// a 200 schema that no answer of the stub carries: a property the spec
// adds is sent once it has an example there (or the vendor sets it).
func TestAnswersAreComplete(t *testing.T) {
	h := newHarness(t)
	answer := func(req *http.Request) []byte {
		resp, body := h.do(req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d %s", req.URL.Path, resp.StatusCode, body)
		}
		return body
	}
	access := h.accessToken(demoKey, demoSecret)
	answers := map[string][][]byte{ // by operationId: every kind of 200 the stub gives
		openapi.TokenByAkSk: {answer(h.tokenRequest(demoKey, demoSecret, "")), answer(h.tokenRequest(demoKey, demoSecret, itoa(readSpec(t).expireMin)))},
		openapi.ApplyToken: {
			answer(h.applyRequest(access, applyBody(nil))),
			answer(h.applyRequest(access, applyBody(func(b map[string]any) { b["channelId"] = offChannel }))),
		},
	}
	for _, op := range openapi.Operations() {
		resp := op.Response(http.StatusOK)
		schema := resultSchemas[resp.Schema]
		if schema == nil {
			t.Fatalf("%s: no schema %q in resultSchemas", op.ID, resp.Schema)
		}
		for _, name := range missingProperties(t, schema, answers[op.ID]) {
			t.Errorf("%s: property %q of %s is in no answer of the stub; give it an example in the spec, or have the vendor set it", op.ID, name, schema.Name)
		}
	}
}

// TestCompletenessNamesTheProperty: the check has teeth.
func TestCompletenessNamesTheProperty(t *testing.T) {
	schema := &rules.Schema{Properties: map[string]*rules.Schema{"token": {}, "expiresIn": {}}}
	got := missingProperties(t, schema, [][]byte{[]byte(`{"token":"t"}`)})
	if !slices.Equal(got, []string{"expiresIn"}) {
		t.Errorf("missing %q; want expiresIn", got)
	}
}

// missingProperties returns the properties of schema that no answer has.
func missingProperties(t *testing.T, schema *rules.Schema, answers [][]byte) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, a := range answers {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(a, &m); err != nil {
			t.Fatalf("answer %s: %v", a, err)
		}
		for k := range m {
			seen[k] = true
		}
	}
	var missing []string
	for _, name := range slices.Sorted(maps.Keys(schema.Properties)) {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	return missing
}

// TestFromExamples: a property with an example in the spec is filled from
// it; one without is left zero.
func TestFromExamples(t *testing.T) {
	type result struct {
		Token     string `json:"token"`
		ExpiresIn *int   `json:"expiresIn,omitempty"`
		Locale    string `json:"locale"`
	}
	op := &rules.Operation{ID: "op"}
	got, err := fromExamples[result](op, &rules.Schema{Name: "Result", Properties: map[string]*rules.Schema{
		"token": {}, "expiresIn": {Example: "3600"}, "locale": {Example: `"en"`},
	}})
	if err != nil || got.Token != "" || got.ExpiresIn == nil || *got.ExpiresIn != 3600 || got.Locale != "en" {
		t.Errorf("got %+v, %v; want expiresIn 3600 and locale en from the examples", got, err)
	}
	if _, err := fromExamples[result](op, &rules.Schema{Name: "Result", Properties: map[string]*rules.Schema{"token": {Example: "7"}}}); err == nil {
		t.Error("an example that does not fit the model was taken")
	}
}

// TestFromExamplesTakesTheAnswersExample: a required property the vendor
// adds to ApplyTokenResult with no example of its own, here channelName,
// starts from the 200 answer's example; with none there either, the stub
// refuses to start rather than send "" against its minLength.
func TestFromExamplesTakesTheAnswersExample(t *testing.T) {
	type result struct {
		Token       string  `json:"token"`
		ResultCode  string  `json:"resultCode"`
		ResultDesc  *string `json:"resultDesc,omitempty"`
		ChannelName string  `json:"channelName"`
	}
	schema := *contract.ApplyTokenResultSchema
	schema.Properties = maps.Clone(schema.Properties)
	schema.Properties["channelName"] = &rules.Schema{Type: rules.TypeString, MinLength: 1} // no example
	schema.Required = append(slices.Clone(schema.Required), "channelName")

	got, err := fromExamples[result](withAnswerExample(contract.ApplyToken, `{"token":"t","resultCode":"0","channelName":"web"}`), &schema)
	if err != nil || got.ChannelName != "web" {
		t.Errorf("got %+v, %v; want channelName web from the answer's example", got, err)
	}
	_, err = fromExamples[result](withAnswerExample(contract.ApplyToken, `{"token":"t","resultCode":"0"}`), &schema)
	const want = "server: applyToken: required property channelName of the 200 answer has no example in the contract and the stub does not set it"
	if err == nil || err.Error() != want {
		t.Errorf("with no example anywhere: %v; want %q", err, want)
	}
}

// withAnswerExample is a copy of op whose 200 answer has example.
func withAnswerExample(op *rules.Operation, example string) *rules.Operation {
	c := *op
	c.Responses = slices.Clone(op.Responses)
	for i := range c.Responses {
		if c.Responses[i].Status == http.StatusOK {
			c.Responses[i].Example = example
		}
	}
	return &c
}
