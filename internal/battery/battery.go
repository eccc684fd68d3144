// Package battery is the stub's malformed-input battery: requests to both
// operations of openapi/applytoken.yaml, each with the status the stub owes
// it. Most are generated from the contract's own schemas: each body field
// missing, empty, null, of every wrong JSON type, at and just beyond every
// bound, duplicated, with invalid UTF-8 or NUL bytes, 1 MiB long; each
// header parameter at and beyond its bounds. The rest are listed by hand:
// broken and odd JSON, wrong, missing and odd Content-Types, header case
// variants, duplicate headers, Authorization schemes, methods and paths.
//
//	for _, c := range battery.Cases() {
//		req, err := c.Request(base, accessToken) // an AccessToken of AppKey
//		... // send req: want c.Status, within MaxTime
//	}
//
// [WireCases] holds what no http.Request can carry (NUL and line breaks in
// header fields, conflicting framing, oversized heads); they are sent as
// raw bytes over TCP. [Run] and [RunWire] send either list to a stub and
// check every answer against the contract; the battery's own tests run
// them in-process and against the built binary.
//
// # Configuration
//
// Statuses assume the stub's demo configuration (server.DefaultConfig):
// the one app [AppKey] with [AppSecret], the enabled channel [Channel] and
// the disabled [DisabledChannel], no armed faults. A body the schema
// accepts is therefore a 200 on tokenByAkSk only with the demo
// credentials (401 otherwise), and a 200 on applyToken only for a
// configured channel (500 otherwise, the vendor's business failure).
//
// # Validation
//
// Each Case says, in Validation, what request validation makes of it, so
// that a validator can be compared with the stub's without running the
// rest: Unreached when routing, credentials or the body cap decide first
// (404, 405, 401, 403, 413), Rejected for a 400, Accepted otherwise.
// Status and Validation are the right answer; where the stub does not give
// it yet, Today says what it gives instead (a known gap).
//
// The battery's API (Cases, Case, Request, WireCases, the constants) is
// stable: other packages' tests build on it.
package battery

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aicc-kit/applytoken/openapi"
)

// The demo configuration the statuses assume.
const (
	AppKey          = "demo-app-key"
	AppSecret       = "demo-app-secret"
	Channel         = "demo-channel"
	DisabledChannel = "disabled-channel"
)

// AccessTokenPlaceholder stands, in a Case's header values and a
// WireCase's bytes, for a live AccessToken of AppKey; Request puts the
// real one in its place.
const AccessTokenPlaceholder = "${ACCESS_TOKEN}"

// MaxBody is the body cap the contract documents for applyToken
// (x-max-body-bytes; 413 above it). Each operation's cases follow its own
// cap, read from the contract.
var MaxBody = int(openapi.Operation(ApplyToken).Body.MaxBytes)

// MaxTime is how long any answer may take.
const MaxTime = 2 * time.Second

// The operationIds of the contract.
const (
	TokenByAkSk = openapi.TokenByAkSk
	ApplyToken  = openapi.ApplyToken
)

// Validation is what request validation makes of a Case.
type Validation uint8

const (
	// Unreached: an earlier check decides (404, 405, 401, 403, 413).
	Unreached Validation = iota
	// Accepted: the request keeps to the contract; the operation decides.
	Accepted
	// Rejected: the request breaks the contract; the answer is 400.
	Rejected
)

func (v Validation) String() string {
	switch v {
	case Accepted:
		return "accepted"
	case Rejected:
		return "rejected"
	}
	return "unreached"
}

// Case is one request and the answer it must get.
type Case struct {
	// Name is unique within Cases, e.g. "applyToken/body/userId/null".
	Name string
	// Operation is the operationId whose path and method the request
	// names, or "" for a path or method the contract does not have.
	Operation string
	Method    string
	// Path is the request target, as sent (it may carry a query).
	Path string
	// Header is sent exactly as spelled here: names are not canonicalised,
	// so that case variants reach the wire. Values may hold
	// AccessTokenPlaceholder.
	Header http.Header
	Body   []byte
	// Chunked sends the body without a Content-Length.
	Chunked bool
	// Status is the status the stub must answer.
	Status int
	// Validation is what request validation makes of the request.
	Validation Validation
	// Note says why Status is right where that was a decision.
	Note string
	// Today, when not 0, is the status the stub gives today instead of
	// Status: a known gap, reported and not yet fixed. Run asserts Today,
	// so the gap stays pinned and its fix is noticed; Status and
	// Validation stay the right answer.
	Today int
}

// Request builds c's request against base (scheme and host), with
// accessToken in place of AccessTokenPlaceholder.
func (c Case) Request(base, accessToken string) (*http.Request, error) {
	req, err := http.NewRequest(c.Method, base+c.Path, bytes.NewReader(c.Body))
	if err != nil {
		return nil, fmt.Errorf("battery: %s: %w", c.Name, err)
	}
	if c.Chunked {
		req.Body = io.NopCloser(bytes.NewReader(c.Body))
		req.ContentLength = -1
		req.GetBody = nil
	}
	if len(c.Body) == 0 && !c.Chunked {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	}
	for name, values := range c.Header {
		vs := make([]string, len(values))
		for i, v := range values {
			vs[i] = strings.ReplaceAll(v, AccessTokenPlaceholder, accessToken)
		}
		req.Header[name] = vs
	}
	return req, nil
}

// WireCase is a request as raw bytes, for what an http.Request cannot
// carry. net/http answers most of these itself, before any handler runs.
type WireCase struct {
	Name string
	// Wire is the whole request, head and body; it may hold
	// AccessTokenPlaceholder. "Host: HOST" is replaced by the target's.
	Wire string
	// Status is the status that must come back.
	Status int
	// ByNetHTTP marks an answer net/http gives before the stub sees the
	// request: a text/plain body, or none, not the contract's Error body;
	// the connection closes after it.
	ByNetHTTP bool
	// Note says why Status is right.
	Note string
}

// Bytes returns the request with host and accessToken filled in.
func (w WireCase) Bytes(host, accessToken string) []byte {
	s := strings.ReplaceAll(w.Wire, "Host: HOST", "Host: "+host)
	return []byte(strings.ReplaceAll(s, AccessTokenPlaceholder, accessToken))
}
