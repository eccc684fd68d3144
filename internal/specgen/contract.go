package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// contractFile writes gen/contract: the operations, their ids and paths as
// constants, the component schemas and the security schemes.
func (c *contract) contractFile() ([]byte, error) {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString(`// Package contract is openapi/applytoken.yaml as Go values: each operation
// with its parameters, body, security and documented answers, and each
// component schema, for package rules to check requests against. The
// client and the stub both read it, so they hold one reading of each rule.
package contract

import "github.com/aicc-kit/applytoken/internal/rules"

`)
	ops := c.operations()
	b.WriteString("// The operationIds, and the paths the operations are served on.\nconst (\n")
	for _, o := range ops {
		n, err := goName(o.spec.OperationID)
		if err != nil {
			return nil, fmt.Errorf("%s %s: operationId: %w", o.method, o.path, err)
		}
		fmt.Fprintf(&b, "\tOp%s = %q\n\t%sPath = %q\n", n, o.spec.OperationID, n, o.path)
	}
	b.WriteString(")\n\n")

	b.WriteString("// Operations lists every operation, by path and method.\nvar Operations = []*rules.Operation{")
	for _, o := range ops {
		n, _ := goName(o.spec.OperationID)
		b.WriteString(n + ", ")
	}
	b.WriteString("}\n\n")

	for _, o := range ops {
		lit, err := c.operationLiteral(o)
		if err != nil {
			return nil, fmt.Errorf("operation %s: %w", o.spec.OperationID, err)
		}
		n, _ := goName(o.spec.OperationID)
		fmt.Fprintf(&b, "// %s is %s %s: %s\nvar %s = %s\n\n", n, o.method, o.path, oneLine(o.spec.Summary), n, lit)
	}

	schemas := c.doc.Components.Schemas
	for _, name := range sortedKeys(schemas) {
		if _, err := goName(name); err != nil {
			return nil, fmt.Errorf("component schema: %w", err)
		}
		if schemas[name].Value == nil {
			return nil, fmt.Errorf("component schema %s is not resolved", name)
		}
		lit, err := c.schemaBody(name, name, schemas[name].Value, 0)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "// %s is the component schema %s.\nvar %s = %s\n\n", componentVar(name), name, componentVar(name), lit)
	}

	schemes := c.doc.Components.SecuritySchemes
	for _, key := range sortedKeys(schemes) {
		lit, err := schemeLiteral(key, schemes[key])
		if err != nil {
			return nil, err
		}
		n, err := goName(key)
		if err != nil {
			return nil, fmt.Errorf("security scheme: %w", err)
		}
		fmt.Fprintf(&b, "// Scheme%s is the security scheme %s.\nvar Scheme%s = %s\n\n", n, key, n, lit)
	}
	return []byte(b.String()), nil
}

func (c *contract) operationLiteral(o op) (string, error) {
	var b strings.Builder
	n, _ := goName(o.spec.OperationID)
	fmt.Fprintf(&b, "&rules.Operation{\nID: Op%s,\nMethod: %q,\nPath: %sPath,\n", n, o.method, n)
	if len(o.item.Parameters) > 0 {
		return "", fmt.Errorf("path-level parameters are not read by internal/specgen; declare them on the operation")
	}
	if len(o.spec.Parameters) > 0 {
		var params []string
		for _, ref := range o.spec.Parameters {
			lit, err := c.paramLiteral(ref.Value)
			if err != nil {
				return "", err
			}
			params = append(params, lit)
		}
		b.WriteString("Params: []rules.Param{\n" + strings.Join(params, ",\n") + ",\n},\n")
	}
	if rb := o.spec.RequestBody; rb != nil {
		lit, err := c.bodyLiteral(rb.Value)
		if err != nil {
			return "", err
		}
		b.WriteString("Body: " + lit + ",\n")
	}
	sec := o.spec.Security
	if sec == nil {
		sec = &c.doc.Security
	}
	if len(*sec) > 0 {
		var alts []string
		for _, req := range *sec {
			var names []string
			for _, key := range sortedKeys(req) {
				if c.doc.Components.SecuritySchemes[key] == nil {
					return "", fmt.Errorf("security names the unknown scheme %q", key)
				}
				n, err := goName(key)
				if err != nil {
					return "", err
				}
				names = append(names, "Scheme"+n)
			}
			alts = append(alts, "{"+strings.Join(names, ", ")+"}")
		}
		b.WriteString("Security: [][]*rules.SecurityScheme{" + strings.Join(alts, ", ") + "},\n")
	}
	responses := o.spec.Responses.Map()
	codes := make([]int, 0, len(responses))
	for code := range responses {
		status, err := strconv.Atoi(code)
		if err != nil || status < 100 || status > 599 {
			return "", fmt.Errorf("response %q: only numeric statuses are read by internal/specgen", code)
		}
		codes = append(codes, status)
	}
	slices.Sort(codes)
	var rs []string
	for _, status := range codes {
		lit, err := responseLiteral(status, responses[strconv.Itoa(status)].Value)
		if err != nil {
			return "", fmt.Errorf("response %d: %w", status, err)
		}
		rs = append(rs, lit)
	}
	b.WriteString("Responses: []rules.Response{\n" + strings.Join(rs, ",\n") + ",\n},\n}")
	return b.String(), nil
}

var paramKeys = []string{"name", "in", "required", "description", "schema", "example", "deprecated", "style", "explode"}

