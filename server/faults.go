package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is what [Stub.Inject] arms for the next call of an operation, in
// the manner of WireMock's faults: a documented error status, a broken
// answer (Kind), a delay, or a delay with one of the other two.
type Fault struct {
	// Status answers an error status the contract documents for the
	// operation, with its Error example and documented headers.
	Status int
	// Kind breaks the answer instead; not with Status.
	Kind FaultKind
	// Delay holds the answer back, on the wall clock (not Config.Now), up
	// to 5 minutes; alone, the request is then checked and answered as
	// usual. It ends early when the request's context ends (the caller
	// has gone: nothing is answered; under an http.Server the handler
	// aborts with http.ErrAbortHandler, so that no empty 200 is sent) or
	// at StopDelays (answered at once).
	// It does not count against the http.Server's WriteTimeout: the
	// stub moves the request's write deadline out by the delay, so the
	// answer gets the whole WriteTimeout after it, over HTTP/1 and
	// HTTP/2. A handler that wraps the Stub's ResponseWriter must let
	// http.ResponseController reach the server's (an Unwrap method) for
	// that; where it cannot, a delay of WriteTimeout or more is logged
	// at Warn as one whose answer will be lost.
	Delay time.Duration
}

// FaultKind is a way of breaking an answer, for [Fault.Kind].
type FaultKind string

// The kinds of broken answer.
const (
	// FaultReset closes the connection with no answer and a TCP reset
	// (SO_LINGER 0). HTTP/2 cannot hand its connection over: there the
	// stream is reset (RST_STREAM) and the connection lives on.
	FaultReset FaultKind = "reset"
	// FaultTruncate answers 200 with a body that stops short of its
	// Content-Length, then closes the connection. Over HTTP/2 the stream
	// is reset once the half is sent, and the connection lives on.
	FaultTruncate FaultKind = "truncate"
	// FaultMalformed answers 200, Content-Type JSON, with a body that is
	// not JSON.
	FaultMalformed FaultKind = "malformed"
)

// maxFaultDelay bounds Fault.Delay, so that a mistyped delay cannot hold
// a connection for hours.
const maxFaultDelay = 5 * time.Minute

// malformedBody is what FaultMalformed sends.
const malformedBody = "not JSON: the applytoken stub's malformed fault\n"

// String names f as the journal and errors show it: "500", "reset",
// "1.5s", "1.5s then 500".
func (f Fault) String() string {
	var what string
	switch {
	case f.Status != 0:
		what = strconv.Itoa(f.Status)
	case f.Kind != "":
		what = string(f.Kind)
	}
	switch {
	case f.Delay == 0:
		return what
	case what == "":
		return f.Delay.String()
	}
	return f.Delay.String() + " then " + what
}

// Inject arms f for the next call of op, an operationId of the contract
// or OpLaterCall. Faults queue per operation, FailNext's with them, and
// are met before any check of the request. The error says what is wrong
// with f: a status the contract does not document for op, an unknown
// Kind, Status with Kind, a delay out of bounds, or nothing at all.
func (s *Stub) Inject(op string, f Fault) error {
	return s.inject("Inject", op, f)
}

func (s *Stub) inject(caller, id string, f Fault) error {
	op, ok := s.operation(id)
	if !ok {
		ids := append(slices.Sorted(maps.Keys(s.ops)), OpLaterCall)
		return fmt.Errorf("server: %s: unknown operation %q; the stub has %s", caller, id, strings.Join(ids, ", "))
	}
	if err := f.check(op); err != nil {
		return fmt.Errorf("server: %s: %s: %w", caller, id, err)
	}
	s.faults.push(id, f)
	return nil
}

// check holds f to what op documents.
func (f Fault) check(op *operation) error {
	switch f.Kind {
	case "", FaultReset:
	case FaultTruncate, FaultMalformed:
		if okExample(op) == "" {
			return fmt.Errorf("fault %q answers 200, which the operation documents no example of", f.Kind)
		}
	default:
		return fmt.Errorf("unknown fault %q; want %s, %s or %s", f.Kind, FaultReset, FaultTruncate, FaultMalformed)
	}
	switch {
	case f.Status != 0 && f.Kind != "":
		return fmt.Errorf("status %d and fault %q: a fault is its own answer, give one of them", f.Status, f.Kind)
	case f.Status != 0 && !documents(op, f.Status):
		return fmt.Errorf("documents no error status %d; it documents %v", f.Status, op.Statuses())
	case f.Delay < 0 || f.Delay > maxFaultDelay:
		return fmt.Errorf("delay %v is outside 0s to %v", f.Delay, maxFaultDelay)
	case f.Status == 0 && f.Kind == "" && f.Delay == 0:
		return fmt.Errorf("an empty fault: give a status, a fault or a delay")
	}
	return nil
}

// meet answers f, taken for op, in place of r's answer; a delay alone
// hands r on to next once it is over.
func (s *Stub) meet(w http.ResponseWriter, r *http.Request, op *operation, f Fault, next http.Handler) {
	noteFault(w, f.String())
	if f.Delay > 0 {
		s.holdWriteDeadline(w, r, f.Delay)
		r = readAhead(r, op)
		if !s.faults.wait(r.Context(), f.Delay) {
			// The caller has gone (or half-closed, which net/http reads
			// the same way): nobody to answer. A handler that returned
			// here would have net/http send an empty 200, which no
			// operation documents; abort the answer instead. A caller of
			// ServeHTTP that is no http.Server, such as a test with a
			// recorder, gets nothing written, not a panic it cannot read.
			if r.Context().Value(http.ServerContextKey) != nil {
				panic(http.ErrAbortHandler)
			}
			return
		}
	}
	switch {
	case f.Status != 0:
		writeError(w, op.answers[f.Status])
	case f.Kind == FaultReset:
		reset(w)
	case f.Kind == FaultTruncate:
		truncate(w, r, []byte(okExample(op)))
	case f.Kind == FaultMalformed:
		writeOK(w, len(malformedBody), []byte(malformedBody))
	default:
		next.ServeHTTP(w, r)
	}
}

