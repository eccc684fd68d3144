package server

import (
	"log/slog"
	"net/http"
	"time"
)

// logAccess writes one line per request: method, path, operation, status,
// duration and app key. It logs no header, no query and no body, so no
// token or secret can reach the log; the app key appears only once it is
// known to be a configured one.
func (s *Stub) logAccess(r *http.Request, w *responseWriter, ex *exchange, start time.Time) {
	status := w.status
	if status == 0 {
		status = http.StatusOK // nothing written: net/http sends 200
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", clip(r.Method, 16)),
		slog.String("path", clip(r.URL.Path, 128)),
		slog.String("op", ex.op.String()),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.String("app_key", ex.appKey),
	)
}

// clip bounds what a caller can make one log line carry.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
