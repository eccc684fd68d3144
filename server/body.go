package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sync"
)

// body is a request body read into memory: the Body of the request that
// the rules and the generated handlers read (see capBody). It carries the
// value the rules checked, which the generated strict handler binds
// instead of decoding the body again: oapi-codegen's runtime.BindJSONBody
// takes it from ValidatedValue, and matches member names exactly, where
// encoding/json would also bind "CHANNELID" to channelId, a member the
// rules never checked.
type body struct {
	bytes.Reader
	buf   bytes.Buffer
	value any
	req   http.Request // the copy of the request that reads the body
}

func (*body) Close() error { return nil }

// request returns a copy of r whose Body is b, pooled with b: r itself is
// never changed (see capBody).
func (b *body) request(r *http.Request) *http.Request {
	b.req = *r
	b.req.Body, b.req.ContentLength = b, int64(len(b.Bytes()))
	return &b.req
}

// Bytes returns the body; it is valid until releaseBody.
func (b *body) Bytes() []byte { return b.buf.Bytes() }

// ValidatedValue is the body's value as the rules checked it, numbers as
// json.Number (rules.Operation.DecodeRequest).
func (b *body) ValidatedValue() any { return b.value }

// unchecked is b without ValidatedValue, for a body the rules have no
// value of (an empty one): runtime.BindJSONBody would bind nil as a zero
// value, where it reads an empty body as one left out.
func (b *body) unchecked() io.ReadCloser { return io.NopCloser(&b.Reader) }

var bodies = sync.Pool{New: func() any { return new(body) }}

// errTooLarge reports a body over the cap.
var errTooLarge = errors.New("body over the cap")

// readBody reads r's whole body, once, into a pooled buffer, so that the
// rules and the generated handlers read memory, not the network. A body
// declared or found to be longer than limit is errTooLarge; it is never
// read past the cap. Any other error is a body cut off or timed out, when
// nobody is likely listening. The caller returns b with releaseBody.
//
// r.Body is read through an http.MaxBytesReader on the connection's own
// writer, which is what lets net/http close the connection after an
// oversized body instead of draining it; r itself is left as it is (see
// capBody).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) (*body, error) {
	if r.ContentLength > limit {
		return nil, errTooLarge
	}
	src := r.Body
	if src == nil {
		src = http.NoBody
	}
	b := bodies.Get().(*body)
	b.buf.Reset()
	if r.ContentLength > 0 {
		b.buf.Grow(int(r.ContentLength))
	}
	_, err := b.buf.ReadFrom(http.MaxBytesReader(connWriter(w), src, limit))
	if err != nil {
		releaseBody(b, limit)
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			return nil, errTooLarge
		}
		return nil, err
	}
	b.Reader.Reset(b.Bytes())
	return b, nil
}

func releaseBody(b *body, limit int64) {
	if b != nil && int64(b.buf.Cap()) <= 2*limit {
		b.Reader.Reset(nil)
		b.value, b.req = nil, http.Request{}
		bodies.Put(b)
	}
}
