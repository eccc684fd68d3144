package main

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"

	"github.com/aicc-kit/applytoken/internal/rules"
)

// ecmaCodepoint is kin-openapi's rewrite of an ECMA-262 \uXXXX escape
// into Go's \x{XXXX} before it compiles a pattern
// (openapi3/schema_pattern.go, intoGoRegexp); the contract's patterns mean
// what kin-openapi, the reference validator, makes of them.
var ecmaCodepoint = regexp.MustCompile(`\\u(?P<code>[0-9A-F]{4})`)

func kinPattern(src string) string { return ecmaCodepoint.ReplaceAllString(src, `\x{${code}}`) }

// compilePattern turns a contract pattern into a rules.Pattern: the
// rewrite kin-openapi applies, then what regexp.Compile does (Perl flags,
// Simplify, Compile). It refuses what rules.Pattern does not run: case
// folding.
func compilePattern(src string) (*rules.Pattern, error) {
	goSrc := kinPattern(src)
	if _, err := regexp.Compile(goSrc); err != nil {
		return nil, err
	}
	re, err := syntax.Parse(goSrc, syntax.Perl)
	if err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, err
	}
	p := &rules.Pattern{Source: src, Start: prog.Start, Prog: make([]rules.Inst, len(prog.Inst))}
	for i, in := range prog.Inst {
		out := rules.Inst{Op: rules.InstOp(in.Op), Out: in.Out, Arg: in.Arg}
		switch in.Op {
		case syntax.InstRune:
			if syntax.Flags(in.Arg)&syntax.FoldCase != 0 {
				return nil, fmt.Errorf("%q folds case ((?i) or similar), which the generated matcher does not; spell the cases out", src)
			}
			out.Arg = 0
			out.Runes = append([]rune(nil), in.Rune...)
			if len(out.Runes) == 1 {
				out.Runes = append(out.Runes, out.Runes[0])
			}
		case syntax.InstRune1:
			out.Arg = 0
			out.Runes = []rune{in.Rune[0]}
		case syntax.InstCapture:
			out.Arg = 0
		}
		p.Prog[i] = out
	}
	return p, nil
}

// patternLiteral returns Go source for p as a *rules.Pattern literal.
func patternLiteral(p *rules.Pattern) string {
	var b strings.Builder
	fmt.Fprintf(&b, "&rules.Pattern{\nSource: %s,\nStart: %d,\nProg: []rules.Inst{\n", goString(p.Source), p.Start)
	for _, in := range p.Prog {
		fmt.Fprintf(&b, "{Op: rules.%s", instOpNames[in.Op])
		if in.Out != 0 {
			fmt.Fprintf(&b, ", Out: %d", in.Out)
		}
		if in.Arg != 0 {
			fmt.Fprintf(&b, ", Arg: %d", in.Arg)
		}
		if len(in.Runes) > 0 {
			r := make([]string, len(in.Runes))
			for i, c := range in.Runes {
				r[i] = runeLiteral(c)
			}
			fmt.Fprintf(&b, ", Runes: []rune{%s}", strings.Join(r, ", "))
		}
		b.WriteString("},\n")
	}
	b.WriteString("},\n}")
	return b.String()
}

var instOpNames = [...]string{
	rules.InstAlt: "InstAlt", rules.InstAltMatch: "InstAltMatch", rules.InstCapture: "InstCapture",
	rules.InstEmptyWidth: "InstEmptyWidth", rules.InstMatch: "InstMatch", rules.InstFail: "InstFail",
	rules.InstNop: "InstNop", rules.InstRune: "InstRune", rules.InstRune1: "InstRune1",
	rules.InstRuneAny: "InstRuneAny", rules.InstRuneAnyNotNL: "InstRuneAnyNotNL",
}

func runeLiteral(r rune) string {
	if r < unicode.MaxRune && unicode.IsPrint(r) && r != '\'' && r != '\\' && r < 0x80 {
		return strconv.QuoteRune(r)
	}
	return fmt.Sprintf("0x%x", r)
}
