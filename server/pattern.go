package server

import (
	"regexp"
	"regexp/syntax"
	"unicode/utf8"
)

// stringPattern matches a string against a schema's pattern exactly as
// kin-openapi does, which is Go's regexp on the pattern with \uXXXX written
// as \x{XXXX}. The commonest shape in contracts, one character class
// repeated over the whole string (locale's ^[a-z]{2,3}$), is matched by
// counting runes instead of running the regexp engine; the class and the
// bounds are read from regexp/syntax's own parse of the pattern, so both
// ways answer alike.
type stringPattern struct {
	re *regexp.Regexp
	// For a whole-string class repeat: the class's ranges, as pairs, and
	// the bounds on the count (max < 0: none).
	class    []rune
	min, max int
}

// kinCodepoints is kin-openapi's rewrite of ECMA-262's \uXXXX for Go.
var kinCodepoints = regexp.MustCompile(`(?P<replaced_with_slash_x>\\u)(?P<code>[0-9A-F]{4})`)

func compilePattern(pattern string) (*stringPattern, error) {
	goPattern := kinCodepoints.ReplaceAllString(pattern, `\x{${code}}`)
	re, err := regexp.Compile(goPattern)
	if err != nil {
		return nil, err
	}
	p := &stringPattern{re: re}
	tree, err := syntax.Parse(goPattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	if tree.Op != syntax.OpConcat || len(tree.Sub) != 3 ||
		tree.Sub[0].Op != syntax.OpBeginText || tree.Sub[2].Op != syntax.OpEndText {
		return p, nil
	}
	body := tree.Sub[1]
	min, max := 1, 1
	switch body.Op {
	case syntax.OpRepeat:
		min, max = body.Min, body.Max
	case syntax.OpStar:
		min, max = 0, -1
	case syntax.OpPlus:
		min, max = 1, -1
	case syntax.OpQuest:
		min, max = 0, 1
	}
	if body.Op != syntax.OpCharClass {
		if len(body.Sub) != 1 {
			return p, nil
		}
		body = body.Sub[0]
	}
	if body.Op != syntax.OpCharClass || len(body.Rune) == 0 || len(body.Rune)%2 != 0 {
		return p, nil
	}
	p.class, p.min, p.max = body.Rune, min, max
	return p, nil
}

func (p *stringPattern) match(s string) bool {
	if p.class == nil {
		return p.re.MatchString(s)
	}
	n := 0
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if !p.inClass(r) {
			return false
		}
		i += size
		n++
	}
	return n >= p.min && (p.max < 0 || n <= p.max)
}

func (p *stringPattern) inClass(r rune) bool {
	for i := 0; i < len(p.class); i += 2 {
		if p.class[i] <= r && r <= p.class[i+1] {
			return true
		}
	}
	return false
}
