package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"
)

// options are the command line's settings.
type options struct {
	addr              string
	config            string
	tlsCert, tlsKey   string
	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	writeTimeout      time.Duration
	idleTimeout       time.Duration
	shutdownTimeout   time.Duration
	maxHeaderBytes    int
	logLevel          slog.Level
	controls          bool
	failOnViolation   bool
	version           bool
}

const usageHead = `Usage: applytoken-stub [flags]

Serves the applyToken contract (openapi/applytoken.yaml) with the demo
credentials (app key demo-app-key, secret demo-app-secret, channels
demo-channel and disabled-channel) unless -config or the environment says
otherwise. SIGINT or SIGTERM stops it after requests in flight finish.

Flags:
`

// usageEnv lists the environment variables loadConfig reads (env.go).
const usageEnv = `
Environment (overrides -config; an empty variable is ignored):
  APPLYTOKEN_APP_KEY, APPLYTOKEN_APP_SECRET   the one app accepted; set both
  APPLYTOKEN_CHANNELS                          channels, e.g. "sales,legacy=disabled"
  APPLYTOKEN_SIGNING_KEY                       base64 of 32+ bytes; stubs sharing it
                                               accept each other's tokens
  APPLYTOKEN_ACCESS_TOKEN_LIFETIME             default AccessToken lifetime, within the
                                               bounds of X-Token-Expire in the contract
  APPLYTOKEN_MESSAGING_TOKEN_LIFETIME          ccmessaging-token lifetime, 1s to 24h
  APPLYTOKEN_MESSAGING_TOKEN_ROTATE_BEFORE     a later call (/_stub/later-call) renews a
                                               ccmessaging-token this close to expiry,
                                               1s to 24h, default 5m
  APPLYTOKEN_JOURNAL                           requests the journal keeps (-controls,
                                               -fail-on-violation), 0 to 1000000,
                                               default 1000
`

// usageControls lists what -controls serves (controls.go).
const usageControls = `
Test controls (-controls; never in production):
  POST /_stub/fail-next {"op":"applyToken","status":500}
        the next call of op (tokenByAkSk, applyToken or laterCall) answers
        status, an error status the contract documents for op; "delay":"1.5s"
        holds the answer back (alone, or before a status or a fault), up to
        5m and not counted against -write-timeout, which runs from the end
        of the delay; "fault":"reset", "truncate" or "malformed" breaks it.
        They queue per op.
  POST /_stub/channel {"id":"sales","enabled":false}
        adds or changes a channel
  POST /_stub/advance {"by":"90s"}
        moves the stub's clock forward, by more than 0s and at most 24h a
        call, so that tokens expire without waiting (the clock runs on with
        the wall clock; timeouts, delays and the log keep the wall clock)
  POST /_stub/later-call
        stands in for a later CC-Messaging call (send): checks x-app-key,
        Authorization and ccmessaging-token, and renews a token close to expiry
  GET /_stub/requests, DELETE /_stub/requests
        the request journal, each request with the contract rules it broke;
        DELETE empties it
  fail-next, channel and advance answer 204, or 400 with the reason.
`

// usageExit is the exit status, as main's doc comment says.
const usageExit = `
Exit status: 0 after a clean shutdown, 1 when serving fails, 2 for bad
flags or configuration, 3 with -fail-on-violation when a request broke the
contract (after a clean shutdown).
`

// parseFlags reads args. Help is written to stderr and reported as
// flag.ErrHelp.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("applytoken-stub", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
		fmt.Fprint(stderr, usageEnv)
		fmt.Fprint(stderr, usageControls)
		fmt.Fprint(stderr, usageExit)
	}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on; port 0 picks a free one")
	fs.StringVar(&o.config, "config", "", "config `file`, YAML or JSON (see cmd/applytoken-stub/demo.yaml)")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate `file` (with -tls-key)")
	fs.StringVar(&o.tlsKey, "tls-key", "", "PEM private key `file` for -tls-cert")
	fs.DurationVar(&o.readHeaderTimeout, "read-header-timeout", 5*time.Second, "time allowed to read a request's headers")
	fs.DurationVar(&o.readTimeout, "read-timeout", 15*time.Second, "time allowed to read a whole request")
	fs.DurationVar(&o.writeTimeout, "write-timeout", 15*time.Second, "time allowed from the end of the headers to the end of the answer (a fault's delay is not counted)")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", 60*time.Second, "how long an idle keep-alive connection stays open")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 15*time.Second, "grace period for requests in flight after SIGINT or SIGTERM")
	fs.IntVar(&o.maxHeaderBytes, "max-header-bytes", 16<<10, "cap on a request's header `bytes`")
	fs.BoolVar(&o.controls, "controls", false, "serve test controls under /_stub/ (fail-next, channel, advance, requests) and the later-call stand-in; never in production")
	fs.BoolVar(&o.failOnViolation, "fail-on-violation", false, "on stop, print every contract rule the requests broke to stderr, and exit 3 if one did")
	o.logLevel = slog.LevelInfo
	fs.Var(levelFlag{&o.logLevel}, "log-level", "access log `level`: debug, info, warn or error")
	fs.BoolVar(&o.version, "version", false, "print the module version and the contract's info.version, then exit")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, o.check()
}

func (o *options) check() error {
	if _, port, err := net.SplitHostPort(o.addr); err != nil {
		return fmt.Errorf("-addr %q: want host:port, such as 127.0.0.1:8080 (port 0 picks a free one)", o.addr)
	} else if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("-addr %q: %q is not a port: want 0 to 65535", o.addr, port)
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return errors.New("-tls-cert and -tls-key go together")
	}
	for name, d := range map[string]time.Duration{
		"-read-header-timeout": o.readHeaderTimeout, "-read-timeout": o.readTimeout,
		"-write-timeout": o.writeTimeout, "-idle-timeout": o.idleTimeout, "-shutdown-timeout": o.shutdownTimeout,
	} {
		if d <= 0 {
			return fmt.Errorf("%s must be positive, got %v", name, d)
		}
	}
	if o.maxHeaderBytes < 1<<10 {
		return fmt.Errorf("-max-header-bytes must be at least 1024, got %d", o.maxHeaderBytes)
	}
	return nil
}

// levelFlag is -log-level. It takes what slog.Level's UnmarshalText takes
// (a name in any case, with an offset such as info+2 or not) but prints in
// lower case, so that -h gives the default as "info", in the words of the
// flag's usage, where slog.Level would print "INFO".
type levelFlag struct{ level *slog.Level }

func (f levelFlag) Set(s string) error { return f.level.UnmarshalText([]byte(s)) }

// String is "" for the zero levelFlag, as flag.PrintDefaults needs: it
// prints a default only when it differs from the zero value's String.
func (f levelFlag) String() string {
	if f.level == nil {
		return ""
	}
	return strings.ToLower(f.level.String())
}
