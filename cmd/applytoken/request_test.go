package main

import (
	"encoding/json"
	"flag"
	"io"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

func requestSchema() *rules.Schema { return openapi.Operation(openapi.ApplyToken).Body.Schema }

// exampleArgs sets every flag of r to its property's example in the spec.
func exampleArgs(t *testing.T, r *requestFlags) []string {
	t.Helper()
	var args []string
	for _, f := range r.flags {
		var v any
		if err := json.Unmarshal([]byte(f.schema.Example), &v); err != nil {
			t.Fatalf("property %s: example %q: %v", f.prop, f.schema.Example, err)
		}
		text, ok := v.(string)
		if !ok {
			text = f.schema.Example
		}
		args = append(args, "-"+f.name, text)
	}
	return args
}

// TestRequestFlagsAreTheContracts: the flags the command documents are the
// request's properties, and the examples of the spec given to them make a
// body that the contract accepts and the request type takes.
func TestRequestFlagsAreTheContracts(t *testing.T) {
	schema := requestSchema()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	r := newRequestFlags(fs, schema)
	if len(r.flags) != len(schema.Properties) {
		t.Errorf("%d request flags for %d properties", len(r.flags), len(schema.Properties))
	}
	for prop := range schema.Properties {
		if fs.Lookup(kebab(prop)) == nil {
			t.Errorf("property %s has no flag -%s", prop, kebab(prop))
		}
	}
	for _, name := range []string{"user-id", "user-name", "channel-id", "locale"} { // the README's
		if fs.Lookup(name) == nil {
			t.Errorf("no flag -%s", name)
		}
	}

	if err := fs.Parse(exampleArgs(t, r)); err != nil {
		t.Fatal(err)
	}
	if m := r.missing(); m != "" {
		t.Errorf("missing() = %q with every flag set", m)
	}
	body, err := r.body()
	if err != nil {
		t.Fatal(err)
	}
	if v := rules.First(openapi.Operation(openapi.ApplyToken).CheckBody("application/json", body)); v != nil {
		t.Errorf("the spec's examples make %s, which the contract refuses: %v", body, v)
	}
	req, err := r.request()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(req); string(got) != string(body) {
		t.Errorf("request = %s; want %s", got, body)
	}
}

// TestRequestFlagsFollowTheSchema: properties a vendor adds to the schema
// are flags, parsed by their type, and reach the request body under their
// JSON names; an optional one left out is left out of the body.
func TestRequestFlagsFollowTheSchema(t *testing.T) {
	schema := *requestSchema()
	schema.Properties = maps.Clone(schema.Properties)
	schema.Properties["nickName"] = &rules.Schema{Type: rules.TypeString}
	schema.Properties["priority"] = &rules.Schema{Type: rules.TypeInteger, Format: "int32"}
	schema.Properties["weight"] = &rules.Schema{Type: rules.TypeNumber}
	schema.Properties["urgent"] = &rules.Schema{Type: rules.TypeBoolean}
	schema.Properties["tags"] = &rules.Schema{Type: rules.TypeArray, Items: &rules.Schema{Type: rules.TypeString}}

	newFlags := func() (*flag.FlagSet, *requestFlags) {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		return fs, newRequestFlags(fs, &schema)
	}
	fs, r := newFlags()
	syn := r.synopsis()
	for _, want := range []string{"-user-id STRING", "[-nick-name STRING]", "[-priority INTEGER]", "[-weight NUMBER]", "[-urgent]", "[-tags JSON]"} {
		if !strings.Contains(syn, want) {
			t.Errorf("synopsis %q lacks %q", syn, want)
		}
	}
	if u := fs.Lookup("priority").Usage; u != "priority of the request, an `integer`" {
		t.Errorf("-priority usage = %q", u)
	}

	args := []string{"-user-id", "u", "-user-name", "n", "-channel-id", "c", "-locale", "en",
		"-nick-name", "Bob", "-priority", "7", "-urgent", "-tags", `["a","b"]`}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	body, err := r.body()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"userId": "u", "userName": "n", "channelId": "c", "locale": "en",
		"nickName": "Bob", "priority": 7.0, "urgent": true, "tags": []any{"a", "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body = %s; want %v (weight, not given, left out)", body, want)
	}
	// Into the request type as generated today, the new members have no
	// field: refused, not dropped.
	if _, err := r.request(); err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Errorf("request() with properties the type lacks: %v; want an unknown field error", err)
	}

	for _, tt := range []struct{ flag, value, want string }{
		{"priority", "seven", "-priority: must be an integer"},
		{"priority", "1.5", "-priority: must be an integer"},
		{"weight", "NaN", "-weight: must be a finite number"},
		{"urgent=maybe", "", "-urgent: must be true or false"},
		{"tags", "[a", "-tags: must be JSON text"},
		{"nick-name", "a\xffb", "-nick-name: must be valid UTF-8"},
	} {
		fs, _ := newFlags()
		args := []string{"-" + tt.flag}
		if tt.value != "" {
			args = append(args, tt.value)
		}
		if err := fs.Parse(args); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v; want an error containing %q", args, err, tt.want)
		}
	}
}

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"userId": "user-id", "userName": "user-name", "channelId": "channel-id", "locale": "locale",
		"nickName": "nick-name", "userID": "user-id", "HTTPProxy": "http-proxy", "app_key": "app-key",
		"v2Name": "v2-name",
	} {
		if got := kebab(in); got != want {
			t.Errorf("kebab(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestHelp: -h lists every request flag, the same way on every run.
func TestHelp(t *testing.T) {
	help := func() string {
		var out, errOut strings.Builder
		if code := run([]string{"-h"}, func(string) string { return "" }, &out, &errOut); code != exitOK || out.Len() != 0 {
			t.Fatalf("-h: exit %d, stdout %q", code, out.String())
		}
		return errOut.String()
	}
	first := help()
	for prop := range requestSchema().Properties {
		if name := "\n  -" + kebab(prop); !strings.Contains(first, name+" ") && !strings.Contains(first, name+"\n") {
			t.Errorf("-h does not list -%s:\n%s", kebab(prop), first)
		}
	}
	for range 5 {
		if again := help(); again != first {
			t.Fatalf("-h changed between runs:\n%s\n---\n%s", first, again)
		}
	}
}
