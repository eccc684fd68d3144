package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaKeys are the keywords package rules checks, or that check nothing
// (descriptions, examples, defaults). A schema with any other keyword is
// refused: better a failed `make generate` than a rule left unchecked.
var schemaKeys = []string{
	"type", "nullable", "enum", "format",
	"minLength", "maxLength", "pattern",
	"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
	"properties", "required", "additionalProperties",
	"items", "minItems", "maxItems",
	"title", "description", "example", "default", "deprecated",
}

// schemaLiteral returns Go source for ref as a *rules.Schema. Below the
// top (depth > 0) a reference to a component schema becomes the name of
// its variable (see componentVar).
func (c *contract) schemaLiteral(where string, ref *openapi3.SchemaRef, depth int) (string, error) {
	if ref == nil || ref.Value == nil {
		return "", fmt.Errorf("%s: no schema", where)
	}
	name, isComponent := componentName(ref.Ref)
	if isComponent && depth > 0 {
		return componentVar(name), nil
	}
	return c.schemaBody(where, name, ref.Value, depth)
}

// schemaBody writes s, named name when it is a component.
func (c *contract) schemaBody(where, name string, s *openapi3.Schema, depth int) (string, error) {
	if depth > 32 {
		return "", fmt.Errorf("%s: schemas nested deeper than 32", where)
	}
	if err := onlyKeys(s, schemaKeys); err != nil {
		return "", fmt.Errorf("%s: %w", where, err)
	}
	var b strings.Builder
	b.WriteString("&rules.Schema{\n")
	field := func(name, value string) { fmt.Fprintf(&b, "%s: %s,\n", name, value) }
	if name != "" {
		field("Name", strconv.Quote(name))
	}
	typ, err := schemaType(s)
	if err != nil {
		return "", fmt.Errorf("%s: %w", where, err)
	}
	if typ != "TypeAny" {
		field("Type", "rules."+typ)
	}
	if s.Nullable {
		field("Nullable", "true")
	}
	if len(s.Enum) > 0 {
		vals := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			if vals[i], err = goValue(v); err != nil {
				return "", fmt.Errorf("%s: enum: %w", where, err)
			}
		}
		field("Enum", "[]any{"+strings.Join(vals, ", ")+"}")
	}
	switch {
	case s.Format == "":
	case typ == "TypeInteger" && (s.Format == "int32" || s.Format == "int64"):
		field("Format", strconv.Quote(s.Format))
	default:
		return "", fmt.Errorf("%s: format %q on a %s is not checked by package rules", where, s.Format, typ)
	}
	if s.MinLength > 0 {
		field("MinLength", strconv.FormatUint(s.MinLength, 10))
	}
	if s.MaxLength != nil {
		field("MaxLength", "new(int64("+strconv.FormatUint(*s.MaxLength, 10)+"))")
	}
	if s.Pattern != "" {
		p, err := compilePattern(s.Pattern)
		if err != nil {
			return "", fmt.Errorf("%s: pattern: %w", where, err)
		}
		field("Pattern", patternLiteral(p))
	}
	if s.Min != nil {
		field("Minimum", "new(float64("+formatFloat(*s.Min)+"))")
	}
	if s.Max != nil {
		field("Maximum", "new(float64("+formatFloat(*s.Max)+"))")
	}
	if s.ExclusiveMin.Value != nil || s.ExclusiveMax.Value != nil {
		return "", fmt.Errorf("%s: numeric exclusiveMinimum/exclusiveMaximum are OpenAPI 3.1", where)
	}
	if s.ExclusiveMin.Bool != nil && *s.ExclusiveMin.Bool && s.Min != nil {
		field("ExclusiveMinimum", "true")
	}
	if s.ExclusiveMax.Bool != nil && *s.ExclusiveMax.Bool && s.Max != nil {
		field("ExclusiveMaximum", "true")
	}
	if a := s.AdditionalProperties; a.Schema != nil || (a.Has != nil && !*a.Has) {
		return "", fmt.Errorf("%s: additionalProperties other than true: the contract ignores unknown fields", where)
	}
	if len(s.Properties) > 0 {
		var props []string
		for _, name := range sortedKeys(s.Properties) {
			lit, err := c.schemaLiteral(where+"."+name, s.Properties[name], depth+1)
			if err != nil {
				return "", err
			}
			props = append(props, fmt.Sprintf("%q: %s,\n", name, lit))
		}
		field("Properties", "map[string]*rules.Schema{\n"+strings.Join(props, "")+"}")
	}
	if len(s.Required) > 0 {
		q := make([]string, len(s.Required))
		for i, r := range s.Required {
			q[i] = strconv.Quote(r)
		}
		field("Required", "[]string{"+strings.Join(q, ", ")+"}")
	}
	if s.Items != nil {
		lit, err := c.schemaLiteral(where+"[]", s.Items, depth+1)
		if err != nil {
			return "", err
		}
		field("Items", lit)
	}
	if s.MinItems > 0 {
		field("MinItems", strconv.FormatUint(s.MinItems, 10))
	}
	if s.MaxItems != nil {
		field("MaxItems", "new(int64("+strconv.FormatUint(*s.MaxItems, 10)+"))")
	}
	if s.Example != nil {
		ex, err := json.Marshal(s.Example)
		if err != nil {
			return "", fmt.Errorf("%s: example: %w", where, err)
		}
		field("Example", goString(string(ex)))
	}
	if s.Default != nil {
		d, err := json.Marshal(s.Default)
		if err != nil {
			return "", fmt.Errorf("%s: default: %w", where, err)
		}
		field("Default", goString(string(d)))
	}
	b.WriteString("}")
	return b.String(), nil
}

