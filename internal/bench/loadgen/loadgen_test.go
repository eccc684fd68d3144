package loadgen

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestHistogramPercentiles(t *testing.T) {
	var h histogram
	rng := rand.New(rand.NewPCG(1, 2))
	var all []time.Duration
	for range 100000 {
		d := time.Duration(rng.ExpFloat64() * float64(200*time.Microsecond))
		all = append(all, d)
		h.record(d)
	}
	slices.Sort(all)
	for _, p := range []float64{0.5, 0.9, 0.99, 0.999} {
		want := all[int(p*float64(len(all)))-1]
		got := h.percentile(p)
		if diff := float64(got-want) / float64(want); diff > 0.01 || diff < -0.01 {
			t.Errorf("p%v = %v; want %v within 1%%", p*100, got, want)
		}
	}
}

// TestRun drives a server that frames its answers every way HTTP/1.1 lets
// it: a length, chunks, and a closed connection after the answer.
func TestRun(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		n++
		switch n % 3 {
		case 0:
			w.Header().Set("Connection", "close")
			io.WriteString(w, "closing")
		case 1:
			w.(http.Flusher).Flush() // no length known: chunked
			io.WriteString(w, strings.Repeat("c", 5000))
		default:
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	defer srv.Close()
	req := "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
	res, err := Run(context.Background(), Options{Addr: strings.TrimPrefix(srv.URL, "http://"), Request: []byte(req),
		Conns: 1, Warmup: 50 * time.Millisecond, Duration: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 0 || res.OK == 0 || res.Other == 0 {
		t.Fatalf("ok %d, other %d, errors %d (%v)", res.OK, res.Other, res.Errors, res.FirstError)
	}
	if p := res.Percentile(0.5); p <= 0 || p > time.Second {
		t.Errorf("p50 %v", p)
	}
}

// TestRunCount sends exactly Count requests, however many connections.
func TestRunCount(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	defer srv.Close()
	req := "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	res, err := Run(context.Background(), Options{Addr: strings.TrimPrefix(srv.URL, "http://"), Request: []byte(req), Conns: 7, Count: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK != 1000 || n.Load() != 1000 {
		t.Errorf("%d answers, %d requests served; want 1000 of each", res.OK, n.Load())
	}
}
