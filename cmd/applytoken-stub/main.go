// Command applytoken-stub serves the applyToken contract: the stub of
// package server on a real socket, for manual trials and for other
// people's test pipelines.
//
//	applytoken-stub                       # 127.0.0.1:8080, demo credentials
//	applytoken-stub -addr :9090 -config stub.yaml
//
// On start it prints its address and a curl session to paste into a
// shell. Beside the contract it serves GET /openapi.yaml (the contract
// itself), GET /docs (its API reference page) and GET /healthz. SIGINT or
// SIGTERM stops it: requests in flight finish, within -shutdown-timeout,
// and it exits 0.
//
// With -controls it also serves test controls under /_stub/, so a
// pipeline that runs the binary can cause every documented status (-h
// lists them; controls.go serves them). Never use it in production.
// POST /_stub/fail-next {"op":"tokenByAkSk","status":500} makes the next
// call of op answer any error status the contract documents for it, or
// meet a fault: a delay, a reset, a truncated or a malformed 200
// (server.Stub.Inject). POST /_stub/channel {"id":"sales","enabled":false}
// configures a channel. POST /_stub/advance {"by":"90s"} moves the stub's
// clock forward (server.Config.Now), so that tokens expire without
// waiting. POST /_stub/later-call stands in for the CC-Messaging calls
// after applyToken (server.Stub.LaterCall).
// GET /_stub/requests answers the request journal (server.Journal: each
// request with the contract rules it broke), DELETE /_stub/requests
// empties it. Without -controls or -fail-on-violation there is no journal.
//
// With -fail-on-violation it prints, when it stops, every contract rule
// the requests broke (counts by operation, header or field and rule, and
// the first requests that broke one) to stderr, and exits 3 if any did:
// run any client against it and the pipeline fails on a bad request.
//
// Configuration comes from the demo (server.DefaultConfig), then the -config file (YAML,
// or JSON by its .json name), then the environment variables listed by
// -h; demo.yaml beside this file documents the file's fields.
//
// -version prints the module version and the contract's info.version.
//
// Exit status: 0 after a clean shutdown, 1 when serving fails, 2 for bad
// flags or configuration, 3 with -fail-on-violation when a request broke
// the contract (after a clean shutdown).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal ends the process at once
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}
