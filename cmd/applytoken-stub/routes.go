package main

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/aicc-kit/applytoken/gen"
	"github.com/aicc-kit/applytoken/openapi"
)

// routes serves the stub, and beside it the contract and a health check.
// Paths are matched by hand, not by http.ServeMux: a ServeMux redirects an
// unclean path (a 301 the contract does not have) before the stub could
// answer it with 404.
func routes(stub http.Handler) http.Handler {
	spec := openapi.YAML()
	health := []byte(`{"status":"ok"}` + "\n")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			serveFixed(w, r, "application/json; charset=UTF-8", health)
		case "/openapi.yaml":
			serveFixed(w, r, "application/yaml; charset=UTF-8", spec)
		default:
			stub.ServeHTTP(w, r)
		}
	})
}

// serveFixed answers GET and HEAD with body, never cached, since both
// change when the binary does.
func serveFixed(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	h := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		b, _ := json.Marshal(gen.Error{ErrorCode: "method_not_allowed", ExceptionInfo: "The method is not allowed on this path. Use GET."})
		h.Set("Allow", "GET, HEAD")
		h.Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(http.StatusMethodNotAllowed)
		w.Write(append(b, '\n'))
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
