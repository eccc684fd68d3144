package main

import (
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"reflect"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/internal/rules"
)

// The run-time matcher's opcodes and flags are regexp/syntax's, value for
// value, so compilePattern converts without a table, and the literal's
// names are syntax's.
func TestPatternOpcodesAreSyntaxs(t *testing.T) {
	ops := map[rules.InstOp]syntax.InstOp{
		rules.InstAlt: syntax.InstAlt, rules.InstAltMatch: syntax.InstAltMatch, rules.InstCapture: syntax.InstCapture,
		rules.InstEmptyWidth: syntax.InstEmptyWidth, rules.InstMatch: syntax.InstMatch, rules.InstFail: syntax.InstFail,
		rules.InstNop: syntax.InstNop, rules.InstRune: syntax.InstRune, rules.InstRune1: syntax.InstRune1,
		rules.InstRuneAny: syntax.InstRuneAny, rules.InstRuneAnyNotNL: syntax.InstRuneAnyNotNL,
	}
	if len(ops) != len(instOpNames) {
		t.Errorf("%d ops here, %d names in instOpNames", len(ops), len(instOpNames))
	}
	for ours, theirs := range ops {
		if uint8(ours) != uint8(theirs) {
			t.Errorf("rules op %d is syntax op %d (%v)", ours, theirs, theirs)
		}
		if instOpNames[ours] != theirs.String() {
			t.Errorf("instOpNames[%d] = %q; syntax calls it %q", ours, instOpNames[ours], theirs)
		}
	}
	flags := map[uint32]syntax.EmptyOp{
		rules.EmptyBeginLine: syntax.EmptyBeginLine, rules.EmptyEndLine: syntax.EmptyEndLine,
		rules.EmptyBeginText: syntax.EmptyBeginText, rules.EmptyEndText: syntax.EmptyEndText,
		rules.EmptyWordBoundary: syntax.EmptyWordBoundary, rules.EmptyNoWordBoundary: syntax.EmptyNoWordBoundary,
	}
	for ours, theirs := range flags {
		if ours != uint32(theirs) {
			t.Errorf("rules empty flag %#x is syntax's %#x", ours, theirs)
		}
	}
}

// The run-time matcher stays free of package regexp and of unicode's
// tables, which is its reason to exist.
func TestPatternMatcherImports(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../rules/pattern.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		if path, _ := strconv.Unquote(imp.Path.Value); path != "unicode/utf8" {
			t.Errorf("internal/rules/pattern.go imports %q", path)
		}
	}
}

// patternCases are patterns the generator accepts, each with an alphabet
// its random inputs are drawn from.
var patternCases = []struct {
	pattern, alphabet string
}{
	{`^[a-z]{2,3}$`, "abzAZ-é\n"},
	// Case folding: regexp/syntax compiles (?i) and a class of a letter and
	// its other case to a folded rune, which compilePattern expands.
	{`(?i)abc`, "abcABCx"},
	{`(?i:k)x`, "kKKx"}, // K is also the Kelvin sign, U+212A
	{`^[Yy]es$`, "yYesES"},
	{`^(?:Y|y)$`, "yYz"},
	{`(?i)σ`, "σΣςs"},
	{`^[0-9]{1,19}$`, "0159a -"},
	{`^[a-z]{2,3}(-[A-Z]{2})?$`, "enUS-z"},
	{`^\d+$`, "0123x٣"},
	{`[0-9]`, "ab1"},
	{`^$`, "a\n"},
	{`a|b|c`, "abcd"},
	{`^(ab)*c$`, "abc"},
	{`\bword\b`, "word _xé"},
	{`\b`, "a é_"},
	{`^.{0,5}$`, "ab\né"},
	{`^[\p{L} ]+$`, "aé 1ж"},
	{`^\u00E9+$`, "éeE"}, // the ECMA escape kin-openapi rewrites
	{`(?m)^a$`, "a\nb"},
	{`(?m)^$`, "a\n"},
	{`(?m)a$\n^b`, "ab\n"},
	{`\Bx`, "x a_"},
	{`\Ax\z`, "x\n"},
	{`^[^a-z]*$`, "aZ1 \n"},
	{`x{2,}`, "xy"},
	{`.`, "a\n"},
	{`^[é-ü]{1,3}$`, "éüaÿ"},
	{`(?s)^a.b$`, "ab\n"},
	{`^(?:a+)+$`, "ab"},
	{`^(a|ab)(c|bcd)(d*)$`, "abcd"},
	{`(?U)a+?b`, "ab"},
	{`^\x{FFFD}$`, "a\uFFFD"},   // which invalid UTF-8 matches, too
	{`[^\x00-\x{10FFFF}]`, "a"}, // InstFail
	{`^[\x{10000}-\x{10FFFF}]+$`, "a😀\U0010FFFF"},
}

