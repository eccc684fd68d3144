package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// errorAnswer is an answer with the contract's Error body, encoded once.
// Its text is the contract's example for the status, or fixed here, or
// built from the contract's own words, so that no answer ever repeats what
// a caller sent or what failed inside.
type errorAnswer struct {
	status int
	body   []byte // with the newline the generated encoders end with
}

func newErrorAnswer(status int, e apiserver.Error) errorAnswer {
	b, _ := json.Marshal(e) // two strings: cannot fail
	return errorAnswer{status, append(b, '\n')}
}

// The answers the contract has no example of: outside an operation (404,
// 405), and a failure inside the stub.
var (
	errNotFound = newErrorAnswer(http.StatusNotFound, apiserver.Error{ErrorCode: "not_found", ExceptionInfo: "The requested content is not found. Check the request path."})
	errInternal = newErrorAnswer(http.StatusInternalServerError, apiserver.Error{ErrorCode: "internal_error", ExceptionInfo: "Internal error. Try again later."})
)

func errMethod(allow string) errorAnswer {
	return newErrorAnswer(http.StatusMethodNotAllowed, apiserver.Error{ErrorCode: "method_not_allowed", ExceptionInfo: "The method is not allowed on this path. Use " + allow + "."})
}

// answer returns op's Error answer for status; op may be nil, for a hook
// called outside an operation.
func (op *operation) answer(status int) errorAnswer {
	if op != nil {
		if a, ok := op.answers[status]; ok {
			return a
		}
	}
	return newErrorAnswer(status, errorBody(nil, status))
}

// errorBody returns the Error body the contract shows for op's answer
// with status: that answer's example, or a fixed text when it has none
// (or op is nil).
func errorBody(op *rules.Operation, status int) apiserver.Error {
	if op != nil {
		if resp := op.Response(status); resp != nil && resp.Example != "" {
			var e apiserver.Error
			if json.Unmarshal([]byte(resp.Example), &e) == nil && e.ErrorCode != "" && e.ExceptionInfo != "" {
				return e
			}
		}
	}
	text := http.StatusText(status)
	return apiserver.Error{ErrorCode: strings.ToLower(strings.ReplaceAll(text, " ", "_")), ExceptionInfo: text + "."}
}

// badRequest is the 400 for a broken rule: the contract's errorCode, and a
// text that names the rule in the contract's words (a Violation never
// quotes the request).
func (op *operation) badRequest(v *rules.Violation) errorAnswer {
	e := op.errors[http.StatusBadRequest]
	e.ExceptionInfo = "Incorrect request: " + v.Error() + ". Check the request path and parameters."
	return newErrorAnswer(http.StatusBadRequest, e)
}

// writeError answers a, unless an answer has already begun. The
// responseWriter adds the headers the contract documents for the status.
func writeError(w http.ResponseWriter, a errorAnswer) {
	if rw, ok := w.(*responseWriter); ok && rw.wroteHeader {
		return
	}
	h := w.Header()
	h.Set("Content-Type", jsonContentType)
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	w.Write(a.body)
}
