package server

import (
	"net/http"
	"time"
)

// ServeHTTP answers one request. The body cap wraps everything, then the
// access log, then recovery from panics, then serve's checks.
func (s *Stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Body == nil {
		r.Body = http.NoBody
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	rw := &responseWriter{ResponseWriter: w}
	ex := &exchange{}
	r = r.WithContext(withExchange(r.Context(), ex))
	defer s.logAccess(r, rw, ex, start)
	defer s.recoverPanic(rw, r, ex)
	s.serve(rw, r, ex)
}

// serve checks r in the order of the status table in DESIGN.md: the first
// rule r breaks decides the answer. Credentials come before the body.
func (s *Stub) serve(w *responseWriter, r *http.Request, ex *exchange) {
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
	body, e := readBody(r)
	if e != nil {
		writeError(w, op, e)
		return
	}
	defer releaseBody(body)
	if err := s.validator.validate(r, op, body.Bytes()); err != nil {
		writeError(w, op, badRequest(err))
		return
	}
	s.handler.ServeHTTP(w, r)
}
