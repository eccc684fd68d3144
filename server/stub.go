package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// Stub is the applyToken stub, an http.Handler. Its methods are safe for
// concurrent use, including the run-time controls.
type Stub struct {
	vendor  *vendor
	ops     map[string]*operation // by operationId
	handler http.Handler          // the generated router, behind the chain
	faults  faults
	log     *slog.Logger
	journal *journal // nil when Config.Journal is 0
}

// New returns a Stub serving cfg, or an error naming the field of cfg that
// is wrong.
func New(cfg Config) (*Stub, error) { return newStub(cfg, contract.Operations) }

// newStub is New for tests: they serve variants of the contract's
// operations, and add strict middlewares around the vendor.
func newStub(cfg Config, ops []*rules.Operation, middlewares ...apiserver.StrictMiddlewareFunc) (*Stub, error) {
	cfg, access, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := cfg.validate(access); err != nil {
		return nil, fmt.Errorf("server: config: %w", err)
	}
	key := slices.Clone(cfg.SigningKey)
	if key == nil {
		key = make([]byte, 32)
		rand.Read(key)
	}
	cfg.Apps = maps.Clone(cfg.Apps)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Stub{ops: map[string]*operation{}, log: cfg.Logger, journal: newJournal(cfg.Journal)}
	if s.log == nil {
		s.log = slog.Default()
	}
	for _, op := range ops {
		if s.ops[op.ID], err = newOperation(op, s.log.Handler()); err != nil {
			return nil, err
		}
	}
	if s.vendor, err = newVendor(cfg, access, key, s.ops); err != nil {
		return nil, err
	}
	strict := apiserver.NewStrictHandlerWithOptions(s.vendor,
		append(middlewares, s.noteAppKey),
		apiserver.StrictHTTPServerOptions{RequestErrorHandlerFunc: s.requestError, ResponseErrorHandlerFunc: s.responseError})
	if s.handler, err = s.routes(strict); err != nil {
		return nil, err
	}
	return s, nil
}

// SetChannel configures channel id, enabled or disabled, from the next
// request on.
func (s *Stub) SetChannel(id string, enabled bool) {
	s.vendor.channels.put(id, enabled)
}

// FailNext makes the next call of op, an operationId of the contract
// ("tokenByAkSk" or "applyToken") or OpLaterCall, answer status whatever
// the request, with the Error body of the contract's example for that
// status and the headers it documents beside it. status must be an error
// status the contract documents for op, so that even a fault keeps to the
// contract. Calls queue up: two calls fail the next two requests. It is
// Inject(op, Fault{Status: status}).
func (s *Stub) FailNext(op string, status int) error {
	return s.inject("FailNext", op, Fault{Status: status})
}

// ServeHTTP answers one request: recovery from panics and the access log
// around the route (chain.go). A path not spelled as the contract would
// spell it is a 404 before any router sees it.
func (s *Stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rw := writers.Get().(*responseWriter)
	*rw = responseWriter{ResponseWriter: w}
	defer s.done(rw, r, start)
	defer s.recoverPanic(rw, r)
	if !asSpelled(r.URL) {
		writeError(rw, errNotFound)
		return
	}
	s.handler.ServeHTTP(rw, r)
}

// writers pools the per-request responseWriter: nothing holds one once
// ServeHTTP returns.
var writers = sync.Pool{New: func() any { return new(responseWriter) }}

func (s *Stub) done(rw *responseWriter, r *http.Request, start time.Time) {
	s.logAccess(r, rw, start)
	s.record(rw, r)
	*rw = responseWriter{}
	writers.Put(rw)
}

// asSpelled reports whether u's path is one the contract could spell: as
// sent, with no percent-encoding net/http has decoded, and clean.
// http.ServeMux would answer any other with a 301 to the clean path, an
// answer the contract does not have, and a percent-encoded spelling of a
// known path is not that path (docs/architecture.md, "The status table").
func asSpelled(u *url.URL) bool {
	p := u.Path
	return u.RawPath == "" && p != "" && p[0] == '/' && path.Clean(p) == p
}

func (s *Stub) opAt(method, path string) *operation {
	for _, op := range s.ops {
		if op.Method == method && op.Path == path {
			return op
		}
	}
	return nil
}

// noteAppKey gives the access log the app key of a tokenByAkSk request
// object, once it is known to be a configured one. (applyToken's is noted
// by authenticate.)
func (s *Stub) noteAppKey(f apiserver.StrictHandlerFunc, operationID string) apiserver.StrictHandlerFunc {
	if !strings.EqualFold(operationID, contract.OpTokenByAkSk) {
		return f
	}
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
		if req, ok := request.(apiserver.TokenByAkSkRequestObject); ok && req.Body != nil {
			if rw, ok := w.(*responseWriter); ok && s.vendor.knows(req.Body.AppKey) {
				rw.appKey = req.Body.AppKey
			}
		}
		return f(ctx, w, r, request)
	}
}

// requestError is the generated code's hook for a request it cannot bind,
// such as a header parameter sent twice. The 400 names what was not bound
// in the contract's words (bindViolation), never in the error's. Only the
// error's type is logged: its text may quote what the caller sent.
func (s *Stub) requestError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.LogAttrs(r.Context(), slog.LevelDebug, "request not bound", slog.String("error", fmt.Sprintf("%T", err)))
	var op *operation
	if rw, ok := w.(*responseWriter); ok {
		op = rw.op
	}
	v := bindViolation(err)
	noteViolation(w, v)
	if op == nil {
		writeError(w, op.answer(http.StatusBadRequest))
		return
	}
	writeError(w, op.badRequest(&v)) // says what is wrong, as the rules' 400s do
}

// responseError is the generated code's hook for an operation that failed
// or an answer that could not be written.
func (s *Stub) responseError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.LogAttrs(r.Context(), slog.LevelError, "answer failed", slog.String("error", err.Error()))
	writeError(w, errInternal)
}
