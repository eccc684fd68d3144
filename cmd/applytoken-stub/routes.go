package main

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/aicc-kit/applytoken/docs"
	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server"
)

// routes serves the stub, and beside it the contract, its API reference
// page, a health check and, when ctl is not nil, the test controls under
// /_stub/ (newStub returns them).
// Paths are matched by hand, not by http.ServeMux: a ServeMux redirects an
// unclean path (a 301 the contract does not have) before the stub could
// answer it with 404.
func routes(stub *server.Stub, ctl http.Handler) http.Handler {
	spec := openapi.YAML()
	reference := docs.APIReference()
	health := []byte(`{"status":"ok"}` + "\n")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			serveFixed(w, r, "application/json; charset=UTF-8", health)
		case "/openapi.yaml":
			serveFixed(w, r, "application/yaml; charset=UTF-8", spec)
		case "/docs":
			serveFixed(w, r, "text/html; charset=utf-8", reference)
		default:
			if ctl != nil && strings.HasPrefix(r.URL.Path, controlsPrefix) {
				ctl.ServeHTTP(w, r)
				return
			}
			stub.ServeHTTP(w, r)
		}
	})
}

// serveFixed answers GET and HEAD with body, never cached, since both
// change when the binary does.
func serveFixed(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	h := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "The method is not allowed on this path. Use GET.")
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(body)
	}
}
