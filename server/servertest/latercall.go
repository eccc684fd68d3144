package servertest

import (
	"net/http"
	"sync/atomic"

	"github.com/aicc-kit/applytoken/server"
)

// withLaterCall serves the later-call stand-in at LaterCallURL, counted
// as Calls("laterCall"), and hands every other request to next. New calls
// it before the server starts.
func (s *Server) withLaterCall(next http.Handler) http.Handler {
	calls := new(atomic.Int64)
	s.calls[server.OpLaterCall] = calls
	later := s.stub.LaterCall()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == server.LaterCallPath && r.URL.RawPath == "" {
			calls.Add(1)
			later.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
