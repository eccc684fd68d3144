package server

import (
	"net/http"
	"sync"
	"unicode/utf8"

	"github.com/aicc-kit/applytoken/gen"
)

// The 200 answers, the ones every successful call gets, are written here
// rather than by their generated Visit methods, which encode through
// encoding/json's reflection. What goes on the wire is byte for byte what
// Visit writes (then responseWriter's charset), headers included; the
// tests hold the two to that, keeping Visit as the oracle. Every other
// answer is rare and still goes through Visit.

var answerBuffers = sync.Pool{New: func() any { return new([]byte) }}

// writeAnswer writes body as a 200 with the headers a token-bearing
// answer carries, in one Write as Visit does.
func writeAnswer(w http.ResponseWriter, cacheControl string, body []byte) error {
	h := w.Header()
	vals := make([]string, 2) // one allocation for both headers
	vals[0], vals[1] = jsonContentType, cacheControl
	h["Content-Type"], h["Cache-Control"] = vals[0:1:1], vals[1:2:2]
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

func writeApplyToken200(w http.ResponseWriter, resp gen.ApplyToken200JSONResponse) error {
	bp := answerBuffers.Get().(*[]byte)
	defer answerBuffers.Put(bp)
	b := append((*bp)[:0], `{"resultCode":`...)
	b = appendJSONString(b, string(resp.Body.ResultCode))
	if resp.Body.ResultDesc != nil {
		b = append(b, `,"resultDesc":`...)
		b = appendJSONString(b, *resp.Body.ResultDesc)
	}
	b = append(b, `,"token":`...)
	b = appendJSONString(b, resp.Body.Token)
	b = append(b, "}\n"...)
	*bp = b
	return writeAnswer(w, resp.Headers.CacheControl, b)
}

func writeTokenByAkSk200(w http.ResponseWriter, resp gen.TokenByAkSk200JSONResponse) error {
	bp := answerBuffers.Get().(*[]byte)
	defer answerBuffers.Put(bp)
	r := &resp.Body
	b := append((*bp)[:0], `{"AccessToken":`...)
	b = appendJSONString(b, r.AccessToken)
	b = appendOptional(b, `,"AppKey":`, r.AppKey)
	b = append(b, `,"ApplyType":`...)
	b = appendJSONString(b, string(r.ApplyType))
	b = append(b, `,"CreateTime":`...)
	b = appendJSONString(b, r.CreateTime)
	b = append(b, `,"Expires":`...)
	b = appendJSONString(b, r.Expires)
	b = appendOptional(b, `,"Scope":`, r.Scope)
	b = appendOptional(b, `,"UserID":`, r.UserID)
	b = append(b, "}\n"...)
	*bp = b
	return writeAnswer(w, resp.Headers.CacheControl, b)
}

// appendOptional writes an omitempty pointer member: left out when nil.
func appendOptional(b []byte, member string, v *string) []byte {
	if v == nil {
		return b
	}
	return appendJSONString(append(b, member...), *v)
}

// appendJSONString appends s as encoding/json's Encoder writes a string
// (HTML escaping on, its default): quotes and backslashes escaped, control
// bytes as \b \f \n \r \t or \u00XX, <, > and & as \u00XX, each byte that
// is not UTF-8 as \ufffd, and U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonSafe marks the bytes encoding/json writes as they are, with HTML
// escaping on: ASCII from the space up, but for " \ < > and &.
var jsonSafe = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()
