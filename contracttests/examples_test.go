package contracttests

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
)

// exampleServer answers each operation with the spec's own example for the
// status chosen for it (200 by default), with the headers the spec declares
// for that status. It is the client side's stand-in for every documented
// answer, built from the document alone.
type exampleServer struct {
	mu sync.Mutex
	// answer maps an operationId to the status and named example to send.
	answer map[string]exampleChoice
}

type exampleChoice struct {
	status  int
	example string // a key of the media type's examples; "" for the example
}

func newExampleServer(*testing.T) *exampleServer {
	return &exampleServer{answer: map[string]exampleChoice{}}
}

// reset makes every operation answer 200 again.
func (s *exampleServer) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.answer)
}

// set makes op answer status with its example (or the named one).
func (s *exampleServer) set(op string, status int, example string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer[op] = exampleChoice{status, example}
}

func (s *exampleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := openapi.OperationAt(r.Method, r.URL.Path)
	if op == nil {
		http.Error(w, "no such operation in the spec", http.StatusTeapot)
		return
	}
	s.mu.Lock()
	choice, ok := s.answer[op.ID]
	s.mu.Unlock()
	if !ok {
		choice = exampleChoice{status: http.StatusOK}
	}
	resp := op.Response(choice.status)
	if resp == nil {
		http.Error(w, fmt.Sprintf("%s documents no %d", op.ID, choice.status), http.StatusTeapot)
		return
	}
	body, err := openapi.ResponseExample(op.ID, choice.status, choice.example)
	if err != nil {
		http.Error(w, err.Error(), http.StatusTeapot)
		return
	}
	for _, h := range resp.Headers {
		if h.Example != "" {
			w.Header().Set(h.Name, h.Example)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(choice.status)
	w.Write(body)
}