// Each pattern's program answers as package regexp does, on fixed and
// random strings.
func TestPatternMatchesRegexp(t *testing.T) {
	fixed := []string{"", "a", "ab", "abc", "c", "en", "eng", "engl", "EN", "en-US", "en-us", "0", "1234567890123456789",
		"12345678901234567890", "é", "éé", "ééé", "\u00e9", "e\u0301", "😀", "\U0010FFFF",
		"\xff", "a\xffb", "\xe2\x82", "\xe2\x82\xac", "\xed\xa0\x80", "\uFFFD",
		"\n", "a\n", "\na", "\n\n", "a\nb", "\r\n", "ab\nc", "ab\nb", "x\n",
		"word", "a word b", "sword", "word_", "éwordé", "x", "xx", "xxx", " x", "_x",
		strings.Repeat("a", 300), strings.Repeat("ab", 100) + "c", strings.Repeat("é", 200), strings.Repeat("9", 19)}
	for k, c := range patternCases {
		p, err := compilePattern(c.pattern)
		if err != nil {
			t.Fatalf("compilePattern(%q): %v", c.pattern, err)
		}
		re := regexp.MustCompile(kinPattern(c.pattern))
		runes := []rune(c.alphabet)
		rng := rand.New(rand.NewPCG(uint64(k), 2026))
		inputs := append([]string(nil), fixed...)
		for range 3000 {
			var b strings.Builder
			for range rng.IntN(10) {
				if rng.IntN(20) == 0 { // a byte that is not UTF-8
					b.WriteString("\xff")
				} else {
					b.WriteRune(runes[rng.IntN(len(runes))])
				}
			}
			inputs = append(inputs, b.String())
		}
		for _, s := range inputs {
			if got, want := p.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%q.MatchString(%q) = %t; regexp says %t", c.pattern, s, got, want)
			}
		}
	}
}

// compilePattern refuses what regexp refuses, after kin-openapi's
// rewrite, and what the run-time matcher does not run.
func TestPatternRefusals(t *testing.T) {
	for _, c := range []struct{ pattern, why string }{
		{`^\u00e9+$`, `\u`}, // kin-openapi rewrites upper-case hex only
		{`a{1001}`, "repeat"},
		{`(`, "missing"},
		{`x**`, "repetition"},
		{`\p{Nope}`, "range"},
		{"\xff", "UTF-8"},
	} {
		_, err := compilePattern(c.pattern)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("compilePattern(%q) = %v; want an error about %s", c.pattern, err, c.why)
		}
	}
	for _, ok := range []string{`^[Kk]$`, `^[A-Za-z]$`, `(?i)[a-z]`, `(?i)1`, `(?i)abc`, `^[Yy]$`} {
		if _, err := compilePattern(ok); err != nil {
			t.Errorf("compilePattern(%q): %v", ok, err)
		}
	}
}

const lowerTag = `^[a-z]{2,3}$`

// The literal of a pattern, word for word, as the generated code reads.
const lowerTagLiteral = `&rules.Pattern{Source: "^[a-z]{2,3}$", Start: 1, Prog: []rules.Inst{
	{Op: rules.InstFail},                                  // 0
	{Op: rules.InstEmptyWidth, Out: 2, Arg: 4},            // 1
	{Op: rules.InstRune, Out: 3, Runes: []rune{'a', 'z'}}, // 2
	{Op: rules.InstRune, Out: 5, Runes: []rune{'a', 'z'}}, // 3
	{Op: rules.InstRune, Out: 6, Runes: []rune{'a', 'z'}}, // 4
	{Op: rules.InstAlt, Out: 4, Arg: 6},                   // 5
	{Op: rules.InstEmptyWidth, Out: 7, Arg: 8},            // 6
	{Op: rules.InstMatch},                                 // 7
}}`

