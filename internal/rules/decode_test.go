package rules_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

// The value DecodeBody hands a server is what encoding/json's Decoder
// with UseNumber gives, whichever decode the rules took to get it (see
// decodeJSON): numbers as json.Number with every digit, for
// runtime.BindJSONBody to bind exactly.

// referenceDecode is the one decode the rules' value must equal: a
// Decoder with UseNumber, one value and white space after it.
func referenceDecode(body []byte) (any, bool) {
	if !utf8.Valid(body) || !json.Valid(body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

func checkDecoded(t *testing.T, op *rules.Operation, body []byte) {
	t.Helper()
	got, violations := op.DecodeBody("application/json", body)
	if len(body) == 0 { // a body left out: no value, and no JSON to read
		if got != nil || len(violations) > 1 || (len(violations) == 1 && violations[0].Rule != "required") {
			t.Fatalf("%s, empty body: value %#v, violations %v", op.ID, got, violations)
		}
		return
	}
	want, ok := referenceDecode(body)
	refused := false
	for _, v := range violations {
		if v.Rule == "json" || v.Rule == "utf8" {
			refused = true
		}
	}
	switch {
	case refused == ok:
		t.Fatalf("%s %q: refused as JSON %v, the reference decode ok %v", op.ID, body, refused, ok)
	case !reflect.DeepEqual(got, want):
		t.Fatalf("%s %q: value %#v, want %#v", op.ID, body, got, want)
	}
}

var decodeCases = []string{
	`{"userId":"user-0001","userName":"Alice","channelId":"c","locale":"en"}`,
	`{"userId":9007199254740993}`, // beyond float64's integers: every digit kept
	`{"n":1e400}`,                 // beyond float64: a violation, the value kept
	`{"a":[{"b":1.5},true,null,"x"]}`,
	`[1, 2, 3]`, `"text"`, `0`, `-0`, `null`, ` {} `, "{}\n\t ",
	`{"a":1} {"b":2}`, `{"a":1}x`, `{"a":`, ``, `   `, `{"a":"\ud800"}`,
	`{"a":"x","a":"y"}`, // the last member wins, as both decoders have it
}

func TestDecodeBodyValueIsUseNumbers(t *testing.T) {
	for _, op := range openapi.Operations() {
		if op.Body == nil {
			continue
		}
		for _, body := range decodeCases {
			checkDecoded(t, op, []byte(body))
		}
		for _, s := range fuzzSeeds(t) {
			checkDecoded(t, op, s.body)
		}
	}
}

func FuzzDecodeBodyValue(f *testing.F) {
	for _, body := range decodeCases {
		f.Add([]byte(body))
	}
	for _, s := range fuzzSeeds(f) {
		f.Add(s.body)
	}
	var ops []*rules.Operation
	for _, op := range openapi.Operations() {
		if op.Body != nil {
			ops = append(ops, op)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, op := range ops {
			checkDecoded(t, op, body)
		}
	})
}
