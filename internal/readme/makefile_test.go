package readme

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// makefile is what the checks need of the Makefile: each target's
// prerequisites and recipe lines (continuations joined). A target defined
// in both branches of an ifeq gets the union.
type makefile struct {
	prereqs map[string][]string
	recipes map[string][]string
}

var ruleLine = regexp.MustCompile(`^([A-Za-z0-9_.$()/-]+(?:[ \t]+[A-Za-z0-9_.$()/-]+)*)[ \t]*:([^=].*)?$`)

func parseMakefile(text string) makefile {
	mf := makefile{prereqs: map[string][]string{}, recipes: map[string][]string{}}
	var current []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "\t") {
			recipe := strings.TrimPrefix(l, "\t")
			for strings.HasSuffix(recipe, `\`) && i+1 < len(lines) {
				i++
				recipe = strings.TrimSuffix(recipe, `\`) + " " + strings.TrimSpace(lines[i])
			}
			for _, target := range current {
				mf.recipes[target] = append(mf.recipes[target], recipe)
			}
			continue
		}
		m := ruleLine.FindStringSubmatch(l)
		if m == nil {
			if strings.TrimSpace(l) != "" && !strings.HasPrefix(strings.TrimSpace(l), "#") {
				current = nil
			}
			continue
		}
		current = strings.Fields(m[1])
		deps := m[2]
		if i := strings.Index(deps, "#"); i >= 0 {
			deps = deps[:i]
		}
		for _, target := range current {
			mf.prereqs[target] = append(mf.prereqs[target], strings.Fields(deps)...)
		}
	}
	return mf
}

// reachable lists the targets that `make from` runs, from itself.
func (mf makefile) reachable(from string) []string {
	seen := []string{from}
	for i := 0; i < len(seen); i++ {
		for _, d := range mf.prereqs[seen[i]] {
			if !slices.Contains(seen, d) {
				seen = append(seen, d)
			}
		}
	}
	return seen
}

func (mf makefile) has(target string) bool {
	_, ok := mf.prereqs[target]
	return ok
}

func TestParseMakefile(t *testing.T) {
	mf := parseMakefile("a: b c ## help\n\techo a \\\n\t  more\nb: d\n.PHONY: a\nifeq ($(X),yes)\nc:\n\tone\nelse\nc:\n\ttwo\nendif\nV := 1\n")
	if got := mf.reachable("a"); strings.Join(got, " ") != "a b c d" {
		t.Errorf("reachable(a) = %v", got)
	}
	if got := mf.recipes["a"]; len(got) != 1 || got[0] != "echo a  more" {
		t.Errorf("recipes[a] = %q", got)
	}
	if got := mf.recipes["c"]; strings.Join(got, ",") != "one,two" {
		t.Errorf("recipes[c] = %q", got)
	}
	if mf.has("V") {
		t.Error("a variable was taken for a target")
	}
}
