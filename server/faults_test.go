package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/openapi"
)

// faultClient sends without the harness's checks: a fault's answer is
// broken on purpose. Each request has a connection of its own, so that a
// fault on one never reaches the next.
func faultClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
}

func TestInjectRefuses(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		op   string
		f    Fault
		want string
	}{
		{"getToken", Fault{Status: 500}, `unknown operation "getToken"; the stub has applyToken, tokenByAkSk, laterCall`},
		{openapi.ApplyToken, Fault{Status: 418}, "documents no error status 418; it documents " + fmt.Sprint(contract.ApplyToken.Statuses())},
		{openapi.ApplyToken, Fault{Status: 200}, "documents no error status 200"},
		{openapi.TokenByAkSk, Fault{Status: 403}, "documents no error status 403"},
		{OpLaterCall, Fault{Status: 400}, "documents no error status 400; it documents [200 401 403 500]"},
		{openapi.ApplyToken, Fault{Kind: "timeout"}, `unknown fault "timeout"; want reset, truncate or malformed`},
		{openapi.ApplyToken, Fault{Kind: FaultReset, Status: 500}, `status 500 and fault "reset": a fault is its own answer`},
		{openapi.ApplyToken, Fault{Delay: -time.Second}, "delay -1s is outside 0s to 5m0s"},
		{openapi.ApplyToken, Fault{Delay: 6 * time.Minute, Status: 500}, "delay 6m0s is outside 0s to 5m0s"},
		{openapi.ApplyToken, Fault{}, "an empty fault"},
	} {
		err := h.stub.Inject(tc.op, tc.f)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "server: Inject: ") {
			t.Errorf("Inject(%s, %+v) = %v; want an error with %q", tc.op, tc.f, err, tc.want)
		}
	}
	if err := h.stub.FailNext(openapi.ApplyToken, 418); err == nil || !strings.HasPrefix(err.Error(), "server: FailNext: applyToken: documents no error status 418") {
		t.Errorf("FailNext 418: %v", err)
	}
	// Nothing refused was armed.
	resp, _ := h.do(h.tokenRequest(demoKey, demoSecret, ""))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after refused faults: %d; want 200", resp.StatusCode)
	}
}

func TestFaultString(t *testing.T) {
	for f, want := range map[Fault]string{
		{Status: 500}:                          "500",
		{Kind: FaultReset}:                     "reset",
		{Delay: 1500 * time.Millisecond}:       "1.5s",
		{Delay: time.Second, Status: 401}:      "1s then 401",
		{Delay: time.Second, Kind: FaultReset}: "1s then reset",
	} {
		if got := f.String(); got != want {
			t.Errorf("%+v.String() = %q; want %q", f, got, want)
		}
	}
}

// TestFaultDelay: a delay holds the answer back, then the status, or the
// request's own answer when alone (its checks included).
func TestFaultDelay(t *testing.T) {
	h := newHarness(t)
	const d = 300 * time.Millisecond
	for _, tc := range []struct {
		f      Fault
		secret string
		want   int
	}{
		{Fault{Delay: d, Status: 500}, demoSecret, 500},
		{Fault{Delay: d}, demoSecret, 200},
		{Fault{Delay: d}, "wrong", 401},
	} {
		if err := h.stub.Inject(openapi.TokenByAkSk, tc.f); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		resp, _ := h.do(h.tokenRequest(demoKey, tc.secret, ""))
		if took := time.Since(start); resp.StatusCode != tc.want || took < d {
			t.Errorf("%v: %d after %v; want %d after %v or more", tc.f, resp.StatusCode, took, tc.want, d)
		}
	}
}

