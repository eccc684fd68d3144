package server

import (
	"log/slog"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"
)

// logAccess writes one line per request: method, path, operation, status,
// duration and app key. It logs no header, no query and no body, so no
// token or secret can reach the log; the app key appears only once it is
// known to be a configured one.
func (s *Stub) logAccess(r *http.Request, w *responseWriter, start time.Time) {
	status := w.status
	if status == 0 && w.notes.fault == "" {
		status = http.StatusOK // nothing written: net/http sends 200 (a fault may have sent nothing: 0)
	}
	// What Logger.LogAttrs does, less its stack walk for the source line
	// per request: the source is this function, found once.
	ctx := r.Context()
	h := s.log.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	end := time.Now()
	rec := slog.NewRecord(end, slog.LevelInfo, "request", accessLogPC())
	if w.op != nil {
		h = w.op.access // method, path and op already bound: the chain runs only on them
	} else {
		rec.AddAttrs(
			slog.String("method", clip(r.Method, 16)),
			slog.String("path", clip(r.URL.Path, 128)),
			slog.String("op", ""),
		)
	}
	rec.AddAttrs(
		slog.Int("status", status),
		slog.Duration("duration", end.Sub(start)),
		slog.String("app_key", w.appKey),
	)
	if f := w.notes.fault; f != "" {
		rec.AddAttrs(slog.String("fault", f)) // Inject's or FailNext's (faults.go)
	}
	h.Handle(ctx, rec)
}

var accessPC atomic.Uintptr

// accessLogPC is the program counter of logAccess's call to it, the
// source line a handler with AddSource reports for every access line.
func accessLogPC() uintptr {
	if pc := accessPC.Load(); pc != 0 {
		return pc
	}
	var pcs [1]uintptr
	runtime.Callers(2, pcs[:])
	accessPC.Store(pcs[0])
	return pcs[0]
}

// clip bounds what a caller can make one log line carry.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
