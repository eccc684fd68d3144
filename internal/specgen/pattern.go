package main

import (
	"fmt"
	"go/format"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aicc-kit/applytoken/internal/rules"
)

// patRewriteCodepoints and kinPattern are, character for character,
// kin-openapi v0.153.0's rewrite of an ECMA-262 \uXXXX escape into Go's
// \x{XXXX} before it compiles a pattern (openapi3/schema_pattern.go,
// intoGoRegexp): a contract pattern means what kin-openapi, the reference
// validator, makes of it. Only upper-case hex digits are rewritten, so
// \u00e9 stays \u, which regexp refuses, and so do kin-openapi and we.
var patRewriteCodepoints = regexp.MustCompile(`(?P<replaced_with_slash_x>\\u)(?P<code>[0-9A-F]{4})`)

func kinPattern(src string) string {
	return patRewriteCodepoints.ReplaceAllString(src, `\x{${code}}`)
}

// compilePattern turns a contract pattern into a rules.Pattern: the ECMA
// \uXXXX rewrite kin-openapi applies, then what regexp.Compile does
// (syntax.Parse with syntax.Perl, Simplify, syntax.Compile). The one
// instruction regexp/syntax emits that the run-time matcher does not run
// is a literal rune with syntax.FoldCase (from (?i), or from a class such
// as [Yy] that the parser turns into one): it becomes the class of the
// rune's case variants, the set regexp itself matches (unicode.SimpleFold).
func compilePattern(src string) (*rules.Pattern, error) {
	goSrc := kinPattern(src)
	if _, err := regexp.Compile(goSrc); err != nil {
		return nil, fmt.Errorf("pattern %q: %w", src, err)
	}
	re, err := syntax.Parse(goSrc, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", src, err)
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", src, err)
	}
	p := &rules.Pattern{Source: src, Start: prog.Start, Prog: make([]rules.Inst, len(prog.Inst))}
	for i, in := range prog.Inst {
		// The opcodes are equal in value (TestPatternOpcodesAreSyntaxs).
		out := rules.Inst{Op: rules.InstOp(in.Op), Out: in.Out}
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch, syntax.InstEmptyWidth:
			out.Arg = in.Arg
		case syntax.InstRune:
			switch fold := syntax.Flags(in.Arg)&syntax.FoldCase != 0; {
			case fold && len(in.Rune) == 1:
				out.Runes = foldRanges(in.Rune[0])
			case fold:
				return nil, fmt.Errorf("pattern %q: a case-folded class, which regexp/syntax does not emit", src)
			default:
				out.Runes = append([]rune(nil), in.Rune...)
			}
			if len(out.Runes) == 1 { // a lone rune: a range of one
				out.Runes = append(out.Runes, out.Runes[0])
			}
		case syntax.InstRune1:
			out.Runes = []rune{in.Rune[0]}
		case syntax.InstCapture, syntax.InstMatch, syntax.InstFail, syntax.InstNop,
			syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
		default:
			return nil, fmt.Errorf("pattern %q compiles to %v, which the generated matcher does not run", src, in.Op)
		}
		p.Prog[i] = out
	}
	return p, nil
}

// patternLiteral returns Go source for p as a composite literal of type
// *rules.Pattern, one instruction a line with its pc as a comment, as gofmt
// prints it at the top level of a file (go/format re-indents it wherever
// it goes). It is a function of p alone.
func patternLiteral(p *rules.Pattern) string {
	var b strings.Builder
	source := strconv.Quote(p.Source)
	if strings.Contains(p.Source, `\`) && strconv.CanBackquote(p.Source) {
		source = "`" + p.Source + "`" // ^\d+$ reads better than "^\\d+$"
	}
	fmt.Fprintf(&b, "&rules.Pattern{Source: %s, Start: %d, Prog: []rules.Inst{\n", source, p.Start)
	for pc, in := range p.Prog {
		fmt.Fprintf(&b, "\t{Op: rules.%s", instOpNames[in.Op])
		if in.Out != 0 {
			fmt.Fprintf(&b, ", Out: %d", in.Out)
		}
		if in.Arg != 0 {
			fmt.Fprintf(&b, ", Arg: %d", in.Arg)
		}
		if len(in.Runes) > 0 {
			b.WriteString(", Runes: []rune{")
			for i, r := range in.Runes {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(runeLiteral(r))
			}
			b.WriteString("}")
		}
		fmt.Fprintf(&b, "}, // %d\n", pc)
	}
	b.WriteString("}}")
	// gofmt aligns the comments; let it, so the text is what it prints.
	const prefix = "package p\n\nvar _ = "
	src, err := format.Source([]byte(prefix + b.String() + "\n"))
	if err != nil {
		panic("specgen: patternLiteral built bad Go: " + err.Error()) // a bug here, not in the contract
	}
	return strings.TrimSuffix(strings.TrimPrefix(string(src), prefix), "\n")
}

var instOpNames = [...]string{
	rules.InstAlt:          "InstAlt",
	rules.InstAltMatch:     "InstAltMatch",
	rules.InstCapture:      "InstCapture",
	rules.InstEmptyWidth:   "InstEmptyWidth",
	rules.InstMatch:        "InstMatch",
	rules.InstFail:         "InstFail",
	rules.InstNop:          "InstNop",
	rules.InstRune:         "InstRune",
	rules.InstRune1:        "InstRune1",
	rules.InstRuneAny:      "InstRuneAny",
	rules.InstRuneAnyNotNL: "InstRuneAnyNotNL",
}

// runeLiteral spells r as a rune literal where it reads as itself, and as
// a hex number where it would not: unprintable runes, combining marks, and
// U+FFFD, which a reader would take for a decoding accident.
func runeLiteral(r rune) string {
	if strconv.IsPrint(r) && !unicode.Is(unicode.M, r) && r != utf8.RuneError {
		return strconv.QuoteRune(r)
	}
	return fmt.Sprintf("%#x", r)
}

// foldRanges returns r and its case variants as sorted ranges of one
// rune each: what a case-folded InstRune matches.
func foldRanges(r rune) []rune {
	orbit := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		orbit = append(orbit, f)
	}
	slices.Sort(orbit)
	ranges := make([]rune, 0, 2*len(orbit))
	for _, c := range orbit {
		ranges = append(ranges, c, c)
	}
	return ranges
}
