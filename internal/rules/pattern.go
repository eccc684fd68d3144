package rules

import "unicode/utf8"

// Pattern is a regular expression of the contract, compiled by
// internal/specgen with regexp/syntax into a program that MatchString runs
// without package regexp, in time linear in len(Prog)*len(s). Package
// regexp would add some 340 KB to every program that imports the client.
type Pattern struct {
	Source string // the pattern as the contract writes it, for messages
	Prog   []Inst
	Start  int
}

// Inst is one instruction of a Pattern's program: regexp/syntax's Inst,
// less what a boolean match does not need.
type Inst struct {
	Op  InstOp
	Out uint32
	// Arg is the other branch of InstAlt and InstAltMatch, and the EmptyOp
	// flags of InstEmptyWidth.
	Arg uint32
	// Runes holds, for InstRune, sorted inclusive ranges lo, hi, lo, hi…;
	// for InstRune1, the one rune.
	Runes []rune
}

// InstOp is regexp/syntax's InstOp, value for value.
type InstOp uint8

const (
	InstAlt InstOp = iota
	InstAltMatch
	InstCapture // a no-op here: a boolean match has no groups
	InstEmptyWidth
	InstMatch
	InstFail
	InstNop
	InstRune
	InstRune1
	InstRuneAny
	InstRuneAnyNotNL
)

// The flags of InstEmptyWidth: regexp/syntax's EmptyOp, value for value.
const (
	EmptyBeginLine uint32 = 1 << iota
	EmptyEndLine
	EmptyBeginText
	EmptyEndText
	EmptyWordBoundary
	EmptyNoWordBoundary
)

// MatchString reports whether s contains a match of p, as regexp's
// MatchString does. A byte that is not UTF-8 reads as U+FFFD, one byte at
// a time, as in package regexp.
//
// It runs the program as a Thompson NFA: cur holds every instruction the
// search can be at before the rune r, and each step moves them all past
// that rune at once, so no input is read twice and nothing backtracks.
func (p *Pattern) MatchString(s string) bool {
	// The sets live on the stack for the small programs a contract's
	// patterns compile to; a larger program allocates them.
	var space [4][smallProg]uint32
	cur, next := newPCSet(len(p.Prog), &space[0], &space[1]), newPCSet(len(p.Prog), &space[2], &space[3])
	prev := rune(-1) // -1 is the edge of the text
	r, size := decode(s)
	for i := 0; ; {
		// The search is unanchored: a match may start at every position.
		if p.add(&cur, uint32(p.Start), emptyFlags(prev, r)) {
			return true
		}
		if size == 0 {
			return false
		}
		i += size
		nr, nsize := decode(s[i:])
		flags := emptyFlags(r, nr) // at the position after r
		next.clear()
		for _, pc := range cur.dense {
			if in := &p.Prog[pc]; in.matches(r) && p.add(&next, in.Out, flags) {
				return true
			}
		}
		cur, next = next, cur
		prev, r, size = r, nr, nsize
	}
}

// decode returns the first rune of s and its length in bytes, or -1 and 0
// at the end of the text.
func decode(s string) (rune, int) {
	if s == "" {
		return -1, 0
	}
	return utf8.DecodeRuneInString(s)
}

// add puts pc, and every instruction it leads to without reading a rune
// where the zero-width assertions flags hold, into set; it reports
// reaching InstMatch. The set's membership check ends loops such as (a*)*.
func (p *Pattern) add(set *pcSet, pc uint32, flags uint32) bool {
	if set.has(pc) {
		return false
	}
	set.put(pc)
	in := &p.Prog[pc]
	switch in.Op {
	case InstMatch:
		return true
	case InstFail:
	case InstAlt, InstAltMatch:
		return p.add(set, in.Out, flags) || p.add(set, in.Arg, flags)
	case InstCapture, InstNop:
		return p.add(set, in.Out, flags)
	case InstEmptyWidth:
		if in.Arg&^flags == 0 {
			return p.add(set, in.Out, flags)
		}
	}
	return false
}

// matches reports whether an instruction that reads a rune takes r.
func (in *Inst) matches(r rune) bool {
	switch in.Op {
	case InstRune1:
		return r == in.Runes[0]
	case InstRune:
		for i := 0; i+1 < len(in.Runes); i += 2 {
			if r >= in.Runes[i] && r <= in.Runes[i+1] {
				return true
			}
		}
	case InstRuneAny:
		return true
	case InstRuneAnyNotNL:
		return r != '\n'
	}
	return false
}

// emptyFlags is regexp/syntax's EmptyOpContext: the zero-width assertions
// that hold between r1 and r2, where -1 is the edge of the text.
func emptyFlags(r1, r2 rune) uint32 {
	var op uint32 = EmptyNoWordBoundary
	var boundary byte
	switch {
	case r1 < 0:
		op |= EmptyBeginText | EmptyBeginLine
	case r1 == '\n':
		op |= EmptyBeginLine
	}
	if isWordChar(r1) {
		boundary = 1
	}
	switch {
	case r2 < 0:
		op |= EmptyEndText | EmptyEndLine
	case r2 == '\n':
		op |= EmptyEndLine
	}
	if isWordChar(r2) {
		boundary ^= 1
	}
	if boundary != 0 {
		op ^= EmptyWordBoundary | EmptyNoWordBoundary
	}
	return op
}

func isWordChar(r rune) bool {
	return r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
}

// pcSet is a sparse set of program counters, in insertion order.
type pcSet struct {
	sparse []uint32
	dense  []uint32
}

// smallProg is the largest program whose sets fit the stack space
// MatchString keeps for them.
const smallProg = 64

func newPCSet(n int, sparse, dense *[smallProg]uint32) pcSet {
	if n > smallProg {
		return pcSet{sparse: make([]uint32, n), dense: make([]uint32, 0, n)}
	}
	return pcSet{sparse: sparse[:n], dense: dense[:0:n]}
}

func (s *pcSet) has(pc uint32) bool {
	i := s.sparse[pc]
	return int(i) < len(s.dense) && s.dense[i] == pc
}

// put adds pc, which is not in s. dense has room for every pc, so it is
// resliced, never grown: an append would move MatchString's stack space
// to the heap.
func (s *pcSet) put(pc uint32) {
	n := len(s.dense)
	s.sparse[pc] = uint32(n)
	s.dense = s.dense[:n+1]
	s.dense[n] = pc
}

func (s *pcSet) clear() { s.dense = s.dense[:0] }
