package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// modelField is a field of a model oapi-codegen wrote: its Go name and type.
type modelField struct {
	name string
	typ  string // "string", "*string", "int", "*int32", ...
}

// models maps a struct's name, then a JSON member name, to its field.
type models map[string]map[string]modelField

// readModels reads the structs of the *.gen.go files oapi-codegen wrote in
// dir, so that the methods written beside them use oapi-codegen's own
// names for every field, whatever its name normalizer does.
func readModels(dir string) (models, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.gen.go"))
	if err != nil {
		return nil, err
	}
	m := models{}
	fset := token.NewFileSet()
	for _, path := range paths {
		if filepath.Base(path) == "lifetime.gen.go" {
			continue // ours
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				fields := map[string]modelField{}
				for _, fl := range st.Fields.List {
					if fl.Tag == nil || len(fl.Names) != 1 {
						continue
					}
					tag, _ := strconv.Unquote(fl.Tag.Value)
					jsonName, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
					if jsonName == "" || jsonName == "-" {
						continue
					}
					fields[jsonName] = modelField{name: fl.Names[0].Name, typ: string(src[fset.Position(fl.Type.Pos()).Offset:fset.Position(fl.Type.End()).Offset])}
				}
				m[ts.Name.Name] = fields
			}
		}
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("no models in %s: run oapi-codegen first (gen/generate.go)", dir)
	}
	return m, nil
}

// lifetimeFile writes, for every component schema that says how long its
// token lives (x-lifetime on a property, x-default-lifetime on the
// schema), a Lifetime method on its model and, for the server, a
// SetLifetime method. The client's Expiry and the stub's answers follow
// whatever the contract marks.
func (c *contract) lifetimeFile(pkg string, m models, setter bool) ([]byte, error) {
	var b strings.Builder
	schemas := c.doc.Components.Schemas
	for _, name := range sortedKeys(schemas) {
		s := schemas[name].Value
		prop, dflt, err := lifetimeOf(name, s)
		if err != nil {
			return nil, err
		}
		if prop == "" && dflt == 0 {
			continue
		}
		typeName, err := goName(name)
		if err != nil {
			return nil, err
		}
		fields, ok := m[typeName]
		if !ok {
			return nil, fmt.Errorf("%s: oapi-codegen wrote no model %s in gen/%s", name, typeName, pkg)
		}
		var f modelField
		if prop != "" {
			if f, ok = fields[prop]; !ok {
				return nil, fmt.Errorf("%s.%s: oapi-codegen's model %s has no field for it", name, prop, typeName)
			}
		}
		if err := writeLifetime(&b, typeName, name, prop, f, dflt); err != nil {
			return nil, err
		}
		if setter {
			if err := writeSetLifetime(&b, typeName, name, prop, f); err != nil {
				return nil, err
			}
		}
	}
	methods := b.String()
	var imports []string
	if strings.Contains(methods, "time.") {
		imports = append(imports, `"time"`)
	}
	if strings.Contains(methods, "rules.") {
		imports = append(imports, `"github.com/aicc-kit/applytoken/internal/rules"`)
	}
	src := header + "package " + pkg + "\n\n"
	if len(imports) > 0 {
		src += "import (\n" + strings.Join(imports, "\n\n") + "\n)\n\n"
	}
	return []byte(src + methods), nil
}

// lifetimeOf reads the two extensions of a schema.
func lifetimeOf(name string, s *openapi3.Schema) (prop string, dflt int64, err error) {
	for _, p := range sortedKeys(s.Properties) {
		v, ok := s.Properties[p].Value.Extensions["x-lifetime"]
		if !ok {
			continue
		}
		if v != "seconds" {
			return "", 0, fmt.Errorf("%s.%s: x-lifetime must be \"seconds\", got %v", name, p, v)
		}
		if prop != "" {
			return "", 0, fmt.Errorf("%s: x-lifetime on both %s and %s", name, prop, p)
		}
		prop = p
	}
	if v, ok := s.Extensions["x-default-lifetime"]; ok {
		f, ok := v.(float64)
		if !ok || f < 1 || f != float64(int64(f)) {
			return "", 0, fmt.Errorf("%s: x-default-lifetime must be a positive whole number of seconds, got %v", name, v)
		}
		dflt = int64(f)
	}
	return prop, dflt, nil
}

func writeLifetime(b *strings.Builder, typeName, schema, prop string, f modelField, dflt int64) error {
	fmt.Fprintf(b, "// Lifetime returns how long the token of r lives, as the contract's %s says", schema)
	switch {
	case prop != "" && dflt > 0:
		fmt.Fprintf(b, ": its %s (x-lifetime), or %d seconds (x-default-lifetime) when r does not say.\n", prop, dflt)
	case prop != "":
		fmt.Fprintf(b, ": its %s (x-lifetime). ok is false when r does not say.\n", prop)
	default:
		fmt.Fprintf(b, ": %d seconds (x-default-lifetime); no property says otherwise.\n", dflt)
	}
	fmt.Fprintf(b, "func (r %s) Lifetime() (d time.Duration, ok bool) {\n", typeName)
	if prop != "" {
		read, err := readSeconds("r."+f.name, f.typ)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", schema, prop, err)
		}
		fmt.Fprintf(b, "\tif d, ok := %s; ok {\n\t\treturn d, true\n\t}\n", read)
	}
	if dflt > 0 {
		fmt.Fprintf(b, "\treturn %d * time.Second, true\n}\n\n", dflt)
	} else {
		b.WriteString("\treturn 0, false\n}\n\n")
	}
	return nil
}

func readSeconds(expr, typ string) (string, error) {
	switch typ {
	case "string":
		return "rules.Seconds(" + expr + ")", nil
	case "*string":
		return "rules.SecondsPtr(" + expr + ")", nil
	case "int", "int32", "int64":
		return "rules.IntSeconds(int64(" + expr + "))", nil
	case "*int", "*int32", "*int64":
		return "rules.IntSecondsPtr(" + expr + ")", nil
	}
	return "", fmt.Errorf("x-lifetime on a field of Go type %s; want a string or an integer", typ)
}

func writeSetLifetime(b *strings.Builder, typeName, schema, prop string, f modelField) error {
	fmt.Fprintf(b, "// SetLifetime makes r say that its token lives d")
	if prop == "" {
		fmt.Fprintf(b, ". The contract's %s has no property for it, so r is left as it is.\n", schema)
		fmt.Fprintf(b, "func (r *%s) SetLifetime(d time.Duration) {}\n\n", typeName)
		return nil
	}
	fmt.Fprintf(b, ", in its %s (x-lifetime), in whole seconds.\n", prop)
	fmt.Fprintf(b, "func (r *%s) SetLifetime(d time.Duration) {\n", typeName)
	secs := "int64(d / time.Second)"
	switch f.typ {
	case "string":
		fmt.Fprintf(b, "\tr.%s = rules.FormatSeconds(d)\n", f.name)
	case "*string":
		fmt.Fprintf(b, "\ts := rules.FormatSeconds(d)\n\tr.%s = &s\n", f.name)
	case "int", "int32", "int64":
		fmt.Fprintf(b, "\tr.%s = %s(%s)\n", f.name, f.typ, secs)
	case "*int", "*int32", "*int64":
		fmt.Fprintf(b, "\tn := %s(%s)\n\tr.%s = &n\n", f.typ[1:], secs, f.name)
	default:
		return fmt.Errorf("%s.%s: x-lifetime on a field of Go type %s", schema, prop, f.typ)
	}
	b.WriteString("}\n\n")
	return nil
}
