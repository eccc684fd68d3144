package server

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// The request journal: what each request asked, what the stub answered,
// and which rules of the contract it broke, for people grading a client
// (WireMock's request journal, with the contract's rules in it).

// Journal is what the stub's request journal holds (see Stub.Journal).
type Journal struct {
	// Requests are the latest requests, in the order the stub answered
	// them: at most Config.Journal; Dropped counts the older ones.
	Requests []Request `json:"requests"`
	Dropped  int       `json:"dropped"`
	// Broken counts the requests that broke the contract, dropped ones
	// included; FirstBroken holds the first few of them, and Tally their
	// violations, by operation, place, name and rule, in the order first
	// seen.
	Broken      int       `json:"broken"`
	FirstBroken []Request `json:"firstBroken"`
	Tally       []Tally   `json:"tally"`
}

// Request is one request of the journal. It holds no header value, no
// query and no body: the app key only once it is known to be a configured
// one, as in the access log.
type Request struct {
	Op     string `json:"op"` // the operationId; "" when method and path are no operation's
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"` // 0 when a fault sent no answer
	AppKey string `json:"appKey,omitempty"`
	// Fault names the fault the stub injected ("500", "reset", "1s then
	// 500"; Fault.String): the answer is the stub's doing, not a violation.
	Fault string `json:"fault,omitempty"`
	// BodyChecked is false when the stub answered before reading the body
	// (a fault other than a delay alone, 401, 403, 413, a body cut off),
	// when only the credentials and header parameters were checked, and
	// for a request outside an operation, where only its path or method
	// was.
	BodyChecked bool        `json:"bodyChecked"`
	Violations  []Violation `json:"violations"`
}

// Violation is a rule of the contract a request broke, as package server
// checks it: In is "header", "body", "path" or "method"; Name the header
// or the field's path in the body; Rule the keyword ("required",
// "pattern", "security", ...). Its text never quotes the request.
type Violation struct {
	In     string `json:"in"`
	Name   string `json:"name,omitempty"`
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// Tally counts one violation of an operation.
type Tally struct {
	Op string `json:"op"`
	Violation
	Count int `json:"count"`
}

// Journal returns a copy of the request journal; it is empty when
// Config.Journal is 0.
func (s *Stub) Journal() Journal {
	if s.journal == nil {
		return Journal{Requests: []Request{}, FirstBroken: []Request{}, Tally: []Tally{}}
	}
	return s.journal.snapshot()
}

// ResetJournal empties the request journal, its counts included.
func (s *Stub) ResetJournal() {
	if s.journal != nil {
		s.journal.reset()
	}
}

// The journal's own bounds, besides Config.Journal.
const (
	maxJournal  = 1_000_000
	firstBroken = 5   // requests kept in FirstBroken
	maxTally    = 256 // distinct violations counted; the contract's names bound them well below
)

// journal is the request journal; nil in a Stub when it is off.
type journal struct {
	mu      sync.Mutex
	size    int
	kept    []Request // a ring once full, next the oldest
	next    int
	dropped int
	broken  int
	first   []Request
	tally   []Tally
	index   map[tallyKey]int // into tally
}

type tallyKey struct{ op, in, name, rule string }

func newJournal(size int) *journal {
	if size == 0 {
		return nil
	}
	return &journal{size: size}
}

func (j *journal) add(e Request) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.kept) < j.size {
		j.kept = append(j.kept, e)
	} else {
		j.kept[j.next] = e
		j.next = (j.next + 1) % j.size
		j.dropped++
	}
	if len(e.Violations) == 0 {
		return
	}
	j.broken++
	if len(j.first) < firstBroken {
		j.first = append(j.first, e)
	}
	if j.index == nil {
		j.index = map[tallyKey]int{}
	}
	for _, v := range e.Violations {
		k := tallyKey{e.Op, v.In, v.Name, v.Rule}
		i, ok := j.index[k]
		if !ok {
			if len(j.tally) == maxTally {
				continue
			}
			i = len(j.tally)
			j.index[k] = i
			j.tally = append(j.tally, Tally{Op: e.Op, Violation: v})
		}
		j.tally[i].Count++
	}
}

func (j *journal) snapshot() Journal {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := Journal{
		Requests:    make([]Request, 0, len(j.kept)),
		Dropped:     j.dropped,
		Broken:      j.broken,
		FirstBroken: cloneRequests(j.first),
		Tally:       slices.Clone(j.tally),
	}
	if out.Tally == nil {
		out.Tally = []Tally{}
	}
	out.Requests = append(out.Requests, j.kept[j.next:]...)
	out.Requests = append(out.Requests, j.kept[:j.next]...)
	for i := range out.Requests {
		out.Requests[i].Violations = cloneViolations(out.Requests[i].Violations)
	}
	return out
}

func (j *journal) reset() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.kept, j.next, j.dropped, j.broken, j.first, j.tally, j.index = nil, 0, 0, 0, nil, nil, nil
}

func cloneRequests(rs []Request) []Request {
	out := slices.Clone(rs)
	if out == nil {
		return []Request{}
	}
	for i := range out {
		out[i].Violations = cloneViolations(out[i].Violations)
	}
	return out
}

