package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/stubproc"
)

// TestLogWriterBatches: lines from many goroutines all arrive, each whole
// and in its writer's order, in fewer writes than lines, and none waits
// much longer than logFlushDelay.
func TestLogWriterBatches(t *testing.T) {
	out := &countingWriter{}
	lw := newLogWriter(out)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				fmt.Fprintf(lw, "g=%d i=%d\n", g, i)
			}
		})
	}
	wg.Wait()
	deadline := time.Now().Add(10 * logFlushDelay)
	for strings.Count(out.String(), "\n") < 8*500 && time.Now().Before(deadline) {
		time.Sleep(logFlushDelay / 5)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("%d lines within %v; want %d", len(lines), 10*logFlushDelay, 8*500)
	}
	next := map[string]int{}
	for _, l := range lines {
		var g, i int
		if _, err := fmt.Sscanf(l, "g=%d i=%d", &g, &i); err != nil {
			t.Fatalf("a torn line %q", l)
		}
		if key := fmt.Sprint(g); i != next[key] {
			t.Fatalf("goroutine %d: line %d after %d", g, i, next[key]-1)
		}
		next[fmt.Sprint(g)] = i + 1
	}
	if out.writes() >= len(lines) {
		t.Errorf("%d writes for %d lines: nothing was batched", out.writes(), len(lines))
	}
	lw.Close()
}

// TestLogWriterClose: Close writes what waits, and later lines go
// straight through, after it.
func TestLogWriterClose(t *testing.T) {
	out := &countingWriter{}
	lw := newLogWriter(out)
	fmt.Fprint(lw, "first\n")
	lw.Close()
	if got := out.String(); got != "first\n" {
		t.Fatalf("after Close: %q", got)
	}
	fmt.Fprint(lw, "second\n")
	if got := out.String(); got != "first\nsecond\n" {
		t.Fatalf("after a write past Close: %q", got)
	}
}

// countingWriter is a concurrency-safe buffer that counts writes.
type countingWriter struct {
	stubproc.Buffer
	mu sync.Mutex
	n  int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.Buffer.Write(p)
}

func (c *countingWriter) writes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
