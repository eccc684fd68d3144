package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// The route of a request, and the checks in front of each operation, in
// the order of the status table (docs/architecture.md, "How one request
// flows through the stub").

// operation is one operation of the contract (gen/contract), with what
// New prepares from it to serve it.
type operation struct {
	*rules.Operation
	*documented
	security *security    // nil for an open operation
	access   slog.Handler // the access log's, with method, path and op bound
}

// documented is what the contract documents an operation answers: the
// Error body of each status from 400 on, the same encoded for the chain
// to write, and the headers of each status.
type documented struct {
	errors  map[int]apiserver.Error
	answers map[int]errorAnswer
	headers map[int][]documentedHeader // see responseWriter
}

// documentedOf returns what op documents. gen/contract is Go values that
// do not change, so each operation's examples are decoded once per process.
func documentedOf(op *rules.Operation) *documented {
	if a, ok := documentedCache.Load(op); ok {
		return a.(*documented)
	}
	a := &documented{errors: map[int]apiserver.Error{}, answers: map[int]errorAnswer{}, headers: documentedHeaders(op)}
	for _, resp := range op.Responses {
		if resp.Status >= 400 {
			a.errors[resp.Status] = errorBody(op, resp.Status)
			a.answers[resp.Status] = newErrorAnswer(resp.Status, a.errors[resp.Status])
		}
	}
	documentedCache.Store(op, a)
	return a
}

var documentedCache sync.Map // *rules.Operation to *documented

func newOperation(op *rules.Operation, log slog.Handler) (*operation, error) {
	o := &operation{Operation: op, documented: documentedOf(op)}
	var err error
	if o.security, err = securityOf(op); err != nil {
		return nil, err
	}
	// The statuses the chain answers with must be the contract's.
	owed := []int{http.StatusBadRequest}
	if op.Body != nil {
		if op.Body.MaxBytes <= 0 {
			return nil, fmt.Errorf("server: operation %s: the stub caps every request body; the contract sets no x-max-body-bytes", op.ID)
		}
		owed = append(owed, http.StatusRequestEntityTooLarge)
	}
	if o.security != nil {
		owed = append(owed, http.StatusUnauthorized, http.StatusForbidden)
	}
	for _, status := range owed {
		if _, ok := o.answers[status]; !ok {
			return nil, fmt.Errorf("server: operation %s documents no %d, which the stub answers", op.ID, status)
		}
	}
	o.access = log.WithAttrs([]slog.Attr{
		slog.String("method", op.Method), slog.String("path", op.Path), slog.String("op", op.ID),
	})
	return o, nil
}

// routes returns the generated router, on a ServeMux that also answers 405
// on every path of the contract and 404 on any other. Each operation the
// generated code registers is put behind its chain.
func (s *Stub) routes(strict apiserver.ServerInterface) (http.Handler, error) {
	rt := &router{ServeMux: http.NewServeMux(), stub: s, served: map[*operation]bool{}}
	apiserver.HandlerWithOptions(strict, apiserver.StdHTTPServerOptions{BaseRouter: rt, ErrorHandlerFunc: s.requestError})
	for _, op := range s.ops {
		if !rt.served[op] {
			rt.err = errors.Join(rt.err, fmt.Errorf("server: the generated router does not serve %s %s (%s): run make generate", op.Method, op.Path, op.ID))
		}
	}
	if rt.err != nil {
		return nil, rt.err
	}
	allow := map[string][]string{} // by path
	for _, op := range s.ops {
		allow[op.Path] = append(allow[op.Path], op.Method)
	}
	for path, methods := range allow {
		slices.Sort(methods)
		rt.ServeMux.Handle(path, methodNotAllowed(strings.Join(methods, ", ")))
	}
	rt.ServeMux.Handle("/", http.HandlerFunc(notFound))
	return rt, nil
}

// router is the BaseRouter the generated HandlerWithOptions registers its
// routes on: its patterns are "METHOD /path".
type router struct {
	*http.ServeMux
	stub   *Stub
	served map[*operation]bool
	err    error
}

func (rt *router) HandleFunc(pattern string, generated func(http.ResponseWriter, *http.Request)) {
	method, path, _ := strings.Cut(pattern, " ")
	op := rt.stub.opAt(method, path)
	if op == nil {
		rt.err = errors.Join(rt.err, fmt.Errorf("server: the generated router serves %q, which the contract does not have: run make generate", pattern))
		return
	}
	rt.served[op] = true
	rt.ServeMux.Handle(pattern, rt.stub.chain(op, http.HandlerFunc(generated)))
}

func notFound(w http.ResponseWriter, _ *http.Request) { writeError(w, errNotFound) }

func methodNotAllowed(allow string) http.Handler {
	answer := errMethod(allow)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, answer)
	})
}

// chain puts op's checks in front of the generated handler: a fault
// armed with FailNext, the credentials (401, 403), the body cap (413),
// the contract's rules (400).
func (s *Stub) chain(op *operation, generated http.Handler) http.Handler {
	h := checkRules(op, generated)
	if op.Body != nil {
		h = capBody(op, h)
	}
	if op.security != nil {
		h = authenticate(s.vendor, op, h)
	}
	return s.enter(op, h)
}

// enter marks the answer as op's, for its documented headers and the
// access log, and meets a fault armed with Inject or FailNext before any
// check.
func (s *Stub) enter(op *operation, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rw, ok := w.(*responseWriter); ok {
			rw.op = op
		}
		if f, ok := s.faults.take(op.ID); ok {
			s.meet(w, r, op, f, next) // faults.go
			return
		}
		next.ServeHTTP(w, r)
	})
}

// capBody reads the body into memory, at most op's x-max-body-bytes (413
// beyond, never reading past the cap), and hands the rest of the chain a
// copy of r that reads it from there.
//
// r itself is never changed: net/http decides after the handler whether
// to drain what is left of the body or close the connection by looking at
// its own request's Body. Wrapped in place, that Body hid how much was
// unread, so a 401 or 413 to a client that declared a large body waited
// for up to 256 KiB of it, or sent 100 Continue.
func capBody(op *operation, next http.Handler) http.Handler {
	limit := op.Body.MaxBytes
	tooLarge, cutOff := op.answers[http.StatusRequestEntityTooLarge], op.answers[http.StatusBadRequest]
	overCap := op.Body.TooLarge() // the contract states the cap: breaking it is breaking the contract
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := readBody(w, r, limit)
		switch {
		case err == errTooLarge:
			noteViolation(w, overCap)
			writeError(w, tooLarge)
			return
		case err != nil:
			noteViolation(w, bodyCutOff)
			writeError(w, cutOff)
			return
		}
		defer releaseBody(b, limit)
		next.ServeHTTP(w, b.request(r))
	})
}

// checkRules holds the request to every rule of the contract that
// gen/contract states and internal/rules checks: credentials present,
// header parameters, media type and body. The first rule broken is the
// 400's text. The body's value, as the rules read it, goes with the body
// to the generated strict handler, which binds it (see body).
func checkRules(op *operation, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := r.Body.(*body)
		var data []byte
		if b != nil {
			data = b.Bytes()
		}
		value, violations := op.DecodeRequest(r.Header, data)
		noteChecked(w, violations)
		if v := rules.First(violations); v != nil {
			writeError(w, op.badRequest(v))
			return
		}
		if b != nil {
			if b.value = value; value == nil {
				r.Body = b.unchecked()
			}
		}
		next.ServeHTTP(w, r)
	})
}