// TestFaultDelayEndsWithTheRequest: a client that gives up ends the delay
// (Close, which waits for every request in flight, returns long before
// the delay would), and StopDelays answers the request held at once.
func TestFaultDelayEndsWithTheRequest(t *testing.T) {
	t.Run("client gone", func(t *testing.T) {
		h := newHarness(t)
		h.stub.Inject(openapi.ApplyToken, Fault{Delay: time.Minute, Status: 500})
		access := h.accessToken(demoKey, demoSecret)
		_, err := faultClient(200 * time.Millisecond).Do(h.applyRequest(access, applyBody(nil)))
		if err == nil {
			t.Fatal("the client got an answer within a minute's delay")
		}
		start := time.Now()
		h.srv.Close()
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("the delayed request ran on for %v after its client left", took)
		}
	})
	t.Run("StopDelays", func(t *testing.T) {
		h := newHarness(t)
		h.stub.Inject(openapi.TokenByAkSk, Fault{Delay: time.Minute, Status: 500})
		got := make(chan int, 1)
		start := time.Now()
		go func() {
			resp, err := faultClient(time.Minute).Do(h.tokenRequest(demoKey, demoSecret, ""))
			if err != nil {
				got <- 0
				return
			}
			resp.Body.Close()
			got <- resp.StatusCode
		}()
		time.Sleep(200 * time.Millisecond)
		h.stub.StopDelays()
		if status := <-got; status != 500 || time.Since(start) > 10*time.Second {
			t.Errorf("held by a delay, then StopDelays: %d after %v; want 500 at once", status, time.Since(start))
		}
		h.stub.Inject(openapi.TokenByAkSk, Fault{Delay: time.Minute})
		start = time.Now()
		if resp, _ := h.do(h.tokenRequest(demoKey, demoSecret, "")); resp.StatusCode != 200 || time.Since(start) > 10*time.Second {
			t.Errorf("a delay after StopDelays: %d after %v; want 200 at once", resp.StatusCode, time.Since(start))
		}
	})
}

// TestFaultDelayCallerGoneAnswersNothing: a client that half-closes its
// connection once its request is sent ends the request's context in
// net/http, as one that has gone does. The delay then ends with nothing
// answered, as documented; before the fix the handler returned without a
// word and net/http sent an empty 200, which no operation documents, at
// once instead of the armed status.
func TestFaultDelayCallerGoneAnswersNothing(t *testing.T) {
	h := newHarness(t)
	if err := h.stub.Inject(openapi.TokenByAkSk, Fault{Delay: time.Minute, Status: http.StatusInternalServerError}); err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(h.srv.URL, "http://"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	body := credentials(demoKey, demoSecret)
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: stub\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", openapi.TokenByAkSkPath, len(body), body)
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn)
	if len(got) != 0 || (err != nil && !errors.Is(err, syscall.ECONNRESET)) {
		t.Errorf("a caller gone during a delay was sent %q (%v); want no answer", got, err)
	}
}

// TestFaultDelayCallerGoneDirectCall: a caller of ServeHTTP that is no
// http.Server, whose context ends during a delay, gets nothing written
// and no panic: http.ErrAbortHandler is a signal only net/http reads.
func TestFaultDelayCallerGoneDirectCall(t *testing.T) {
	h := newHarness(t)
	if err := h.stub.Inject(openapi.TokenByAkSk, Fault{Delay: time.Minute, Status: http.StatusInternalServerError}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := h.tokenRequest(demoKey, demoSecret, "").WithContext(ctx)
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); v != nil {
				t.Fatalf("ServeHTTP with its context ended during a delay panicked: %v", v)
			}
		}()
		h.stub.ServeHTTP(rec, req)
	}()
	if rec.Body.Len() != 0 || len(rec.Header()) != 0 {
		t.Errorf("a caller gone during a delay was written headers %v and %q; want nothing", rec.Header(), rec.Body.Bytes())
	}
}

