// Package loadgen is the load generator of `make bench`: it sends one fixed
// HTTP/1.1 request over keep-alive connections, each connection waiting for
// its answer before it sends again (a closed loop, as wrk does), and
// measures throughput and latency. It writes each request with one write
// and reads each answer from a buffer without allocating, so that one core
// of it outpaces one core of the servers it measures.
//
//	res, err := loadgen.Run(ctx, loadgen.Options{Addr: "127.0.0.1:8080", Request: raw, Conns: 32, Duration: 5 * time.Second})
//	fmt.Println(res.RPS(), res.Percentile(0.99))
package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/bits"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Options says what to send where, and for how long.
type Options struct {
	Addr    string // host:port
	Request []byte // one whole HTTP/1.1 request, head and body
	Conns   int
	// Warmup runs before Duration and is not measured.
	Warmup, Duration time.Duration
	// Count, when not 0, sends that many requests in all instead, every
	// one of them measured; Warmup and Duration are then ignored.
	Count int
	// Timeout bounds each request; 0 means 10 s.
	Timeout time.Duration
}

// Result is what happened during the measured window: requests that both
// began and ended in it.
type Result struct {
	Duration time.Duration
	OK       int // 2xx answers
	Other    int // answers of another status
	Errors   int // failed exchanges (the connection is then reopened)
	// FirstError is the first failure, for the report.
	FirstError error
	hist       histogram
}

// RPS is answered requests per second, 2xx or not.
func (r *Result) RPS() float64 {
	return float64(r.OK+r.Other) / r.Duration.Seconds()
}

// Percentile returns the latency under which the fraction p of the
// measured requests completed, within the histogram's 1% precision.
func (r *Result) Percentile(p float64) time.Duration { return r.hist.percentile(p) }

// Run sends opt.Request on opt.Conns connections until ctx ends or
// Warmup+Duration has passed.
func Run(ctx context.Context, opt Options) (*Result, error) {
	if opt.Timeout == 0 {
		opt.Timeout = 10 * time.Second
	}
	conns := make([]net.Conn, opt.Conns)
	for i := range conns {
		c, err := net.DialTimeout("tcp", opt.Addr, opt.Timeout)
		if err != nil {
			for _, c := range conns[:i] {
				c.Close()
			}
			return nil, err
		}
		conns[i] = c
	}
	var (
		clock   window
		wg      sync.WaitGroup
		results = make([]Result, opt.Conns)
	)
	if opt.Count > 0 {
		opt.Warmup, opt.Duration = 0, 1<<62
		clock.tickets.Store(int64(opt.Count))
	}
	clock.begin(opt.Warmup, opt.Duration)
	for i := range conns {
		wg.Go(func() { worker(ctx, opt, conns[i], &clock, &results[i]) })
	}
	wg.Wait()
	total := &Result{Duration: opt.Duration}
	if opt.Count > 0 {
		total.Duration = time.Since(clock.start)
	}
	for i := range results {
		r := &results[i]
		total.OK += r.OK
		total.Other += r.Other
		total.Errors += r.Errors
		if total.FirstError == nil {
			total.FirstError = r.FirstError
		}
		total.hist.add(&r.hist)
	}
	return total, nil
}

// window is the measured interval, as offsets from a shared start, or
// the requests left to send when the run is counted.
type window struct {
	start      time.Time
	from, till time.Duration
	tickets    atomic.Int64
	counted    bool
}

func (w *window) begin(warmup, d time.Duration) {
	w.start, w.from, w.till = time.Now(), warmup, warmup+d
	w.counted = w.tickets.Load() > 0
}

// next reports whether another request may go.
func (w *window) next() bool {
	if w.counted {
		return w.tickets.Add(-1) >= 0
	}
	return time.Since(w.start) < w.till
}

func worker(ctx context.Context, opt Options, c net.Conn, w *window, res *Result) {
	br := bufio.NewReaderSize(c, 32<<10)
	defer func() { c.Close() }()
	for ctx.Err() == nil && w.next() {
		t0 := time.Since(w.start)
		c.SetDeadline(time.Now().Add(opt.Timeout))
		status, keep, err := exchange(c, br, opt.Request)
		t1 := time.Since(w.start)
		measured := t0 >= w.from && t1 <= w.till
		if err != nil {
			if measured {
				res.Errors++
				if res.FirstError == nil {
					res.FirstError = err
				}
			}
			keep = false
		} else if measured {
			if status >= 200 && status < 300 {
				res.OK++
			} else {
				res.Other++
				if res.FirstError == nil {
					res.FirstError = fmt.Errorf("status %d", status)
				}
			}
			res.hist.record(t1 - t0)
		}
		if !keep {
			c.Close()
			nc, err := net.DialTimeout("tcp", opt.Addr, opt.Timeout)
			if err != nil {
				res.Errors++
				return
			}
			c = nc
			br.Reset(c)
		}
	}
}

// exchange writes req and reads one answer, discarding its body. keep is
// false when the server closes the connection after it.
func exchange(c net.Conn, br *bufio.Reader, req []byte) (status int, keep bool, err error) {
	if _, err := c.Write(req); err != nil {
		return 0, false, err
	}
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, fmt.Errorf("not an HTTP/1 status line: %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, fmt.Errorf("bad status line %q", line)
	}
	length, chunked, keep := -1, false, true
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, false, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case chunked:
		err = discardChunked(br)
	case length >= 0:
		_, err = br.Discard(length)
	default:
		return status, false, errors.New("an answer without a length")
	}
	return status, keep && err == nil, err
}

func discardChunked(br *bufio.Reader) error {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte(";"))
		n, err := strconv.ParseInt(string(size), 16, 64)
		if err != nil {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			for { // trailers, then the blank line
				line, err := br.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimRight(line, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if _, err := br.Discard(int(n) + 2); err != nil {
			return err
		}
	}
}

// histogram counts latencies in log-linear buckets: 64 powers of two, each
// cut into 128 steps, so any percentile is within 1% of the truth.
type histogram struct {
	counts [64 * subBuckets]uint32
	n      uint64
}

const subBits = 7
const subBuckets = 1 << subBits

func bucketOf(ns uint64) int {
	if ns < subBuckets {
		return int(ns)
	}
	e := bits.Len64(ns) - subBits // >= 1
	return e*subBuckets + int(ns>>uint(e-1))&(subBuckets-1)
}

// lowest returns the smallest latency of bucket i.
func lowest(i int) uint64 {
	e, m := i/subBuckets, uint64(i%subBuckets)
	if e == 0 {
		return m
	}
	return (subBuckets | m) << uint(e-1)
}

func (h *histogram) record(d time.Duration) {
	h.counts[bucketOf(uint64(max(d, 0)))]++
	h.n++
}

func (h *histogram) add(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
}

func (h *histogram) percentile(p float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	want := uint64(p*float64(h.n) + 0.5)
	want = min(max(want, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += uint64(c)
		if seen >= want {
			return time.Duration(lowest(i))
		}
	}
	return 0
}
