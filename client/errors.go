package client

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/aicc-kit/applytoken/gen/contract"
)

// Sentinels for the statuses a caller most often tells apart, matched with
// errors.Is against an [*APIError]. ErrServer matches every 5xx status.
// Any other status, documented now or later, is in [APIError.StatusCode].
var (
	ErrBadRequest      error = statusSentinel("bad request", http.StatusBadRequest)
	ErrUnauthorized    error = statusSentinel("unauthorized", http.StatusUnauthorized)
	ErrForbidden       error = statusSentinel("forbidden", http.StatusForbidden)
	ErrNotFound        error = statusSentinel("not found", http.StatusNotFound)
	ErrPayloadTooLarge error = statusSentinel("payload too large", http.StatusRequestEntityTooLarge)
	ErrServer          error = &sentinel{text: "client: server error (5xx)", lo: 500, hi: 599}
)

// sentinel is a status class an [*APIError] matches: the statuses lo to hi.
type sentinel struct {
	text   string
	lo, hi int
}

func statusSentinel(what string, status int) *sentinel {
	return &sentinel{text: "client: " + what + " (" + strconv.Itoa(status) + ")", lo: status, hi: status}
}

func (s *sentinel) Error() string { return s.text }

// APIError is an answer that did not carry what was asked for: any status
// other than 200, or a 200 whose body was not the contract's result.
// StatusCode is always the status the server sent, even when the body was
// not JSON; ErrorCode and ExceptionInfo come from the contract's Error body
// and are empty when it was missing or malformed. Header holds the
// answer's headers, so that those the contract documents for a status
// (WWW-Authenticate, Retry-After, ...) are readable. Body is a non-200
// answer's body as it came, for a property the contract adds to its Error
// body before this package is regenerated; it is nil for a 200, whose
// body may carry a token.
//
// Use errors.As to reach the fields and errors.Is with the sentinels
// (ErrBadRequest and the others) to test the status.
type APIError struct {
	StatusCode    int
	ErrorCode     string
	ExceptionInfo string
	Header        http.Header
	Body          []byte

	op  string // the operationId; only for the message
	err error  // why the body could not be decoded, if it could not
}

func (e *APIError) Error() string {
	msg := "client: "
	if e.op != "" {
		msg += e.op + ": "
	}
	msg += strconv.Itoa(e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		msg += " " + text
	}
	if e.ErrorCode != "" {
		msg += ": " + e.ErrorCode
	}
	if e.ExceptionInfo != "" {
		msg += ": " + e.ExceptionInfo
	}
	if e.err != nil {
		msg += ": " + e.err.Error()
	}
	return msg
}

// Is reports whether target is a sentinel that matches e's status.
func (e *APIError) Is(target error) bool {
	s, ok := target.(*sentinel)
	return ok && s.lo <= e.StatusCode && e.StatusCode <= s.hi
}

// Unwrap returns why the body could not be decoded, or nil when it could.
func (e *APIError) Unwrap() error { return e.err }

// ResultError is a 200 answer of applyToken with resultCode "1": the
// request was well formed and authenticated, and the platform refused it
// for a business reason (a disabled channel, for example), given in
// ResultDesc when the server says why.
type ResultError struct {
	ResultCode string
	ResultDesc string
}

func (e *ResultError) Error() string {
	msg := "client: " + contract.OpApplyToken + ": resultCode " + strconv.Quote(e.ResultCode)
	if e.ResultDesc != "" {
		msg += ": " + e.ResultDesc
	}
	return msg
}

// ValidationError is input refused before anything was sent: Field names
// the offending field as the contract spells it on the wire ("userId"; a
// path such as "items/0/name" deeper down), Reason says which rule of the
// contract it breaks ("must be at most 32 characters").
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("client: invalid %s: %s", e.Field, e.Reason)
}
