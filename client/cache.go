package client

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// cache keeps one value that expires, for any number of goroutines. Both
// legs of the chain use it: the Client's AccessToken and each
// [MessagingTokenSource]'s ccmessaging-token.
//
// It is oauth2's reuse layer, plus what the vendor's documentation asks of
// a client (and so, deliberately, more than oauth2 does): a value the
// server refused can be dropped, and replaced by one it rotated in.
//
//   - get reads an atomic pointer, without a lock: one load, one clock read.
//   - A value is due margin before its expiry; a zero expiry never is.
//   - Refreshes are single-flighted behind a channel semaphore, so that a
//     waiter can give up when its context ends. The goroutines that waited
//     while another fetched take that fetch's outcome, its error included,
//     as x/sync/singleflight's callers do: a failing upstream is asked once,
//     not once per waiter in turn. A fetch that ended with its own caller's
//     context is not shared; the next waiter fetches with its own.
//   - A value fetched just now is returned even when it is due already: a
//     token that lives less than the margin is used once (by the fetching
//     goroutine and those that waited for it), then fetched again on the
//     next call.
type cache[T any] struct {
	now    func() time.Time
	margin time.Duration
	expiry func(*T) time.Time
	fetch  func(context.Context) (*T, error)
	what   string // names the value in the error of a waiter that gave up

	cur  atomic.Pointer[cached[T]]
	sem  chan struct{}           // a mutex a waiter can give up on
	last atomic.Pointer[fetched] // the latest fetch whose outcome is shared
}

// fetched is one fetch's outcome for the goroutines that waited for it: its
// error, or nil when it stored a value in cur.
type fetched struct{ err error }

// cached keeps the refresh time next to the value, so that the warm path
// is one clock read and one comparison.
type cached[T any] struct {
	v         *T
	refreshAt time.Time // zero: never
}

func newCache[T any](what string, now func() time.Time, margin time.Duration, expiry func(*T) time.Time, fetch func(context.Context) (*T, error)) *cache[T] {
	return &cache[T]{now: now, margin: margin, expiry: expiry, fetch: fetch, what: what, sem: make(chan struct{}, 1)}
}

// get returns the value, fetching a new one when there is none or it is
// due. ctx bounds the fetch and the wait for another goroutine's fetch.
func (c *cache[T]) get(ctx context.Context) (*T, error) {
	if e := c.cur.Load(); e != nil && c.fresh(e) {
		return e.v, nil
	}
	return c.refresh(ctx)
}

func (c *cache[T]) fresh(e *cached[T]) bool {
	return e.refreshAt.IsZero() || c.now().Before(e.refreshAt)
}

func (c *cache[T]) refresh(ctx context.Context) (*T, error) {
	seen := c.last.Load()
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("client: waiting for %s: %w", c.what, ctx.Err())
	}
	defer func() { <-c.sem }()
	// Whoever held sem before may have fetched while this goroutine waited.
	if f := c.last.Load(); f != seen {
		if f.err != nil {
			return nil, f.err
		}
		if e := c.cur.Load(); e != nil { // nil: dropped since
			return e.v, nil
		}
	}
	if e := c.cur.Load(); e != nil && c.fresh(e) {
		return e.v, nil
	}
	v, err := c.fetch(ctx)
	if err != nil {
		if ctx.Err() == nil {
			c.last.Store(&fetched{err: err})
		}
		return nil, err
	}
	c.cur.Store(c.entry(v))
	c.last.Store(&fetched{})
	return v, nil
}

func (c *cache[T]) entry(v *T) *cached[T] {
	e := &cached[T]{v: v}
	if exp := c.expiry(v); !exp.IsZero() {
		e.refreshAt = exp.Add(-c.margin)
	}
	return e
}

// drop forgets the value, whichever it is.
func (c *cache[T]) drop() { c.cur.Store(nil) }

// invalidate drops used if it is still the value in the cache, so that
// callers that saw the same refused value cause one fetch, not one each.
func (c *cache[T]) invalidate(used *T) {
	if e := c.cur.Load(); e != nil && e.v == used {
		c.cur.CompareAndSwap(e, nil)
	}
}

// replace puts next in the place of used, unless the cache has moved on
// from used already.
func (c *cache[T]) replace(used, next *T) {
	if e := c.cur.Load(); e != nil && e.v == used {
		c.cur.CompareAndSwap(e, c.entry(next))
	}
}