// TestFaultKinds: each broken answer as a client sees it, over HTTP/1.1,
// and the next call answered as usual.
func TestFaultKinds(t *testing.T) {
	h := newHarness(t)
	c := faultClient(10 * time.Second)
	example := []byte(openapi.Operations()[1].Response(200).Example) // tokenByAkSk
	if openapi.Operations()[1].ID != openapi.TokenByAkSk {
		t.Fatal("openapi.Operations() changed its order")
	}
	t.Run("reset", func(t *testing.T) {
		h.stub.Inject(openapi.TokenByAkSk, Fault{Kind: FaultReset})
		_, err := c.Do(h.tokenRequest(demoKey, demoSecret, ""))
		t.Logf("reset: %v", err)
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("reset: %v; want a connection reset", err)
		}
		// The access log says nothing was sent, and why.
		const want = "op=tokenByAkSk status=0 "
		for deadline := time.Now().Add(5 * time.Second); !strings.Contains(h.log.String(), want) && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		if log := h.log.String(); !strings.Contains(log, want) || !strings.Contains(log, "fault=reset") {
			t.Errorf("the access log of a reset has no %q with fault=reset:\n%s", want, log)
		}
	})
	t.Run("truncate", func(t *testing.T) {
		h.stub.Inject(openapi.TokenByAkSk, Fault{Kind: FaultTruncate})
		resp, err := c.Do(h.tokenRequest(demoKey, demoSecret, ""))
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("truncate: %d, %d of %s bytes, then %v", resp.StatusCode, len(body), resp.Header.Get("Content-Length"), err)
		if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) || len(body) != len(example)/2 || !bytes.HasPrefix(example, body) {
			t.Errorf("truncate: %d, %d bytes, %v; want 200 and the first %d bytes of the example, then an unexpected EOF", resp.StatusCode, len(body), err, len(example)/2)
		}
		if cl := resp.Header.Get("Content-Length"); cl != strconv.Itoa(len(example)) || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("truncate: Content-Length %q, Cache-Control %q; want %d and the documented no-store", cl, resp.Header.Get("Cache-Control"), len(example))
		}
	})
	t.Run("malformed", func(t *testing.T) {
		h.stub.Inject(openapi.TokenByAkSk, Fault{Kind: FaultMalformed})
		resp, err := c.Do(h.tokenRequest(demoKey, demoSecret, ""))
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || err != nil || string(body) != malformedBody || resp.Header.Get("Content-Type") != jsonContentType {
			t.Errorf("malformed: %d %q %q %v; want 200 with a JSON Content-Type and %q", resp.StatusCode, resp.Header.Get("Content-Type"), body, err, malformedBody)
		}
	})
	if resp, _ := h.do(h.tokenRequest(demoKey, demoSecret, "")); resp.StatusCode != 200 {
		t.Errorf("after the faults: %d; want 200", resp.StatusCode)
	}
}

// TestFaultKindsHTTP2: HTTP/2 cannot hijack; reset and truncate reset the
// stream instead, and the connection serves the next request.
func TestFaultKindsHTTP2(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewUnstartedServer(h.stub)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	c := srv.Client()
	c.Timeout = 10 * time.Second
	req := func() *http.Request {
		r := h.tokenRequest(demoKey, demoSecret, "")
		r.URL.Scheme, r.URL.Host = "https", strings.TrimPrefix(srv.URL, "https://")
		return r
	}
	h.stub.Inject(openapi.TokenByAkSk, Fault{Kind: FaultReset})
	_, err := c.Do(req())
	t.Logf("reset over HTTP/2: %v", err)
	if err == nil || !strings.Contains(err.Error(), "INTERNAL_ERROR") {
		t.Errorf("reset over HTTP/2: %v; want a stream reset", err)
	}
	h.stub.Inject(openapi.TokenByAkSk, Fault{Kind: FaultTruncate})
	resp, err := c.Do(req())
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	t.Logf("truncate over HTTP/2: %d, then %v", resp.StatusCode, err)
	if resp.ProtoMajor != 2 || err == nil || !strings.Contains(err.Error(), "INTERNAL_ERROR") {
		t.Errorf("truncate over HTTP/%d: read %v; want the stream reset mid-body", resp.ProtoMajor, err)
	}
	resp, err = c.Do(req())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after the faults: %d", resp.StatusCode)
	}
}

// TestFaultsQueue: FailNext and Inject share one queue per operation, in
// order; another operation's queue is its own.
func TestFaultsQueue(t *testing.T) {
	h := newHarness(t)
	h.stub.FailNext(openapi.TokenByAkSk, 500)
	h.stub.Inject(openapi.TokenByAkSk, Fault{Kind: FaultMalformed})
	h.stub.Inject(openapi.ApplyToken, Fault{Status: 401})
	h.stub.FailNext(openapi.TokenByAkSk, 401)
	c := faultClient(10 * time.Second)
	var got []string
	for range 4 {
		resp, err := c.Do(h.tokenRequest(demoKey, demoSecret, ""))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got = append(got, strconv.Itoa(resp.StatusCode)+" "+strings.TrimSpace(string(body))[:8])
	}
	want := []string{"500 {\"errorC", "200 not JSON", "401 {\"errorC", "200 {\"Access"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("answers %q; want %q", got, want)
	}
	if resp, _ := h.do(h.applyRequest(h.accessToken(demoKey, demoSecret), applyBody(nil))); resp.StatusCode != 401 {
		t.Errorf("applyToken's own queue: %d; want 401", resp.StatusCode)
	}
}

