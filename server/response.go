package server

import "net/http"

// responseWriter sits under every handler of the stub. It remembers the
// status, for the access log and for the error hooks that must not write a
// second answer, and it is the one place that gives the generated
// encoders' "application/json" its charset.
type responseWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (w *responseWriter) WriteHeader(status int) {
	if w.wroteHeader || status < http.StatusOK {
		w.ResponseWriter.WriteHeader(status) // 1xx, or a superfluous call net/http reports itself
		return
	}
	w.wroteHeader = true
	w.status = status
	if h := w.Header(); h.Get("Content-Type") == "application/json" {
		h.Set("Content-Type", jsonContentType)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's own writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