func (c *contract) paramLiteral(p *openapi3.Parameter) (string, error) {
	where := "parameter " + p.Name
	if err := onlyKeys(p, paramKeys); err != nil {
		return "", fmt.Errorf("%s: %w", where, err)
	}
	switch {
	case p.In != openapi3.ParameterInHeader:
		return "", fmt.Errorf("%s is in %s; internal/specgen reads header parameters only", where, p.In)
	case p.Style != "" && p.Style != "simple", p.Explode != nil && *p.Explode:
		return "", fmt.Errorf("%s: only the simple style is read", where)
	case p.Schema == nil:
		return "", fmt.Errorf("%s has no schema", where)
	}
	lit, err := c.schemaLiteral(where, p.Schema, 1)
	if err != nil {
		return "", err
	}
	if t, _ := schemaType(p.Schema.Value); t != "TypeString" && t != "TypeInteger" {
		return "", fmt.Errorf("%s: a header of %s is not read by package rules", where, t)
	}
	return fmt.Sprintf("{\nName: %q,\nIn: rules.InHeader,\nRequired: %t,\nSchema: %s,\n}", p.Name, p.Required, lit), nil
}

var bodyKeys = []string{"description", "required", "content"}

func (c *contract) bodyLiteral(rb *openapi3.RequestBody) (string, error) {
	if err := onlyKeys(rb, bodyKeys); err != nil {
		return "", fmt.Errorf("request body: %w", err)
	}
	var schema *openapi3.SchemaRef
	keys := sortedKeys(rb.Content)
	for _, k := range keys {
		mt := rb.Content[k]
		if mt.Schema == nil || len(mt.Encoding) > 0 {
			return "", fmt.Errorf("request body %s: a schema, and no encoding, is what internal/specgen reads", k)
		}
		if base, _, _ := strings.Cut(k, ";"); !strings.EqualFold(strings.TrimSpace(base), "application/json") {
			return "", fmt.Errorf("request body %s: only JSON bodies are read", k)
		}
		if schema != nil && schema.Ref != mt.Schema.Ref {
			return "", fmt.Errorf("request body: the media types have different schemas")
		}
		schema = mt.Schema
	}
	if schema == nil {
		return "", fmt.Errorf("request body has no content")
	}
	lit, err := c.schemaLiteral("request body", schema, 1)
	if err != nil {
		return "", err
	}
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = strconv.Quote(k)
	}
	var max int64
	if v, ok := rb.Extensions["x-max-body-bytes"]; ok {
		f, ok := v.(float64)
		if !ok || f < 1 || f != float64(int64(f)) {
			return "", fmt.Errorf("request body: x-max-body-bytes must be a positive whole number of bytes, got %v", v)
		}
		max = int64(f)
	}
	return fmt.Sprintf("&rules.Body{\nRequired: %t,\nContentTypes: []string{%s},\nSchema: %s,\nMaxBytes: %d,\n}",
		rb.Required, strings.Join(q, ", "), lit, max), nil
}

func responseLiteral(status int, r *openapi3.Response) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "{\nStatus: %d,\n", status)
	if mt := r.Content.Get("application/json"); mt != nil && mt.Schema != nil {
		if name, ok := componentName(mt.Schema.Ref); ok {
			fmt.Fprintf(&b, "Schema: %q,\n", name)
		}
		var ex any
		switch {
		case mt.Example != nil:
			ex = mt.Example
		case len(mt.Examples) > 0:
			ex = mt.Examples[sortedKeys(mt.Examples)[0]].Value.Value
		}
		if ex != nil {
			j, err := json.Marshal(ex)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "Example: %s,\n", goString(string(j)))
		}
	}
	if len(r.Headers) > 0 {
		var hs []string
		for _, name := range sortedKeys(r.Headers) {
			h := r.Headers[name].Value
			ex, err := headerExample(h)
			if err != nil {
				return "", fmt.Errorf("header %s: %w", name, err)
			}
			// The stub sends every required header with this value and has
			// none of its own: an empty one would break every such answer
			// with nothing naming the cause.
			if ex == "" && h.Required {
				return "", fmt.Errorf("required header %s has neither an example nor a single-value enum: the stub cannot send it", name)
			}
			hs = append(hs, fmt.Sprintf("{Name: %q, Required: %t, Example: %q}", name, h.Required, ex))
		}
		b.WriteString("Headers: []rules.Header{" + strings.Join(hs, ", ") + "},\n")
	}
	b.WriteString("}")
	return b.String(), nil
}

// headerExample is the value a server sends for a documented header when
// it has none of its own: the header's example, its schema's, or the one
// value its enum allows; "" when there is none (responseLiteral refuses
// that for a required header).
func headerExample(h *openapi3.Header) (string, error) {
	var v any
	switch {
	case h.Example != nil:
		v = h.Example
	case h.Schema != nil && h.Schema.Value.Example != nil:
		v = h.Schema.Value.Example
	case h.Schema != nil && len(h.Schema.Value.Enum) == 1:
		v = h.Schema.Value.Enum[0]
	default:
		return "", nil
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		return formatFloat(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("example %v is not a string, number or boolean", v)
}

func schemeLiteral(key string, ref *openapi3.SecuritySchemeRef) (string, error) {
	s := ref.Value
	switch {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		return fmt.Sprintf("&rules.SecurityScheme{Key: %q, Type: \"http\", Scheme: \"bearer\"}", key), nil
	case s.Type == "apiKey" && s.In == "header":
		return fmt.Sprintf("&rules.SecurityScheme{Key: %q, Type: \"apiKey\", In: rules.InHeader, Name: %q}", key, s.Name), nil
	}
	return "", fmt.Errorf("security scheme %s: only http bearer and apiKey in a header are read by internal/specgen", key)
}

// goString quotes s as a raw string when it can, for legible JSON.
func goString(s string) string {
	if strings.ContainsAny(s, "`\r") || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	return "`" + s + "`"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