// holdWriteDeadline moves r's write deadline out by d, the delay of a
// fault about to be met, so that the WriteTimeout of the server serving r
// counts from the end of the delay. Without it a delay past the timeout
// loses its answer: over HTTP/1 the write deadline, set when the headers
// were read, has passed when the answer is written, and net/http closes
// the connection; over HTTP/2 the stream is reset the moment the timeout
// fires. It is moved before the delay, since an HTTP/2 stream whose
// timeout has fired cannot be given a new one. A server without a
// WriteTimeout has nothing to move. A writer that cannot move it (a
// wrapper with no Unwrap) leaves the timeout as it is: the loss is then
// logged, once per delayed request, when the delay outlives the timeout.
func (s *Stub) holdWriteDeadline(w http.ResponseWriter, r *http.Request, d time.Duration) {
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if srv == nil || srv.WriteTimeout <= 0 {
		return
	}
	err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d + srv.WriteTimeout))
	if err != nil && d >= srv.WriteTimeout {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "fault delay outlives the server's WriteTimeout; the answer will be lost",
			slog.Duration("delay", d), slog.Duration("writeTimeout", srv.WriteTimeout), slog.String("error", err.Error()))
	}
}

func documents(op *operation, status int) bool {
	_, ok := op.answers[status]
	return ok
}

// okExample is the body of op's documented 200 example, "" when none.
func okExample(op *operation) string {
	if resp := op.Response(http.StatusOK); resp != nil {
		return resp.Example
	}
	return ""
}

// truncate answers 200 with the first half of body under a Content-Length
// of all of it. Over HTTP/1 net/http then closes the connection, and the
// client reads an early end; an HTTP/2 stream would end cleanly, short,
// with no client the wiser (Go's does not check), so it is reset once the
// half is sent.
func truncate(w http.ResponseWriter, r *http.Request, body []byte) {
	writeOK(w, len(body), body[:len(body)/2])
	if r.ProtoMajor >= 2 {
		http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
}

// writeOK answers 200 with a JSON Content-Type, length declared as n, and
// body, which may be shorter (net/http then closes the connection).
func writeOK(w http.ResponseWriter, n int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", jsonContentType)
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// reset closes r's connection under the answer, with SO_LINGER 0 so that
// the peer sees a reset rather than an orderly end. A connection that
// cannot be hijacked (HTTP/2) has its stream reset instead, by net/http's
// own signal for an answer abandoned.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if tc, ok := conn.(interface{ NetConn() net.Conn }); ok { // TLS
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	raw.Close()
}

// readAheadCap bounds what readAhead reads of a body the operation does
// not cap itself (the later call's).
const readAheadCap = 64 << 10

// readAhead reads r's body into memory before a delay, so that net/http,
// which watches a connection for its client going away only once the
// body has been read, ends r's context when the client gives up during
// the delay. It returns a copy of r that reads the same bytes; r itself
// is left as it is (see capBody), and a body over the cap is left to the
// chain, which refuses it as it would have.
func readAhead(r *http.Request, op *operation) *http.Request {
	limit := int64(readAheadCap)
	if op.Body != nil {
		limit = op.Body.MaxBytes
	}
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength > limit {
		return r
	}
	read, _ := io.ReadAll(io.LimitReader(r.Body, limit+1))
	c := r.WithContext(r.Context())
	c.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(read), r.Body), r.Body}
	return c
}

// faults holds what Stub.Inject and Stub.FailNext arm, in order, per
// operationId.
type faults struct {
	armed atomic.Int64 // how many are queued, so the common case takes no lock
	mu    sync.Mutex
	queue map[string][]Fault
	// hurry is closed by StopDelays: every delay ends at once from then on.
	hurry                chan struct{}
	hurryMade, hurryDone sync.Once
}

func (f *faults) push(op string, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.queue == nil {
		f.queue = map[string][]Fault{}
	}
	f.queue[op] = append(f.queue[op], fault)
	f.armed.Add(1)
}

// take removes and returns the next fault armed for op.
func (f *faults) take(op string) (Fault, bool) {
	if f.armed.Load() == 0 {
		return Fault{}, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.queue[op]
	if len(q) == 0 {
		return Fault{}, false
	}
	fault := q[0]
	f.queue[op] = q[1:]
	f.armed.Add(-1)
	return fault, true
}

func (f *faults) hurried() chan struct{} {
	f.hurryMade.Do(func() { f.hurry = make(chan struct{}) })
	return f.hurry
}

// wait waits d, and reports whether the answer is still owed: false when
// ctx ended first. StopDelays cuts the wait short.
func (f *faults) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-f.hurried():
	case <-ctx.Done():
		return false
	}
	return true
}

// StopDelays ends the delay of every fault, now and from now on: a
// request held by one is answered at once, as its fault says. A server
// that stops calls it first, so that no delay holds up its stop.
func (s *Stub) StopDelays() {
	s.faults.hurryDone.Do(func() { close(s.faults.hurried()) })
}
