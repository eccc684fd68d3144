package server

import (
	"context"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"
)

// ServeHTTP answers one request: the access log, then recovery from
// panics, then serve's checks.
//
// r itself is never changed: net/http decides after the handler whether to
// drain what is left of the body or close the connection by looking at its
// own request's Body. Wrapped in place, that Body hid how much was unread,
// so a 401 or 413 to a client that declared a large body waited for up to
// 256 KiB of it, or sent 100 Continue. The body is read through the cap
// beside r.Body (readBody), and what reads the request after that gets a
// copy of r (serve).
func (s *Stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	x := calls.Get().(*call)
	defer x.release()
	ex, rw := &x.ex, &x.rw
	rw.ResponseWriter = w
	ctx := withExchange(r.Context(), ex)
	defer s.logAccess(ctx, r, rw, ex, start)
	defer s.recoverPanic(rw, r, ex)
	s.serve(ctx, rw, r, ex)
}

// call is one request's own state: its exchange and the writer that
// watches its answer. Pooled: nothing holds either once ServeHTTP returns.
type call struct {
	ex exchange
	rw responseWriter
}

var calls = sync.Pool{New: func() any { return new(call) }}

func (x *call) release() {
	*x = call{}
	calls.Put(x)
}

// serve checks r in the order of the status table in DESIGN.md: the first
// rule r breaks decides the answer. Credentials come before the body.
func (s *Stub) serve(ctx context.Context, w *responseWriter, r *http.Request, ex *exchange) {
	rt := lookup(s.routes, r)
	if rt == nil {
		writeError(w, opNone, errNotFound)
		return
	}
	op, ok := rt.ops[r.Method]
	if !ok {
		w.Header().Set("Allow", rt.allow)
		writeError(w, opNone, errMethod)
		return
	}
	ex.op = op
	if status, ok := s.faults.take(op); ok {
		writeError(w, op, faultError(op, status))
		return
	}
	if op == opApplyToken {
		appKey, e := s.authenticate(r)
		if e != nil {
			writeError(w, op, e)
			return
		}
		ex.appKey = appKey
	}
	body, e := readBody(w.ResponseWriter, r)
	if e != nil {
		writeError(w, op, e)
		return
	}
	defer releaseBody(body)
	// JSON text is UTF-8 (RFC 8259 section 8.1). Decoders turn bad bytes
	// into U+FFFD, which would let two different invalid userIds stand
	// for one user, so they are refused before any validator sees them.
	if !utf8.Valid(body.Bytes()) {
		writeError(w, op, badRequest(&invalidRequest{"the body is not valid UTF-8"}))
		return
	}
	if bv, ok := s.validator.(bytesValidator); ok {
		handled, err := bv.validateBytes(r.Header, op, body.Bytes(), &ex.in)
		if err != nil {
			writeError(w, op, badRequest(err))
			return
		}
		if handled {
			s.dispatch(ctx, w, r, op, &ex.in)
			return
		}
	}
	// A validator that reads the request, and the generated handler, get a
	// copy of r that carries the exchange and reads the body from memory.
	r = r.WithContext(ctx)
	r.Body, r.ContentLength = &body.rd, int64(len(body.Bytes()))
	if err := s.validator.validate(r, op, body.Bytes()); err != nil {
		writeError(w, op, badRequest(err))
		return
	}
	s.handler.ServeHTTP(w, r)
}