// cloneViolations never returns nil, so that JSON shows [] for none.
func cloneViolations(vs []Violation) []Violation {
	return append([]Violation{}, vs...)
}

// journalNotes is what the chain learns of a request on its way, for the
// journal (see Stub.record).
type journalNotes struct {
	fault       string
	bodyChecked bool              // checkRules ran: violations are all of them
	violations  []rules.Violation // never changed once set: the journal keeps them
}

// notesOf returns the notes of the request w answers, or nil when w is
// not the stub's own writer (a handler driven directly, in a test).
func notesOf(w http.ResponseWriter) *journalNotes {
	for {
		switch rw := w.(type) {
		case *responseWriter:
			return &rw.notes
		case interface{ Unwrap() http.ResponseWriter }:
			w = rw.Unwrap()
		default:
			return nil
		}
	}
}

// noteFault marks the answer on w as a fault the stub injected, named as
// the journal shows it ("500", "reset", ...): not a violation.
func noteFault(w http.ResponseWriter, name string) {
	if n := notesOf(w); n != nil {
		n.fault = name
	}
}

// noteChecked gives the journal the violations checkRules found, all of
// the request's.
func noteChecked(w http.ResponseWriter, violations []rules.Violation) {
	if n := notesOf(w); n != nil {
		n.bodyChecked, n.violations = true, violations
	}
}

// noteViolation adds a violation found outside the rules: a body over the
// cap or cut off, a parameter the generated wrapper cannot bind.
func noteViolation(w http.ResponseWriter, v rules.Violation) {
	if n := notesOf(w); n != nil {
		n.violations = append(slices.Clip(n.violations), v)
	}
}

// record writes rw's request into the journal, once it is answered. A
// request the chain checked brings its violations; one answered before
// the checks (a fault, 401, 403, 413) has its headers checked here, and
// its body not at all: the stub never reads the body of a request it
// refuses earlier (see capBody).
func (s *Stub) record(rw *responseWriter, r *http.Request) {
	if s.journal == nil {
		return
	}
	e := Request{Status: rw.status, AppKey: rw.appKey, Fault: rw.notes.fault}
	if e.Status == 0 && e.Fault == "" {
		e.Status = http.StatusOK // nothing written: net/http sends 200
	}
	var vs []rules.Violation
	if op := rw.op; op != nil {
		e.Op, e.Method, e.Path, e.BodyChecked = op.ID, op.Method, op.Path, rw.notes.bodyChecked
		vs = rw.notes.violations
		if !e.BodyChecked {
			vs = append(headerViolations(op.Operation, r.Header), vs...)
		}
	} else {
		e.Method, e.Path = clip(r.Method, 16), clip(r.URL.Path, 128)
		switch rw.status {
		case http.StatusNotFound:
			vs = []rules.Violation{{In: "path", Rule: "path", Reason: "is not a path of the contract, as the contract spells it"}}
		case http.StatusMethodNotAllowed:
			vs = []rules.Violation{{In: "method", Rule: "method", Reason: "must be " + rw.Header().Get("Allow") + " on this path"}}
		}
	}
	if len(vs) > 0 {
		vs = dedupe(vs)
		e.Violations = make([]Violation, len(vs))
		for i, v := range vs {
			e.Violations[i] = Violation(v)
		}
	}
	s.journal.add(e)
}

// headerViolations checks what the journal can of a request whose body
// the stub did not read: its credentials and header parameters.
func headerViolations(op *rules.Operation, h http.Header) []rules.Violation {
	return append(op.CheckSecurity(h), op.CheckParams(h)...)
}

// dedupe drops a violation of a header whose credential the security
// check has reported already: x-app-key is both the appKey scheme's header
// and a required parameter, and its absence is one violation.
func dedupe(vs []rules.Violation) []rules.Violation {
	out := vs[:0:0]
	for _, v := range vs {
		if !slices.ContainsFunc(out, func(o rules.Violation) bool {
			return o.Rule == "security" && o.In == v.In && strings.EqualFold(o.Name, v.Name)
		}) {
			out = append(out, v)
		}
	}
	return out
}

// bodyCutOff is a body that ended before its declared length or timed
// out: nothing of it could be checked.
var bodyCutOff = rules.Violation{In: rules.InBody, Rule: "incomplete", Reason: "was cut off or timed out before its end"}

// bindViolation reads what the generated wrapper could not bind, for a
// request the rules passed: a header parameter sent twice (the rules, as
// kin-openapi, read the first value; the wrapper refuses).
func bindViolation(err error) rules.Violation {
	if e, ok := errors.AsType[*apiserver.TooManyValuesForParamError](err); ok {
		return rules.Violation{In: rules.InHeader, Name: e.ParamName, Rule: "repeated", Reason: "must be sent once"}
	}
	if e, ok := errors.AsType[*apiserver.RequiredHeaderError](err); ok {
		return rules.Violation{In: rules.InHeader, Name: e.ParamName, Rule: "required", Reason: "is required"}
	}
	if e, ok := errors.AsType[*apiserver.InvalidParamFormatError](err); ok {
		return rules.Violation{In: rules.InHeader, Name: e.ParamName, Rule: "type", Reason: "could not be bound to its type"}
	}
	return rules.Violation{In: rules.InBody, Rule: "bind", Reason: "could not be bound to the operation's request"}
}
