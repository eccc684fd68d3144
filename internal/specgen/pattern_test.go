package main

import (
	"go/parser"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/internal/rules"
)

// The run-time matcher's opcodes and flags are regexp/syntax's, value for
// value, so compilePattern converts without a table.
func TestPatternOpcodesAreSyntaxs(t *testing.T) {
	ops := map[rules.InstOp]syntax.InstOp{
		rules.InstAlt: syntax.InstAlt, rules.InstAltMatch: syntax.InstAltMatch, rules.InstCapture: syntax.InstCapture,
		rules.InstEmptyWidth: syntax.InstEmptyWidth, rules.InstMatch: syntax.InstMatch, rules.InstFail: syntax.InstFail,
		rules.InstNop: syntax.InstNop, rules.InstRune: syntax.InstRune, rules.InstRune1: syntax.InstRune1,
		rules.InstRuneAny: syntax.InstRuneAny, rules.InstRuneAnyNotNL: syntax.InstRuneAnyNotNL,
	}
	for ours, theirs := range ops {
		if uint8(ours) != uint8(theirs) {
			t.Errorf("rules op %d is syntax op %d (%v)", ours, theirs, theirs)
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

var patternCases = []struct {
	pattern, alphabet string
}{
	{`^[a-z]{2,3}$`, "abzAZ-é\n"},
	{`^[0-9]{1,19}$`, "0159a -"},
	{`^[a-z]{2,3}(-[A-Z]{2})?$`, "enUS-z"},
	{`^\d+$`, "0123x٣"},
	{`[0-9]`, "ab1"},
	{`^$`, "a\n"},
	{`a|b|c`, "abcd"},
	{`^(ab)*c$`, "abc"},
	{`\bword\b`, "word _x"},
	{`^.{0,5}$`, "ab\né"},
	{`^[\p{L} ]+$`, "aé 1ж"},
	{`^\u00E9+$`, "éeE"},
	{`(?m)^a$`, "a\nb"},
	{`\Bx`, "x a_"},
	{`^[^a-z]*$`, "aZ1 "},
	{`x{2,}`, "xy"},
	{`.`, "a\n"},
	{`^[é-ü]{1,3}$`, "éüaÿ"},
	{`(?s)^a.b$`, "ab\n"},
	{`^(?:a+)+$`, "ab"},
}

// Each pattern's program answers as package regexp does, on fixed and
// random strings.
func TestPatternMatchesRegexp(t *testing.T) {
	fixed := []string{"", "a", "ab", "abc", "en", "eng", "engl", "EN", "en-US", "0", "12345678901234567890",
		"é", "éé", "\xff", "a\xffb", "\n", "a\n", "\na", "word", "a word b", "xx", "xxx", "ab\nc", strings.Repeat("a", 300)}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range patternCases {
		p, err := compilePattern(c.pattern)
		if err != nil {
			t.Fatalf("compilePattern(%q): %v", c.pattern, err)
		}
		re := regexp.MustCompile(kinPattern(c.pattern))
		inputs := append([]string(nil), fixed...)
		alpha := []rune(c.alphabet)
		for range 3000 {
			var b strings.Builder
			for range rng.IntN(8) {
				b.WriteRune(alpha[rng.IntN(len(alpha))])
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

func TestPatternRefusesCaseFolding(t *testing.T) {
	if _, err := compilePattern(`(?i)abc`); err == nil {
		t.Fatal("compilePattern((?i)abc) succeeded; want a refusal")
	}
}

func TestPatternLiteralIsGo(t *testing.T) {
	p, err := compilePattern(`^[a-z]{2,3}$`)
	if err != nil {
		t.Fatal(err)
	}
	lit := patternLiteral(p)
	if _, err := parser.ParseExpr(lit); err != nil {
		t.Fatalf("patternLiteral is not a Go expression: %v\n%s", err, lit)
	}
	if n := strings.Count(lit, "{Op: "); n != len(p.Prog) {
		t.Errorf("literal has %d instructions; the program %d", n, len(p.Prog))
	}
}

func FuzzPatternMatchesRegexp(f *testing.F) {
	for _, c := range patternCases {
		f.Add(c.pattern, c.alphabet)
	}
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
