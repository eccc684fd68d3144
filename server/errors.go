package server

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/aicc-kit/applytoken/gen"
)

// jsonContentType is the media type of every JSON answer: the vendor
// documents the charset, and the generated encoders leave it out.
const jsonContentType = "application/json; charset=UTF-8"

// apiError is one answer with the contract's Error body. Its text is fixed
// here, or built from names the contract itself uses, so that no answer
// ever repeats what a caller sent or what failed inside.
type apiError struct {
	status int
	code   string // errorCode
	info   string // exceptionInfo
}

// The errors the stub answers with. The wording follows the vendor's pages
// where they have one, down to the 403's.
var (
	errInvalidRequest = &apiError{http.StatusBadRequest, "invalid_request", "Incorrect request. Check the request path and parameters."}
	errUnauthorized   = &apiError{http.StatusUnauthorized, "unauthorized", "Unauthorized operation. Check whether you have purchased related services and the status of your account."}
	errInvalidClient  = &apiError{http.StatusUnauthorized, "invalid_client", "Unauthorized operation. Check the app key and app secret."}
	errInvalidToken   = &apiError{http.StatusForbidden, "invalid_token", "auth fail! illegal or expired token info. please apply or refresh the access token from the server!"}
	errNotFound       = &apiError{http.StatusNotFound, "not_found", "The requested content is not found. Check the request path."}
	errMethod         = &apiError{http.StatusMethodNotAllowed, "method_not_allowed", "The method is not allowed on this path. Use POST."}
	errTooLarge       = &apiError{http.StatusRequestEntityTooLarge, "payload_too_large", "The request body is larger than " + strconv.Itoa(maxBody) + " bytes."}
	errBusiness       = &apiError{http.StatusInternalServerError, "business_failure", "Business failure. Check the values of parameters in the request."}
	errInternal       = &apiError{http.StatusInternalServerError, "internal_error", "Internal error. Try again later."}
)

// badRequest is a 400 that says which part of the request is wrong, in the
// contract's words (see invalidRequest).
func badRequest(err error) *apiError {
	reason := "the request does not match the contract"
	if ir, ok := err.(*invalidRequest); ok {
		reason = ir.reason
	}
	return &apiError{http.StatusBadRequest, errInvalidRequest.code,
		"Incorrect request: " + reason + ". Check the request path and parameters."}
}

// faultError is the answer FailNext arms for status, which New has
// checked against the operation's documented statuses.
func faultError(op operation, status int) *apiError {
	switch status {
	case http.StatusBadRequest:
		return errInvalidRequest
	case http.StatusUnauthorized:
		if op == opTokenByAkSk {
			return errInvalidClient
		}
		return errUnauthorized
	case http.StatusForbidden:
		return errInvalidToken
	case http.StatusNotFound:
		return errNotFound
	case http.StatusRequestEntityTooLarge:
		return errTooLarge
	}
	return errInternal
}

func (e *apiError) body() gen.Error {
	return gen.Error{ErrorCode: e.code, ExceptionInfo: e.info}
}

// writeError answers with e for op, unless an answer has already begun,
// with the headers the contract requires beside that status.
func writeError(w http.ResponseWriter, op operation, e *apiError) {
	if rw, ok := w.(*responseWriter); ok && rw.wroteHeader {
		return
	}
	body, _ := json.Marshal(e.body()) // two strings: cannot fail
	body = append(body, '\n')
	h := w.Header()
	h.Set("Content-Type", jsonContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if e.status == http.StatusUnauthorized && op == opApplyToken {
		h.Set("WWW-Authenticate", "Bearer")
	}
	w.WriteHeader(e.status)
	w.Write(body)
}
