package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// recoverPanic turns a panic into a 500 with the Error body. The panic and
// its stack go to the log only. When the answer has already begun it can
// no longer be made whole, so the connection is cut instead.
func (s *Stub) recoverPanic(w *responseWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v) // net/http's own signal to drop the connection quietly
	}
	s.log.LogAttrs(r.Context(), slog.LevelError, "panic",
		slog.String("op", w.opID()),
		slog.String("panic", fmt.Sprint(v)),
		slog.String("stack", string(debug.Stack())),
	)
	if w.wroteHeader {
		panic(http.ErrAbortHandler)
	}
	writeError(w, errInternal)
}
