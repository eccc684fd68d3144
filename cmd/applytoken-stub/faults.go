package main

import (
	"fmt"
	"net/http"
	"time"

	"github.com/aicc-kit/applytoken/server"
)

// failNext arms what POST /_stub/fail-next asks for: a status, a delay, a
// fault, or a delay with one of the other two, for the next call of op
// (tokenByAkSk, applyToken or laterCall):
//
//	{"op":"applyToken","status":500}
//	{"op":"applyToken","delay":"1.5s"}               answered as usual, 1.5s late
//	{"op":"applyToken","delay":"1.5s","status":500}
//	{"op":"tokenByAkSk","fault":"reset"}              or "truncate", "malformed"
//
// The error, which the control answers with 400, says what is wrong: the
// stub's own reason for an unknown op or fault, a status the contract
// does not document, or a delay out of bounds (0 to 5 minutes). A delay
// past -write-timeout is taken: the stub moves the request's write
// deadline out by the delay (server.Fault.Delay), so its answer comes.
func failNext(r *http.Request, stub *server.Stub) error {
	var in struct {
		Op     string `json:"op"`
		Status int    `json:"status"`
		Delay  string `json:"delay"`
		Fault  string `json:"fault"`
	}
	if err := decodeControl(r, &in); err != nil {
		return err
	}
	f := server.Fault{Status: in.Status, Kind: server.FaultKind(in.Fault)}
	if in.Delay != "" {
		d, err := time.ParseDuration(in.Delay)
		if err != nil {
			return fmt.Errorf("delay %q is not a duration such as 1.5s or 200ms", in.Delay)
		}
		f.Delay = d
	}
	return stub.Inject(in.Op, f)
}