// TestFaultsConcurrent: faults armed and met from many goroutines are
// each met once.
func TestFaultsConcurrent(t *testing.T) {
	h := newHarness(t)
	const n = 40
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { h.stub.Inject(openapi.TokenByAkSk, Fault{Status: 500}) })
	}
	wg.Wait()
	statuses := make(chan int, n+1)
	for range n + 1 {
		wg.Go(func() {
			resp, err := faultClient(10 * time.Second).Do(h.tokenRequest(demoKey, demoSecret, ""))
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[500] != n || count[200] != 1 {
		t.Errorf("statuses %v; want %d × 500 and one 200", count, n)
	}
}

// TestFaultDelayPastWriteTimeout: the Stub in an http.Server of the
// embedder's, whose WriteTimeout is shorter than a fault's delay, still
// gives the answer the fault promised, after the delay, over HTTP/1.1
// and HTTP/2: the delay moves the write deadline out. A wrapper that
// hides the server's ResponseWriter cannot move it, and the loss is
// logged with both durations.
func TestFaultDelayPastWriteTimeout(t *testing.T) {
	const (
		// The answer, written after the delay, has the whole WriteTimeout:
		// half a second is room for a loaded machine under -race, and a
		// delay past it loses the answer without holdWriteDeadline.
		writeTimeout = 500 * time.Millisecond
		delay        = writeTimeout + 100*time.Millisecond
	)
	start := func(t *testing.T, h *harness, handler http.Handler, http2 bool) (*http.Client, func() *http.Request) {
		srv := httptest.NewUnstartedServer(handler)
		srv.Config.WriteTimeout = writeTimeout
		if http2 {
			srv.EnableHTTP2 = true
			srv.StartTLS()
		} else {
			srv.Start()
		}
		t.Cleanup(srv.Close)
		c := srv.Client()
		c.Timeout = 10 * time.Second
		if !http2 {
			c.Transport.(*http.Transport).DisableKeepAlives = true // as faultClient
		}
		return c, func() *http.Request {
			r := h.tokenRequest(demoKey, demoSecret, "")
			r.URL.Scheme, r.URL.Host, _ = strings.Cut(srv.URL, "://")
			return r
		}
	}
	for name, http2 := range map[string]bool{"HTTP/1.1": false, "HTTP/2": true} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			c, req := start(t, h, h.stub, http2)
			for _, tc := range []struct {
				f    Fault
				want int
			}{
				{Fault{Delay: delay}, 200},
				{Fault{Delay: delay, Status: 500}, 500},
				{Fault{Delay: delay, Kind: FaultMalformed}, 200},
			} {
				h.stub.Inject(openapi.TokenByAkSk, tc.f)
				began := time.Now()
				resp, err := c.Do(req())
				took := time.Since(began)
				if err != nil {
					t.Errorf("%v with WriteTimeout %v: no answer after %v: %v", tc.f, writeTimeout, took, err)
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.want || err != nil || len(body) == 0 || took < delay || (resp.ProtoMajor == 2) != http2 {
					t.Errorf("%v: HTTP/%d %d after %v, %d bytes, %v; want %d after %v or more", tc.f, resp.ProtoMajor, resp.StatusCode, took, len(body), err, tc.want, delay)
				}
			}
			if strings.Contains(h.log.String(), "level=WARN") {
				t.Errorf("a warning where the deadline could be moved:\n%s", h.log)
			}
		})
	}
	t.Run("writer hidden", func(t *testing.T) {
		h := newHarness(t)
		hidden := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.stub.ServeHTTP(struct{ http.ResponseWriter }{w}, r) // no Unwrap
		})
		c, req := start(t, h, hidden, false)
		h.stub.Inject(openapi.TokenByAkSk, Fault{Delay: writeTimeout / 4, Status: 500})
		if resp, err := c.Do(req()); err != nil || resp.StatusCode != 500 {
			t.Errorf("a delay within WriteTimeout behind a wrapper: %v; want 500", err)
		} else {
			resp.Body.Close()
		}
		if strings.Contains(h.log.String(), "level=WARN") {
			t.Errorf("a warning for a delay within WriteTimeout:\n%s", h.log)
		}
		h.stub.Inject(openapi.TokenByAkSk, Fault{Delay: delay, Status: 500})
		if resp, err := c.Do(req()); err == nil {
			resp.Body.Close()
			t.Logf("the answer came through anyway: %d", resp.StatusCode)
		}
		want := fmt.Sprintf(`level=WARN msg="fault delay outlives the server's WriteTimeout; the answer will be lost" delay=%v writeTimeout=%v`, delay, writeTimeout)
		if log := h.log.String(); !strings.Contains(log, want) {
			t.Errorf("the log does not say why the answer is lost; want %q in:\n%s", want, log)
		}
	})
}
