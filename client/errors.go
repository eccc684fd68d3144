package client

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Sentinels for the documented statuses, matched with errors.Is against an
// [*APIError]. ErrServer matches every 5xx status.
var (
	ErrBadRequest      = errors.New("client: bad request (400)")
	ErrUnauthorized    = errors.New("client: unauthorized (401)")
	ErrForbidden       = errors.New("client: forbidden (403)")
	ErrNotFound        = errors.New("client: not found (404)")
	ErrPayloadTooLarge = errors.New("client: payload too large (413)")
	ErrServer          = errors.New("client: server error (5xx)")
)

// APIError is an answer that did not carry what was asked for: any status
// other than 200, or a 200 whose body could not be read as the documented
// result. StatusCode is always the status the server sent, even when the
// body was not JSON; ErrorCode and ExceptionInfo come from the documented
// Error body and are empty when it was missing or malformed.
//
// Use errors.As to reach the fields and errors.Is with the sentinels
// (ErrBadRequest and the others) to test the status.
type APIError struct {
	StatusCode    int
	ErrorCode     string
	ExceptionInfo string

	op  string // "tokenByAkSk" or "applyToken"; only for the message
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

// Is reports whether target is the sentinel of e's status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrPayloadTooLarge:
		return e.StatusCode == http.StatusRequestEntityTooLarge
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
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
	msg := "client: applyToken: resultCode " + strconv.Quote(e.ResultCode)
	if e.ResultDesc != "" {
		msg += ": " + e.ResultDesc
	}
	return msg
}

// ValidationError is input refused before anything was sent: Field names
// the offending field as the contract spells it (userId, userName,
// channelId, locale), Reason says which rule it breaks.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("client: invalid %s: %s", e.Field, e.Reason)
}
