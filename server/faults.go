package server

import (
	"sync"
	"sync/atomic"
)

// faults holds the failures armed by Stub.FailNext, in order, per
// operationId.
type faults struct {
	armed atomic.Int64 // how many are queued, so the common case takes no lock
	mu    sync.Mutex
	queue map[string][]int
}

func (f *faults) push(op string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.queue == nil {
		f.queue = map[string][]int{}
	}
	f.queue[op] = append(f.queue[op], status)
	f.armed.Add(1)
}

// take removes and returns the next failure armed for op.
func (f *faults) take(op string) (status int, ok bool) {
	if f.armed.Load() == 0 {
		return 0, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.queue[op]
	if len(q) == 0 {
		return 0, false
	}
	status, f.queue[op] = q[0], q[1:]
	f.armed.Add(-1)
	return status, true
}
