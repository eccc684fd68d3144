package server

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/aicc-kit/applytoken/gen"
	"github.com/aicc-kit/applytoken/openapi"
)

// Stub is the applyToken stub: an http.Handler that serves the contract,
// and the gen.StrictServerInterface behind it. Its methods are safe for
// concurrent use, including the run-time controls SetChannel and FailNext.
type Stub struct {
	apps              map[string]string // read-only after New
	channels          *channels
	signer            *signer
	faults            faults
	routes            map[string]*route
	validator         requestValidator
	handler           http.Handler // the generated ServeMux and strict handler, around this Stub
	now               func() time.Time
	log               *slog.Logger
	access            [len(operationIDs)]accessHandler // the log's, per operation
	accessLifetime    time.Duration
	messagingLifetime time.Duration
}

var _ gen.StrictServerInterface = (*Stub)(nil)

// New returns a Stub serving cfg, or an error naming the field of cfg that
// is wrong.
func New(cfg Config) (*Stub, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("server: config: %w", err)
	}
	doc, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	routes, err := newRoutes(doc)
	if err != nil {
		return nil, err
	}
	oracle, err := newKinValidator(doc)
	if err != nil {
		return nil, err
	}
	validator := newCompiledValidator(oracle)
	key := cfg.SigningKey
	if key == nil {
		key = make([]byte, 32)
		rand.Read(key)
	}
	s := &Stub{
		apps:              maps.Clone(cfg.Apps),
		channels:          newChannels(cfg.Channels),
		signer:            newSigner(slices.Clone(key)),
		routes:            routes,
		validator:         validator,
		now:               cfg.Now,
		log:               cfg.Logger,
		accessLifetime:    cfg.AccessTokenLifetime,
		messagingLifetime: cfg.MessagingTokenLifetime,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.access = accessHandlers(s.log.Handler(), routes)
	strict := gen.NewStrictHandlerWithOptions(s, nil, gen.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  s.requestError,
		ResponseErrorHandlerFunc: s.responseError,
	})
	s.handler = gen.HandlerWithOptions(strict, gen.StdHTTPServerOptions{
		BaseRouter:       http.NewServeMux(),
		ErrorHandlerFunc: s.requestError,
	})
	return s, nil
}

// NewHandler is New for callers that need only the http.Handler.
func NewHandler(cfg Config) (http.Handler, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// SetChannel configures channel id, enabled or disabled, from the next
// request on.
func (s *Stub) SetChannel(id string, enabled bool) {
	s.channels.put(id, enabled)
}

// FailNext makes the next call of op, an operationId ("tokenByAkSk" or
// "applyToken"), answer status with the Error body, whatever the request.
// Calls queue up: two calls fail the next two requests. status must be an
// error status the contract documents for op, so that even a fault keeps
// to the contract; this is the only way to see tokenByAkSk's 500.
func (s *Stub) FailNext(op string, status int) error {
	o, ok := operationByID(op)
	if !ok {
		return fmt.Errorf("server: FailNext: unknown operation %q; want tokenByAkSk or applyToken", op)
	}
	documented := s.statuses(o)
	if status < 400 || !slices.Contains(documented, status) {
		return fmt.Errorf("server: FailNext: %s documents no error status %d; it documents %v", op, status, documented)
	}
	s.faults.push(o, status)
	return nil
}

func (s *Stub) statuses(op operation) []int {
	for _, rt := range s.routes {
		if st, ok := rt.statuses[op]; ok {
			return st
		}
	}
	return nil
}

// requestError is the generated code's hook for a request it cannot bind.
// Validation has run before it, so this is a second line of defence. Only
// the error's type is logged: its text may quote what the caller sent.
func (s *Stub) requestError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.LogAttrs(r.Context(), slog.LevelDebug, "request not bound", slog.String("error", fmt.Sprintf("%T", err)))
	writeError(w, exchangeFrom(r.Context()).op, errInvalidRequest)
}

// responseError is the generated code's hook for an operation that failed
// or an answer that could not be written.
func (s *Stub) responseError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.LogAttrs(r.Context(), slog.LevelError, "answer failed", slog.String("error", err.Error()))
	writeError(w, exchangeFrom(r.Context()).op, errInternal)
}
