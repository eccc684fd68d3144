package client

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

type value struct {
	n      int
	expiry time.Time
}

// newTestCache returns a cache over a counter whose values live life (0:
// forever), with a margin of one minute on clock.
func newTestCache(now func() time.Time, life time.Duration) (*cache[value], *atomic.Int32) {
	var calls atomic.Int32
	fetch := func(context.Context) (*value, error) {
		v := &value{n: int(calls.Add(1))}
		if life != 0 {
			v.expiry = now().Add(life)
		}
		return v, nil
	}
	return newCache("a value", now, time.Minute, func(v *value) time.Time { return v.expiry }, fetch), &calls
}

func TestCacheDueAtTheMargin(t *testing.T) {
	clock := newFakeClock()
	start := clock.Now()
	c, calls := newTestCache(clock.Now, 10*time.Minute)
	ctx := context.Background()
	get := func() int {
		v, err := c.get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v.n
	}
	if get() != 1 {
		t.Fatal("first get did not fetch")
	}
	clock.Set(start.Add(9*time.Minute - time.Nanosecond))
	if n := get(); n != 1 {
		t.Errorf("1ns before the margin: value %d; want the cached 1", n)
	}
	clock.Set(start.Add(9 * time.Minute))
	if n := get(); n != 2 || calls.Load() != 2 {
		t.Errorf("at the margin: value %d after %d fetches; want 2 after 2", n, calls.Load())
	}
}

func TestCacheZeroExpiryNeverDue(t *testing.T) {
	clock := newFakeClock()
	c, calls := newTestCache(clock.Now, 0)
	for range 3 {
		if _, err := c.get(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock.Advance(1000 * time.Hour)
	}
	if calls.Load() != 1 {
		t.Errorf("fetches = %d; want 1", calls.Load())
	}
}

// TestCacheShortValueUsedOnce: a value that lives less than the margin is
// returned by the get that fetched it, and fetched again by the next.
func TestCacheShortValueUsedOnce(t *testing.T) {
	c, calls := newTestCache(newFakeClock().Now, time.Second)
	for i := 1; i <= 3; i++ {
		if v, err := c.get(context.Background()); err != nil || v.n != i {
			t.Fatalf("get %d = %v, %v; want value %d", i, v, err, i)
		}
	}
	if calls.Load() != 3 {
		t.Errorf("fetches = %d; want 3", calls.Load())
	}
}

func TestCacheInvalidateAndReplaceOnlyTheCurrent(t *testing.T) {
	c, _ := newTestCache(newFakeClock().Now, time.Hour)
	ctx := context.Background()
	first, _ := c.get(ctx)
	c.invalidate(first)
	second, _ := c.get(ctx)
	if second == first {
		t.Fatal("invalidate(current) kept it")
	}
	c.invalidate(first)
	if v, _ := c.get(ctx); v != second {
		t.Error("invalidate(old) dropped the current value")
	}
	rotated := &value{n: 100}
	c.replace(first, rotated)
	if v, _ := c.get(ctx); v != second {
		t.Error("replace(old, _) displaced the current value")
	}
	c.replace(second, rotated)
	if v, _ := c.get(ctx); v != rotated {
		t.Error("replace(current, rotated) did not take")
	}
	c.drop()
	if v, _ := c.get(ctx); v == rotated {
		t.Error("drop kept the value")
	}
}

func TestCacheErrorsAreNotCachedAndWaitersGiveUp(t *testing.T) {
	boom := errors.New("boom")
	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	c := newCache("a value", time.Now, 0, func(v *value) time.Time { return v.expiry }, func(context.Context) (*value, error) {
		if calls.Add(1) == 1 {
			return nil, boom
		}
		close(entered)
		<-release
		return &value{}, nil
	})
	if _, err := c.get(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("get = %v; want %v", err, boom)
	}
	done := make(chan error)
	go func() {
		_, err := c.get(context.Background())
		done <- err
	}()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.get(ctx); !errors.Is(err, context.DeadlineExceeded) || err.Error() != "client: waiting for a value: context deadline exceeded" {
		t.Errorf("waiting get = %v; want the deadline, naming the value", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("fetching get: %v", err)
	}
}

// TestCacheWaitersShareTheFetch: goroutines that wait while another fetches
// take that fetch's outcome, an error or a value already due, instead of
// fetching once each in turn.
func TestCacheWaitersShareTheFetch(t *testing.T) {
	boom := errors.New("boom")
	for _, tt := range []struct {
		name string
		life time.Duration // of the fetched value; the margin is a minute
		err  error
	}{
		{"error", 0, boom},
		{"value shorter than the margin", time.Second, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				release := make(chan struct{})
				var calls atomic.Int32
				c := newCache("a value", time.Now, time.Minute, func(v *value) time.Time { return v.expiry }, func(context.Context) (*value, error) {
					calls.Add(1)
					<-release
					if tt.err != nil {
						return nil, tt.err
					}
					return &value{expiry: time.Now().Add(tt.life)}, nil
				})
				const n = 10
				errs := make(chan error, n)
				for range n {
					go func() {
						_, err := c.get(context.Background())
						errs <- err
					}()
				}
				synctest.Wait() // one fetching, the others waiting for it
				close(release)
				for range n {
					if err := <-errs; err != tt.err {
						t.Errorf("get = %v; want %v", err, tt.err)
					}
				}
				if got := calls.Load(); got != 1 {
					t.Errorf("fetches for %d concurrent gets = %d; want 1", n, got)
				}
			})
		})
	}
}

// TestCacheWaitersFetchAfterACanceledFetch: a fetch that ended because its
// own caller gave up is not shared: the next waiter fetches with its own
// context.
func TestCacheWaitersFetchAfterACanceledFetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		c := newCache("a value", time.Now, 0, func(v *value) time.Time { return v.expiry }, func(ctx context.Context) (*value, error) {
			if calls.Add(1) == 1 {
				<-ctx.Done()
				return nil, ctx.Err()
			}
			return &value{}, nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		first := make(chan error, 1)
		go func() {
			_, err := c.get(ctx)
			first <- err
		}()
		synctest.Wait()
		second := make(chan error, 1)
		go func() {
			_, err := c.get(context.Background())
			second <- err
		}()
		synctest.Wait()
		cancel()
		if err := <-first; !errors.Is(err, context.Canceled) {
			t.Errorf("canceled get = %v; want context.Canceled", err)
		}
		if err := <-second; err != nil {
			t.Errorf("waiting get = %v; want its own fetch's value", err)
		}
		if got := calls.Load(); got != 2 {
			t.Errorf("fetches = %d; want 2", got)
		}
	})
}
