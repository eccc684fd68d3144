package client

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestMessagingTokenSourceRefreshAtMargin(t *testing.T) {
	for _, margin := range []time.Duration{defaultRefreshMargin, 0, 10 * time.Minute} {
		t.Run(margin.String(), func(t *testing.T) {
			u := newUpstream(t)
			clock := newFakeClock()
			start := clock.Now()
			opts := []Option{WithClock(clock.Now)}
			if margin != defaultRefreshMargin {
				opts = append(opts, WithRefreshMargin(margin))
			}
			ts := u.newClient(t, opts...).TokenSource(testRequest)
			ctx := context.Background()

			tok, err := ts.Token(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tok.Value != "mt-1" || !tok.Expiry.Equal(start.Add(time.Hour)) {
				t.Fatalf("Token = %+v; want mt-1 expiring at %v", tok, start.Add(time.Hour))
			}
			refreshAt := start.Add(time.Hour - margin)

			clock.Set(refreshAt.Add(-time.Nanosecond))
			if tok, err = ts.Token(ctx); err != nil || tok.Value != "mt-1" {
				t.Fatalf("1ns before the margin: Token = %v, %v; want the cached mt-1", tok, err)
			}
			clock.Set(refreshAt)
			if tok, err = ts.Token(ctx); err != nil || tok.Value != "mt-2" {
				t.Fatalf("at the margin: Token = %v, %v; want a new mt-2", tok, err)
			}
			if got := u.applyCalls.Load(); got != 2 {
				t.Errorf("applyToken calls = %d; want 2", got)
			}
		})
	}
}

func TestMessagingTokenSourceSingleFlight(t *testing.T) {
	u := newUpstream(t)
	release := make(chan struct{})
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		<-release // hold the first call until everyone is waiting
		writeJSON(w, http.StatusOK, `{"token":"mt","resultCode":"0"}`)
	})
	ts := u.newClient(t).TokenSource(testRequest)

	const n = 1000
	var wg, started sync.WaitGroup
	errs := make(chan error, n)
	started.Add(n)
	for range n {
		wg.Go(func() {
			started.Done()
			tok, err := ts.Token(context.Background())
			if err == nil && tok.Value != "mt" {
				err = errors.New("got " + tok.Value)
			}
			errs <- err
		})
	}
	started.Wait()
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := u.applyCalls.Load(); got != 1 {
		t.Errorf("applyToken calls from %d goroutines = %d; want 1", n, got)
	}
}

func TestMessagingTokenSourceWaitHonoursContext(t *testing.T) {
	u := newUpstream(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		writeJSON(w, http.StatusOK, `{"token":"mt","resultCode":"0"}`)
	})
	ts := u.newClient(t).TokenSource(testRequest)
	done := make(chan error)
	go func() {
		_, err := ts.Token(context.Background())
		done <- err
	}()
	<-entered

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ts.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting Token error = %v; want context.DeadlineExceeded", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("first Token: %v", err)
	}
}

func TestMessagingTokenSourceErrorIsNotCached(t *testing.T) {
	u := newUpstream(t)
	fail := true
	var mu sync.Mutex
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			writeJSON(w, http.StatusInternalServerError, `{"errorCode":"e","exceptionInfo":"i"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"token":"mt","resultCode":"0"}`)
	})
	ts := u.newClient(t).TokenSource(testRequest)
	if _, err := ts.Token(context.Background()); !errors.Is(err, ErrServer) {
		t.Fatalf("Token error = %v; want ErrServer", err)
	}
	mu.Lock()
	fail = false
	mu.Unlock()
	if tok, err := ts.Token(context.Background()); err != nil || tok.Value != "mt" {
		t.Fatalf("Token after recovery = %v, %v; want mt", tok, err)
	}
}

func TestMessagingTokenSourceInvalidate(t *testing.T) {
	u := newUpstream(t)
	ts := u.newClient(t).TokenSource(testRequest)
	ctx := context.Background()
	first, err := ts.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ts.Invalidate()
	second, err := ts.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first.Value == second.Value || u.applyCalls.Load() != 2 {
		t.Errorf("after Invalidate: %q then %q with %d calls; want a new token from a second call", first.Value, second.Value, u.applyCalls.Load())
	}
	// The conditional form leaves a newer token alone.
	ts.tokens.invalidate(first)
	if third, _ := ts.Token(ctx); third != second {
		t.Errorf("invalidate(old) dropped the current token")
	}
}

func TestMessagingTokenSourceInvalidRequest(t *testing.T) {
	u := newUpstream(t)
	ts := u.newClient(t).TokenSource(ApplyTokenRequest{UserID: "u"})
	var verr *ValidationError
	// The first of the contract's violations, in kin-openapi's order
	// (properties by name): channelId.
	if _, err := ts.Token(context.Background()); !errors.As(err, &verr) || verr.Field != "channelId" {
		t.Errorf("Token error = %v; want a ValidationError for channelId", err)
	}
	if n := u.akskCalls.Load() + u.applyCalls.Load(); n != 0 {
		t.Errorf("%d requests went on the wire; want none", n)
	}
}

// BenchmarkMessagingTokenSourceWarm measures Token on a warm cache: the
// per-request cost every Transport call pays.
func BenchmarkMessagingTokenSourceWarm(b *testing.B) {
	ts := newUpstream(b).newClient(b).TokenSource(testRequest)
	ctx := context.Background()
	if _, err := ts.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ts.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMessagingTokenSourceWarmParallel(b *testing.B) {
	ts := newUpstream(b).newClient(b).TokenSource(testRequest)
	if _, err := ts.Token(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if _, err := ts.Token(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// TestTokenCarriesTheWholeResult: what ApplyToken returns holds the whole
// 200 body, and its Expiry is the request's start plus the answer's
// lifetime (the vendor's hour).
func TestTokenCarriesTheWholeResult(t *testing.T) {
	u := newUpstream(t)
	u.setApply(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"token":"mt-x","resultCode":"0","resultDesc":"issued"}`)
	})
	clock := newFakeClock()
	start := clock.Now()
	tok, err := u.newClient(t, WithClock(clock.Now)).ApplyToken(context.Background(), testRequest)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Result.Token != tok.Value || tok.Result.ResultCode != "0" || tok.Result.ResultDesc == nil || *tok.Result.ResultDesc != "issued" {
		t.Errorf("Result = %+v; want the whole answer", tok.Result)
	}
	life, ok := tok.Result.Lifetime()
	if !ok || life != time.Hour || !tok.Expiry.Equal(start.Add(life)) {
		t.Errorf("Expiry = %v, Lifetime = %v, %v; want %v, one hour", tok.Expiry, life, ok, start.Add(time.Hour))
	}
}
