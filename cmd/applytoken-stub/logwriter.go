package main

import (
	"io"
	"sync"
	"time"
)

// logFlushDelay is how long a log line may wait to be written with those
// that follow it.
const logFlushDelay = 5 * time.Millisecond

// logPending is how much may wait: more is written at once.
const logPending = 64 << 10

// logWriter is the log's way to stderr. It gathers what it is given for up
// to logFlushDelay and writes it with one write(2): under load the access
// log then costs one system call per few hundred requests instead of one
// per request, which was the largest cost of a logged request. Lines keep
// their order. Close writes what is left; a process killed outright loses
// at most the last logFlushDelay of its log.
type logWriter struct {
	w       io.Writer
	flushMu sync.Mutex // held while writing, so that batches go out in order
	mu      sync.Mutex // guards what follows
	pending []byte
	spare   []byte // the last batch's buffer, for the next
	timer   *time.Timer
	armed   bool
	closed  bool
}

func newLogWriter(w io.Writer) *logWriter { return &logWriter{w: w} }

// Write keeps p for the next batch. It never fails: like every log
// handler's writer, stderr has nobody to report to.
func (lw *logWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	if lw.closed {
		lw.mu.Unlock()
		lw.flushMu.Lock()
		defer lw.flushMu.Unlock()
		lw.flushLocked() // anything still pending goes first
		return lw.w.Write(p)
	}
	lw.pending = append(lw.pending, p...)
	full := len(lw.pending) >= logPending
	if !full && !lw.armed {
		lw.armed = true
		if lw.timer == nil {
			lw.timer = time.AfterFunc(logFlushDelay, lw.flush)
		} else {
			lw.timer.Reset(logFlushDelay)
		}
	}
	lw.mu.Unlock()
	if full {
		lw.flush()
	}
	return len(p), nil
}

// flush writes everything pending.
func (lw *logWriter) flush() {
	lw.flushMu.Lock()
	defer lw.flushMu.Unlock()
	lw.flushLocked()
}

func (lw *logWriter) flushLocked() {
	lw.mu.Lock()
	batch := lw.pending
	lw.pending, lw.armed = lw.spare[:0], false
	lw.mu.Unlock()
	if len(batch) > 0 {
		lw.w.Write(batch)
	}
	lw.mu.Lock()
	if cap(batch) <= 4*logPending {
		lw.spare = batch[:0]
	}
	lw.mu.Unlock()
}

// Close writes what is pending; later writes go straight through.
func (lw *logWriter) Close() error {
	lw.mu.Lock()
	lw.closed = true
	if lw.timer != nil {
		lw.timer.Stop()
	}
	lw.mu.Unlock()
	lw.flush()
	return nil
}
