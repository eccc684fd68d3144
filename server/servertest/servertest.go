// Package servertest runs the applyToken stub in-process for other
// packages' tests, in the manner of net/http/httptest: a real HTTP server
// on a loopback port, with controls a test needs.
//
//	srv := servertest.New(t)                 // closed by t.Cleanup
//	srv.FailNext("tokenByAkSk", 500)         // the next AccessToken request fails
//	resp, err := srv.Client().Post(srv.URL+openapi.TokenByAkSkPath, ...)
//
// It serves the demo configuration: the credentials in AppKey and
// AppSecret, the enabled ChannelID and the DisabledChannelID. Its clock
// stands still unless Advance moves it, so token expiry is exact.
package servertest

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/fakeclock"
	"github.com/aicc-kit/applytoken/server"
)

// Server is a running stub. Its methods are safe for concurrent use; the
// ones that fail a test (FailNext, Inject, Advance, Calls) must be called
// from the test's own goroutine, as t.Fatal must.
type Server struct {
	// URL is the base URL, scheme and host, with no trailing slash.
	URL string
	// LaterCallURL is the stand-in for a later CC-Messaging call such as
	// send (server.Stub.LaterCall): POST it with the three credentials.
	LaterCallURL string
	// AppKey and AppSecret are the credentials the stub accepts.
	AppKey, AppSecret string
	// ChannelID is a configured, enabled channel; DisabledChannelID a
	// configured, disabled one.
	ChannelID, DisabledChannelID string

	tb    testing.TB // nil after Start
	http  *httptest.Server
	stub  *server.Stub
	clock *fakeclock.Clock
	calls map[string]*atomic.Int64 // by operationId
}

// New starts a Server and closes it when t and its subtests finish.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := start(t, opts)
	if err != nil {
		t.Fatalf("servertest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a Server for callers without a testing.TB, such as
// TestMain or an example; the caller must Close it. Misuse of its controls
// panics instead of failing a test.
func Start(opts ...Option) (*Server, error) {
	return start(nil, opts)
}

func start(tb testing.TB, opts []Option) (*Server, error) {
	o := defaults()
	for _, opt := range opts {
		opt(&o)
	}
	cfg := server.DefaultConfig()
	s := &Server{
		tb:    tb,
		clock: fakeclock.New(o.start),
		calls: map[string]*atomic.Int64{},
	}
	for _, op := range contract.Operations {
		s.calls[op.ID] = new(atomic.Int64)
	}
	for _, key := range slices.Sorted(maps.Keys(cfg.Apps)) {
		s.AppKey, s.AppSecret = key, cfg.Apps[key]
		break
	}
	for _, id := range slices.Sorted(maps.Keys(cfg.Channels)) {
		if cfg.Channels[id] && s.ChannelID == "" {
			s.ChannelID = id
		} else if !cfg.Channels[id] && s.DisabledChannelID == "" {
			s.DisabledChannelID = id
		}
	}
	cfg.Now = s.clock.Now
	cfg.Logger = o.logger
	stub, err := server.New(cfg)
	if err != nil {
		return nil, err
	}
	s.stub = stub
	s.http = httptest.NewUnstartedServer(s.withLaterCall(s.count(stub))) // latercall.go
	if o.tls {
		s.http.StartTLS()
	} else {
		s.http.Start()
	}
	s.URL = s.http.URL
	s.LaterCallURL = s.URL + server.LaterCallPath
	return s, nil
}

// Close shuts the server down, waiting for requests in flight. It is safe
// to call more than once.
func (s *Server) Close() {
	s.stub.StopDelays() // a fault's delay would hold Close up
	s.http.Close()
}

// Client returns an HTTP client ready for this server, trusting its
// certificate under WithTLS. Close ends its idle connections.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Now returns the stub's clock.
func (s *Server) Now() time.Time { return s.clock.Now() }

// Advance moves the stub's clock forward by d, so that tokens expire
// without waiting: an AccessToken issued for 600s is accepted after
// Advance(599s) and refused after Advance(600s). A negative d is the
// test's own bug, as the binary's /_stub/advance refuses it: the clock
// never runs back.
func (s *Server) Advance(d time.Duration) {
	if d < 0 {
		s.fail("servertest: Advance(%v): the clock only moves forward", d)
		return
	}
	s.clock.Advance(d)
}

// SetChannel configures channel id, enabled or disabled, from the next
// request on.
func (s *Server) SetChannel(id string, enabled bool) { s.stub.SetChannel(id, enabled) }

// FailNext makes the next call of op ("tokenByAkSk", "applyToken" or
// "laterCall") answer status, with the contract's Error example and the headers it
// documents for that status, before any check; calls queue up. status
// must be an error status the contract documents for op.
func (s *Server) FailNext(op string, status int) {
	if err := s.stub.FailNext(op, status); err != nil {
		s.fail("%v", err)
	}
}

// Calls returns how many requests reached op's method and path so far
// (for laterCall, its path with any method), whatever their answer,
// FailNext's included.
func (s *Server) Calls(op string) int {
	c, ok := s.calls[op]
	if !ok {
		s.fail("servertest: Calls: unknown operation %q; want tokenByAkSk, applyToken or laterCall", op)
		return 0
	}
	return int(c.Load())
}

// count tallies the calls of each operation before the stub sees them.
func (s *Server) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawPath == "" {
			for _, op := range contract.Operations {
				if r.Method == op.Method && r.URL.Path == op.Path {
					s.calls[op.ID].Add(1)
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) fail(format string, args ...any) {
	if s.tb == nil {
		panic(fmt.Sprintf(format, args...))
	}
	s.tb.Helper()
	s.tb.Fatalf(format, args...)
}
