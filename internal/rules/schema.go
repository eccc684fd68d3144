package rules

import (
	"encoding/json"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Type is the JSON type a schema allows.
type Type uint8

const (
	TypeAny Type = iota // the schema names no type
	TypeString
	TypeInteger
	TypeNumber
	TypeBoolean
	TypeObject
	TypeArray
)

var typeNames = [...]string{TypeAny: "any value", TypeString: "a string", TypeInteger: "an integer",
	TypeNumber: "a number", TypeBoolean: "a boolean", TypeObject: "an object", TypeArray: "an array"}

// String names t as the violations do: "a string", "an integer".
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "an unknown type"
}

// Schema is a JSON schema of the contract, with the keywords
// internal/specgen compiles; it refuses the others, so that no keyword is
// silently left unchecked.
type Schema struct {
	// Name is the component's name, or "" for a schema written inline.
	Name     string
	Type     Type
	Nullable bool
	// Enum holds the allowed values as encoding/json decodes them into any
	// (numbers as float64); nil when the schema has no enum.
	Enum []any

	// Strings. Lengths count characters (code points), as JSON Schema and
	// kin-openapi do. A nil MaxLength means no maximum.
	MinLength int64
	MaxLength *int64
	Pattern   *Pattern

	// Numbers. Format is "int32", "int64" or "".
	Format           string
	Minimum, Maximum *float64
	ExclusiveMinimum bool
	ExclusiveMaximum bool

	// Objects. Properties not listed are allowed: the contract ignores
	// unknown fields.
	Properties map[string]*Schema
	Required   []string

	// Arrays. A nil MaxItems means no maximum.
	Items    *Schema
	MinItems int64
	MaxItems *int64

	// Example is the schema's example as JSON text; "" when it has none.
	Example string
	// Default is the schema's default as JSON text; "" when it has none.
	// No check reads it: it is the value a server takes for one left out.
	Default string
}

// Property returns the schema of the named property, or nil.
func (s *Schema) Property(name string) *Schema { return s.Properties[name] }

// CheckValue checks v, a value as encoding/json decodes it into any with
// UseNumber (json.Number) or without (float64), against s. path names v
// in violations: "" for a whole body, "userId" for a property,
// "items/0/name" deeper down. Violations come in kin-openapi's order:
// object properties by name, then missing required ones.
func (s *Schema) CheckValue(path string, v any) []Violation {
	var out []Violation
	s.check(path, v, &out)
	return out
}

func (s *Schema) check(path string, v any, out *[]Violation) {
	add := func(rule, reason string) {
		*out = append(*out, Violation{In: InBody, Name: path, Rule: rule, Reason: reason})
	}
	if v == nil {
		if !s.Nullable {
			add("nullable", "must not be null")
		}
		return
	}
	if n, ok := v.(json.Number); ok {
		f, err := n.Float64()
		if err != nil {
			add("type", "must be a number a float64 can hold")
			return
		}
		v = f
	}
	if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		add("type", "must be a finite number")
		return
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return equalJSON(e, v) }) {
		add("enum", "must be one of "+enumText(s.Enum))
		return
	}
	switch v := v.(type) {
	case string:
		if !s.allows(TypeString) {
			add("type", "must be "+typeNames[s.Type])
			return
		}
		s.checkString(v, add)
	case float64:
		if !s.allows(TypeNumber) && !s.allows(TypeInteger) {
			add("type", "must be "+typeNames[s.Type])
			return
		}
		s.checkNumber(v, add)
	case bool:
		if !s.allows(TypeBoolean) {
			add("type", "must be "+typeNames[s.Type])
		}
	case map[string]any:
		if !s.allows(TypeObject) {
			add("type", "must be "+typeNames[s.Type])
			return
		}
		s.checkObject(path, v, out)
	case []any:
		if !s.allows(TypeArray) {
			add("type", "must be "+typeNames[s.Type])
			return
		}
		s.checkArray(path, v, out)
	default:
		add("type", "must be "+typeNames[s.Type])
	}
}

func (s *Schema) allows(t Type) bool {
	return s.Type == TypeAny || s.Type == t || (s.Type == TypeNumber && t == TypeInteger)
}

func (s *Schema) checkString(v string, add func(rule, reason string)) {
	if s.MinLength > 0 || s.MaxLength != nil {
		n := int64(utf8.RuneCountInString(v))
		if n < s.MinLength {
			add("minLength", "must be at least "+chars(s.MinLength))
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			add("maxLength", "must be at most "+chars(*s.MaxLength))
		}
	}
	if s.Pattern != nil && !s.Pattern.MatchString(v) {
		add("pattern", "must match "+s.Pattern.Source)
	}
}

func chars(n int64) string {
	if n == 1 {
		return "1 character"
	}
	return strconv.FormatInt(n, 10) + " characters"
}

func (s *Schema) checkNumber(v float64, add func(rule, reason string)) {
	if s.Type == TypeInteger {
		if !big.NewFloat(v).IsInt() {
			add("type", "must be an integer")
		}
		if !inFormat(s.Format, v) {
			add("format", "must be an integer of format "+s.Format)
		}
	}
	g := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	switch m := s.Minimum; {
	case m != nil && s.ExclusiveMinimum && !(v > *m):
		add("exclusiveMinimum", "must be more than "+g(*m))
	case m != nil && !(v >= *m):
		add("minimum", "must be at least "+g(*m))
	}
	switch m := s.Maximum; {
	case m != nil && s.ExclusiveMaximum && !(v < *m):
		add("exclusiveMaximum", "must be less than "+g(*m))
	case m != nil && !(v <= *m):
		add("maximum", "must be at most "+g(*m))
	}
}

// inFormat reports whether the integer v fits its format, with
// kin-openapi's reading of 2^63 (float64's nearest to MaxInt64) as in range.
func inFormat(format string, v float64) bool {
	switch format {
	case "int32":
		return v >= math.MinInt32 && v <= math.MaxInt32
	case "int64":
		return v >= math.MinInt64 && v <= math.MaxInt64
	}
	return true
}

func (s *Schema) checkObject(path string, v map[string]any, out *[]Violation) {
	var buf [16]string // a request's object fits; larger ones allocate
	names := buf[:0]
	for k := range v {
		if s.Properties[k] != nil {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		s.Properties[k].check(join(path, k), v[k], out)
	}
	for _, k := range s.Required {
		if _, ok := v[k]; !ok {
			*out = append(*out, Violation{In: InBody, Name: join(path, k), Rule: "required", Reason: "is required"})
		}
	}
}

func (s *Schema) checkArray(path string, v []any, out *[]Violation) {
	n := int64(len(v))
	if n < s.MinItems {
		*out = append(*out, Violation{In: InBody, Name: path, Rule: "minItems", Reason: "must have at least " + strconv.FormatInt(s.MinItems, 10) + " items"})
	}
	if s.MaxItems != nil && n > *s.MaxItems {
		*out = append(*out, Violation{In: InBody, Name: path, Rule: "maxItems", Reason: "must have at most " + strconv.FormatInt(*s.MaxItems, 10) + " items"})
	}
	if s.Items != nil {
		for i, item := range v {
			s.Items.check(join(path, strconv.Itoa(i)), item, out)
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "/" + key
}

// equalJSON is JSON equality: numbers by value, the rest deeply.
func equalJSON(a, b any) bool {
	if x, ok := a.(float64); ok {
		y, ok := b.(float64)
		return ok && x == y
	}
	return reflect.DeepEqual(a, b)
}

func enumText(enum []any) string {
	b, _ := json.Marshal(enum) // values decoded from JSON: they encode
	return string(b)
}