func schemaType(s *openapi3.Schema) (string, error) {
	types := s.Type.Slice()
	switch {
	case len(types) == 0:
		return "TypeAny", nil
	case len(types) > 1:
		return "", fmt.Errorf("several types %v are OpenAPI 3.1", types)
	}
	switch types[0] {
	case openapi3.TypeString:
		return "TypeString", nil
	case openapi3.TypeInteger:
		return "TypeInteger", nil
	case openapi3.TypeNumber:
		return "TypeNumber", nil
	case openapi3.TypeBoolean:
		return "TypeBoolean", nil
	case openapi3.TypeObject:
		return "TypeObject", nil
	case openapi3.TypeArray:
		return "TypeArray", nil
	}
	return "", fmt.Errorf("type %q is not checked by package rules", types[0])
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// goValue writes a JSON value (as the YAML loader decoded it) as Go source
// of what encoding/json would decode it to: strings, float64, bool, nil.
func goValue(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "nil", nil
	case string:
		return strconv.Quote(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	case float64:
		return "float64(" + formatFloat(v) + ")", nil
	case int:
		return "float64(" + strconv.Itoa(v) + ")", nil
	case int64:
		return "float64(" + strconv.FormatInt(v, 10) + ")", nil
	}
	return "", fmt.Errorf("value %v of type %T: only strings, numbers, booleans and null are supported", v, v)
}

const componentPrefix = "#/components/schemas/"

func componentName(ref string) (string, bool) {
	name, ok := strings.CutPrefix(ref, componentPrefix)
	return name, ok && name != ""
}

// componentVar is the variable that holds a component schema.
func componentVar(name string) string {
	n, err := goName(name)
	if err != nil {
		n = "Schema_" + name // refused when the components are written
	}
	return n + "Schema"
}

// onlyKeys refuses v, as the contract's JSON, when it has a keyword not in
// allowed (extensions check nothing and pass). Reading the keywords from
// the JSON rather than from the struct means a keyword kin-openapi learns
// later is refused here, not ignored.
func onlyKeys(v any, allowed []string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(allowed, k) && !strings.HasPrefix(k, "x-") {
			return fmt.Errorf("keyword %q is not checked by package rules; teach internal/specgen and internal/rules, or leave it out", k)
		}
	}
	return nil
}
