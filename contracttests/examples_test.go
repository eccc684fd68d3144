package contracttests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// exampleServer answers each operation with the spec's own example for the
// status chosen for it (200 by default), with the headers the spec declares
// for that status. It is the client side's stand-in for every documented
// answer, built from the document alone.
type exampleServer struct {
	c  *contract
	mu sync.Mutex
	// answer maps an operationId to the status and named example to send.
	answer map[string]exampleChoice
}

type exampleChoice struct {
	status  int
	example string // a key of the media type's examples; "" for the example
}

func newExampleServer(t *testing.T) *exampleServer {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return &exampleServer{c: c, answer: map[string]exampleChoice{}}
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
	op := s.c.operationAt(r.URL.Path)
	if op == "" {
		http.Error(w, "no such path in the spec", http.StatusTeapot)
		return
	}
	s.mu.Lock()
	choice, ok := s.answer[op]
	s.mu.Unlock()
	if !ok {
		choice = exampleChoice{status: http.StatusOK}
	}
	resp := s.c.routes[op].Operation.Responses.Status(choice.status)
	if resp == nil {
		http.Error(w, fmt.Sprintf("%s documents no %d", op, choice.status), http.StatusTeapot)
		return
	}
	body, err := exampleBody(resp.Value.Content.Get("application/json"), choice.example)
	if err != nil {
		http.Error(w, err.Error(), http.StatusTeapot)
		return
	}
	for name, h := range resp.Value.Headers {
		if h.Value.Example != nil {
			w.Header().Set(name, fmt.Sprint(h.Value.Example))
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(choice.status)
	w.Write(body)
}

// exampleBody returns an example of a media type as JSON: the named one of
// its examples, or its single example when name is empty.
func exampleBody(mt *openapi3.MediaType, name string) ([]byte, error) {
	if mt == nil {
		return nil, fmt.Errorf("no application/json content")
	}
	if name == "" {
		if mt.Example == nil {
			return nil, fmt.Errorf("no single example; name one of the examples")
		}
		return json.Marshal(mt.Example)
	}
	ex, ok := mt.Examples[name]
	if !ok || ex.Value == nil {
		return nil, fmt.Errorf("no example named %q", name)
	}
	return json.Marshal(ex.Value.Value)
}
