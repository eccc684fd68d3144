package server

import (
	"context"
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
func (s *Stub) logAccess(ctx context.Context, r *http.Request, w *responseWriter, ex *exchange, start time.Time) {
	status := w.status
	if status == 0 {
		status = http.StatusOK // nothing written: net/http sends 200
	}
	// What Logger.LogAttrs does, less its stack walk for the source line
	// per request: the source is this function, found once.
	h := s.log.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	end := time.Now()
	rec := slog.NewRecord(end, slog.LevelInfo, "request", accessLogPC())
	if a := &s.access[ex.op]; a.h != nil && r.Method == a.method && r.URL.Path == a.path {
		h = a.h // method, path and op already bound
	} else {
		rec.AddAttrs(
			slog.String("method", clip(r.Method, 16)),
			slog.String("path", clip(r.URL.Path, 128)),
			slog.String("op", ex.op.String()),
		)
	}
	rec.AddAttrs(
		slog.Int("status", status),
		slog.Duration("duration", end.Sub(start)),
		slog.String("app_key", ex.appKey),
	)
	h.Handle(ctx, rec)
}

// accessHandler is the log's handler with the first three attributes of
// an operation's access lines bound, formatted once instead of per line.
type accessHandler struct {
	h            slog.Handler
	method, path string
}

func accessHandlers(h slog.Handler, routes map[string]*route) (a [len(operationIDs)]accessHandler) {
	for path, rt := range routes {
		for method, op := range rt.ops {
			a[op] = accessHandler{method: method, path: path, h: h.WithAttrs([]slog.Attr{
				slog.String("method", clip(method, 16)),
				slog.String("path", clip(path, 128)),
				slog.String("op", op.String()),
			})}
		}
	}
	return a
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
