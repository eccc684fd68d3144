package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/server"
)

// controlsPrefix is where -controls mounts the test controls. The prefix
// is outside the contract's paths, so the controls never shadow it.
const controlsPrefix = "/_stub/"

// controls serves, with -controls, what servertest offers in-process, so a
// pipeline that runs the binary can drive every documented status:
//
//	POST /_stub/fail-next {"op":"tokenByAkSk","status":500}   the next call of op answers status
//	POST /_stub/fail-next {"op":"applyToken","delay":"1.5s","fault":"reset"}  or a delay, a fault
//	POST /_stub/channel   {"id":"sales","enabled":false}       configure a channel
//	POST /_stub/advance   {"by":"90s"}                         move the stub's clock forward (clock.go)
//	POST /_stub/later-call                                     a later CC-Messaging call (server.Stub.LaterCall)
//
// fail-next, channel and advance answer 204, or 400 with the Error body;
// -h lists them all (usageControls in flags.go). GET /_stub/requests
// answers the request journal, DELETE /_stub/requests empties it (journal.go).
// clock is the stub's clock (its Config.Now), which advance moves.
func controls(stub *server.Stub, clock *offsetClock) http.Handler {
	laterCall := stub.LaterCall()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == server.LaterCallPath && r.Method == http.MethodPost {
			laterCall.ServeHTTP(w, r) // not a control: the stand-in for a later call (faults.go)
			return
		}
		if r.URL.Path == controlsPrefix+"requests" {
			serveJournal(w, r, stub)
			return
		}
		if !postControls[r.URL.Path] && r.URL.Path != server.LaterCallPath {
			writeError(w, http.StatusNotFound, "not_found", "No such control. See applytoken-stub -h.")
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "The method is not allowed on this path. Use POST.")
			return
		}
		var err error
		switch r.URL.Path {
		case controlsPrefix + "fail-next":
			err = failNext(r, stub) // faults.go
		case controlsPrefix + "advance":
			err = advance(r, clock) // clock.go
		case controlsPrefix + "channel":
			var in struct {
				ID      string `json:"id"`
				Enabled *bool  `json:"enabled"`
			}
			if err = decodeControl(r, &in); err == nil {
				if in.ID == "" || in.Enabled == nil {
					err = errors.New(`want {"id": "...", "enabled": true|false}`)
				} else {
					stub.SetChannel(in.ID, *in.Enabled)
				}
			}
		}
		if err != nil {
			// Only the operator who started the stub with -controls reaches
			// here, so the reason is worth more than hiding it.
			writeError(w, http.StatusBadRequest, "invalid_request", "Bad control request: "+err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// newStub returns the stub of cfg and, with -controls, the controls that
// drive it: the stub's clock is then an offsetClock, which POST
// /_stub/advance moves. Without -controls ctl is nil and cfg's clock
// (time.Now) is kept.
func newStub(cfg server.Config, withControls bool) (stub *server.Stub, ctl http.Handler, err error) {
	if !withControls {
		stub, err = server.New(cfg)
		return stub, nil, err
	}
	clock := new(offsetClock)
	cfg.Now = clock.Now
	if stub, err = server.New(cfg); err != nil {
		return nil, nil, err
	}
	return stub, controls(stub, clock), nil
}

// postControls are the controls that take a POST with a JSON body.
var postControls = map[string]bool{
	controlsPrefix + "fail-next": true,
	controlsPrefix + "advance":   true,
	controlsPrefix + "channel":   true,
}

// maxControlBody bounds a control's JSON body.
const maxControlBody = 4 << 10

// decodeControl reads r's body, one JSON object with only v's fields,
// into v. The error says what is wrong in the control's terms: an empty
// body, one over maxControlBody, or more than one JSON value.
func decodeControl(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxControlBody+1))
	switch {
	case err != nil:
		return fmt.Errorf("reading the body: %w", err)
	case len(data) > maxControlBody:
		return fmt.Errorf("the body is over %d bytes", maxControlBody)
	case len(bytes.TrimSpace(data)) == 0:
		return errors.New("the body is empty; want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON object")
	}
	return nil
}

func writeError(w http.ResponseWriter, status int, code, info string) {
	b, _ := json.Marshal(apiserver.Error{ErrorCode: code, ExceptionInfo: info})
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
