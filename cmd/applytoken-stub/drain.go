package main

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// drainer stops a server without dropping a request it has read.
//
// http.Server.Shutdown alone drops one: a connection that reads its
// request after Shutdown has begun is closed without an answer (the
// server's loop checks for shutdown right after reading; golang/go#75591),
// so under load a client that has written its whole request reads EOF.
// The drainer stops the server in an order where that cannot happen:
//
//  1. every answer from now on says Connection: close (HTTP/2: a GOAWAY
//     once the stream ends), so no connection is kept for another request;
//  2. the listener is closed, so nothing new is accepted (connections
//     still in the kernel's backlog are reset: they sent nothing the
//     server read);
//  3. it waits, through ConnState, until no connection is new (its request
//     not read yet) or active, and every idle one has been idle for
//     idleGrace, time for a client that had just been answered to send
//     its next request, which then gets its answer with Connection: close;
//  4. then Shutdown, which finds only quiet idle connections and closes
//     them.
//
// An idle connection closed in step 4 still races a client that sends on
// it at that very moment, as any HTTP/1.1 server's close of an idle
// connection does (RFC 9112, section 9.6); the grace keeps that to
// clients idle for longer than it, whose requests Go's Transport and most
// others retry when they are idempotent.
type drainer struct {
	draining atomic.Bool
	mu       sync.Mutex
	conns    map[net.Conn]connState
}

type connState struct {
	state http.ConnState
	since time.Time
}

// newDrainer tracks srv's connections and puts the Connection: close of
// a drain in front of its handler. Call it before srv serves.
func newDrainer(srv *http.Server) *drainer {
	d := &drainer{conns: map[net.Conn]connState{}}
	prev := srv.ConnState
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		d.track(c, st)
		if prev != nil {
			prev(c, st)
		}
	}
	next := srv.Handler
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
	return d
}

func (d *drainer) track(c net.Conn, st http.ConnState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(d.conns, c)
	default:
		d.conns[c] = connState{st, time.Now()}
	}
}

// busy reports whether a connection may still carry a request to answer.
func (d *drainer) busy(now time.Time, idleGrace time.Duration) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.conns {
		if c.state != http.StateIdle || now.Sub(c.since) < idleGrace {
			return true
		}
	}
	return false
}

// drain stops srv, serving on ln (Serve's result comes on served), as
// the type's documentation says, within ctx. Its error is Shutdown's: ctx
// ended with requests still in flight.
func (d *drainer) drain(ctx context.Context, srv *http.Server, ln net.Listener, served <-chan error, idleGrace time.Duration) error {
	d.draining.Store(true)
	ln.Close()
	select {
	case <-served: // Serve has returned: it tracks no listener Shutdown would close again
	case <-ctx.Done():
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for d.busy(time.Now(), idleGrace) && ctx.Err() == nil {
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
	}
	return srv.Shutdown(ctx)
}
