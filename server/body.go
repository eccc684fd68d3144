package server

import (
	"bytes"
	"errors"
	"net/http"
	"sync"
)

// maxBody is the cap on a request body, documented in the contract as the
// stub's own (413).
const maxBody = 64 << 10

// body is a request body read into memory, and the reader r.Body is
// pointed at, pooled together.
type body struct {
	buf bytes.Buffer
	rd  bodyReader
}

type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

// Bytes returns the body; it is valid until releaseBody.
func (b *body) Bytes() []byte { return b.buf.Bytes() }

var bodyBuffers = sync.Pool{New: func() any { return new(body) }}

// readBody reads r's whole body, once, into a pooled buffer, so that
// validation and decoding read memory, not the network; b.rd reads it
// again. A body declared or found to be over the cap is a 413; it is never
// read past the cap. The caller returns b with releaseBody.
//
// r.Body is read through an http.MaxBytesReader on w, the connection's own
// writer, which is what lets net/http close the connection after an
// oversized body instead of draining it; r itself is left as it is (see
// ServeHTTP).
func readBody(w http.ResponseWriter, r *http.Request) (b *body, e *apiError) {
	if r.ContentLength > maxBody {
		return nil, errTooLarge
	}
	src := r.Body
	if src == nil {
		src = http.NoBody
	}
	b = bodyBuffers.Get().(*body)
	buf := &b.buf
	buf.Reset()
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, src, maxBody))
	if err != nil {
		releaseBody(b)
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			return nil, errTooLarge
		}
		return nil, errInvalidRequest // cut off or timed out mid-body: nobody is likely listening
	}
	b.rd.Reset(buf.Bytes())
	return b, nil
}

func releaseBody(b *body) {
	if b != nil && b.buf.Cap() <= 2*maxBody {
		b.rd.Reset(nil)
		bodyBuffers.Put(b)
	}
}
