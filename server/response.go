package server

import (
	"net/http"

	"github.com/aicc-kit/applytoken/internal/rules"
)

// jsonContentType is the media type of every JSON answer: the vendor's
// guides document the charset, and the generated encoders leave it out.
const jsonContentType = "application/json; charset=UTF-8"

// responseWriter sits under every handler of the stub, one per request
// (see Stub.ServeHTTP). It completes each answer as the contract documents
// it: the charset on the generated encoders' "application/json", and each
// header the contract documents for the operation's status that the answer
// left empty, with its example value; so Cache-Control: no-store and
// WWW-Authenticate: Bearer come from the spec. It remembers the status, so
// that no hook writes a second answer, and carries what the access log
// learns on the way.
type responseWriter struct {
	http.ResponseWriter
	op *operation // nil outside an operation (404, 405)
	// appKey is set only once the key is known to be configured, so a
	// mistyped secret sent as a key never reaches the log.
	appKey      string
	status      int
	wroteHeader bool
	notes       journalNotes // what the chain learns for the journal (journal.go)
}

func (w *responseWriter) WriteHeader(status int) {
	if w.wroteHeader || status < http.StatusOK {
		w.ResponseWriter.WriteHeader(status) // 1xx, or a superfluous call net/http reports itself
		return
	}
	w.wroteHeader = true
	w.status = status
	h := w.Header()
	if v := h["Content-Type"]; len(v) == 1 && v[0] == "application/json" {
		v[0] = jsonContentType
	}
	if w.op != nil {
		for _, d := range w.op.headers[status] {
			switch v := h[d.key]; {
			case len(v) == 0:
				h[d.key] = []string{d.value}
			case len(v) == 1 && v[0] == "":
				v[0] = d.value // a generated Visit method sets what the answer left empty
			}
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// opID is the operationId of the answer, or "" outside an operation.
func (w *responseWriter) opID() string {
	if w.op == nil {
		return ""
	}
	return w.op.ID
}

// Unwrap lets http.ResponseController reach the connection's own writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// connWriter returns the connection's own writer under w, which
// http.MaxBytesReader needs to tell net/http to close the connection
// after an oversized body instead of draining it.
func connWriter(w http.ResponseWriter) http.ResponseWriter {
	if rw, ok := w.(*responseWriter); ok {
		return rw.ResponseWriter
	}
	return w
}

// documentedHeader is a header the contract documents for a status, with
// the value an answer that leaves it empty gets: its example.
type documentedHeader struct {
	key   string // canonical, as http.Header stores it
	value string
}

// documentedHeaders reads op's documented headers, by status.
func documentedHeaders(op *rules.Operation) map[int][]documentedHeader {
	m := map[int][]documentedHeader{}
	for _, resp := range op.Responses {
		for _, d := range resp.Headers {
			if d.Example != "" {
				m[resp.Status] = append(m[resp.Status], documentedHeader{http.CanonicalHeaderKey(d.Name), d.Example})
			}
		}
	}
	return m
}
