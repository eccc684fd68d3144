package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sync"
)

// maxBody is the cap on a request body, documented in the contract as the
// stub's own (413).
const maxBody = 64 << 10

var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads r's whole body, once, into a pooled buffer and points
// r.Body at it, so that validation and decoding read memory, not the
// network. A body declared or found to be over the cap is a 413; it is
// never read past the cap. The caller returns buf with releaseBody.
//
// r.Body must already be an http.MaxBytesReader (ServeHTTP sets it up on
// the connection's own writer, which is what lets net/http close the
// connection after an oversized body instead of draining it).
func readBody(r *http.Request) (buf *bytes.Buffer, e *apiError) {
	if r.ContentLength > maxBody {
		return nil, errTooLarge
	}
	buf = bodyBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(r.Body)
	if err != nil {
		releaseBody(buf)
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			return nil, errTooLarge
		}
		return nil, errInvalidRequest // cut off or timed out mid-body: nobody is likely listening
	}
	r.Body = io.NopCloser(bytes.NewReader(buf.Bytes()))
	r.ContentLength = int64(buf.Len())
	return buf, nil
}

func releaseBody(buf *bytes.Buffer) {
	if buf != nil && buf.Cap() <= 2*maxBody {
		bodyBuffers.Put(buf)
	}
}