// patternLiteral's text is gofmt's, and reads back as the program it
// spells.
func TestPatternLiteral(t *testing.T) {
	p, err := compilePattern(lowerTag)
	if err != nil {
		t.Fatal(err)
	}
	if got := patternLiteral(p); got != lowerTagLiteral {
		t.Errorf("patternLiteral(%q) =\n%s\nwant\n%s", lowerTag, got, lowerTagLiteral)
	}
	for _, c := range append(patternCases, struct{ pattern, alphabet string }{`^['\\"\x{301}\x{a0}]$`, ""}) {
		p, err := compilePattern(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		lit := patternLiteral(p)
		file := "package p\n\nvar _ = " + lit + "\n"
		if src, err := format.Source([]byte(file)); err != nil || string(src) != file {
			t.Errorf("patternLiteral(%q) is not as gofmt prints it (%v):\n%s", c.pattern, err, lit)
			continue
		}
		if again := patternLiteral(p); again != lit {
			t.Errorf("patternLiteral(%q) changes from call to call", c.pattern)
		}
		if back := readPatternLiteral(t, lit); !reflect.DeepEqual(back, p) {
			t.Errorf("patternLiteral(%q) reads back as\n%#v\nnot\n%#v\n%s", c.pattern, back, p, lit)
		}
	}
}

// readPatternLiteral evaluates the little Go patternLiteral writes.
func readPatternLiteral(t *testing.T, lit string) *rules.Pattern {
	t.Helper()
	e, err := parser.ParseExpr(lit)
	if err != nil {
		t.Fatalf("patternLiteral is not a Go expression: %v\n%s", err, lit)
	}
	number := func(e ast.Expr) int64 {
		b := e.(*ast.BasicLit)
		if b.Kind == token.CHAR {
			s, err := strconv.Unquote(b.Value)
			if err != nil {
				t.Fatal(err)
			}
			return int64([]rune(s)[0])
		}
		n, err := strconv.ParseInt(b.Value, 0, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	p := new(rules.Pattern)
	for _, e := range e.(*ast.UnaryExpr).X.(*ast.CompositeLit).Elts {
		kv := e.(*ast.KeyValueExpr)
		switch kv.Key.(*ast.Ident).Name {
		case "Source":
			p.Source, err = strconv.Unquote(kv.Value.(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
		case "Start":
			p.Start = int(number(kv.Value))
		case "Prog":
			for _, e := range kv.Value.(*ast.CompositeLit).Elts {
				var in rules.Inst
				for _, e := range e.(*ast.CompositeLit).Elts {
					kv := e.(*ast.KeyValueExpr)
					switch kv.Key.(*ast.Ident).Name {
					case "Op":
						name := kv.Value.(*ast.SelectorExpr).Sel.Name
						for op, n := range instOpNames {
							if n == name {
								in.Op = rules.InstOp(op)
							}
						}
					case "Out":
						in.Out = uint32(number(kv.Value))
					case "Arg":
						in.Arg = uint32(number(kv.Value))
					case "Runes":
						for _, r := range kv.Value.(*ast.CompositeLit).Elts {
							in.Runes = append(in.Runes, rune(number(r)))
						}
					}
				}
				p.Prog = append(p.Prog, in)
			}
		}
	}
	return p
}

// FuzzPatternMatchesRegexp runs patterns regexp and compilePattern both
// accept against inputs: the answers must agree.
func FuzzPatternMatchesRegexp(f *testing.F) {
	for _, c := range patternCases {
		f.Add(c.pattern, c.alphabet)
	}
	f.Add(`\\u0041`, `\x`)
	f.Add(`(?m)(^|\b)x$`, "a x\nx")
	f.Add(`^(?:(a*)*b|c{3,5})+$`, "aabcccc\xff")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		re, err := regexp.Compile(kinPattern(pattern))
		if err != nil {
			return
		}
		p, err := compilePattern(pattern)
		if err != nil {
			return
		}
		if got, want := p.MatchString(s), re.MatchString(s); got != want {
			t.Fatalf("%q.MatchString(%q) = %t; regexp says %t", pattern, s, got, want)
		}
	})
}
