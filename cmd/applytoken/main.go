// Command applytoken applies for a ccmessaging-token from a shell: it calls
// tokenByAkSk and then applyToken through package client, and prints the
// token and its expiry.
//
// Usage:
//
//	export AICC_APP_KEY=... AICC_APP_SECRET=...
//	applytoken -base https://service.besclouds.com \
//	    -user-id user-0001 -user-name Alice -channel-id demo-channel -locale en
//
// The request flags (-user-id, -user-name, -channel-id, -locale) come from
// the contract: one for each property of the applyToken request body, named
// in kebab case (userId is -user-id), so that a property the spec adds is a
// flag after make generate. The contract's checks hold their values before
// anything is sent.
//
// The credentials come only from the environment variables AICC_APP_KEY and
// AICC_APP_SECRET, never from flags, and are never printed. With -json the
// result is one JSON object, {"token": "...", "expiry": "<RFC 3339>"}.
// -version prints the module version and the contract's info.version.
// -timeout (30s unless set) bounds the whole run, both calls together; no
// call has a cap of its own, so a slow server can be given minutes.
//
// Exit codes:
//
//	0  the token was issued
//	1  any other failure: network, timeout, an interrupted run
//	2  usage: a bad or missing flag, missing credentials, or input the
//	   contract refuses (checked before anything is sent)
//	3  authentication: the app key, app secret or AccessToken was refused
//	   (401 or 403)
//	4  server: the server refused the request or failed (400, 404, 413,
//	   5xx, resultCode "1", or an answer that could not be read)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/aicc-kit/applytoken/client"
	"github.com/aicc-kit/applytoken/internal/version"
	"github.com/aicc-kit/applytoken/openapi"
)

// Exit codes; the package documentation describes each.
const (
	exitOK     = 0
	exitOther  = 1
	exitUsage  = 2
	exitAuth   = 3
	exitServer = 4
)

const (
	envAppKey    = "AICC_APP_KEY"
	envAppSecret = "AICC_APP_SECRET"
	userAgent    = "applytoken-cli"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is the whole command, apart from the process around it: args without
// the program name, getenv to read the environment. It returns the exit
// code.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("applytoken", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		base    = fs.String("base", "", "scheme and host of the AICC domain, e.g. https://service.besclouds.com (required)")
		asJSON  = fs.Bool("json", false, "print the result as a JSON object")
		timeout = fs.Duration("timeout", 30*time.Second, "give up after this long, both calls together")
		showVer = fs.Bool("version", false, "print the module version and the contract's info.version, then exit")
	)
	reqFlags := newRequestFlags(fs, openapi.Operation(openapi.ApplyToken).Body.Schema)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s=... %s=... applytoken -base URL %s [-json] [-timeout D]\n", envAppKey, envAppSecret, reqFlags.synopsis())
		fmt.Fprint(stderr, "       applytoken -version\n\n")
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\nThe request flags are the properties of the applyToken request body, in kebab case;\n"+
			"openapi/applytoken.yaml describes each one and its rules.\n")
		fmt.Fprint(stderr, "\nexit codes: 0 ok, 1 other failure, 2 usage, 3 authentication, 4 server\n")
	}

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usageError(stderr, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if *showVer {
		fmt.Fprintln(stdout, version.String("applytoken"))
		return exitOK
	}
	if *base == "" {
		return usageError(stderr, "-base is required")
	}
	if name := reqFlags.missing(); name != "" {
		return usageError(stderr, name+" is required")
	}
	if *timeout <= 0 {
		return usageError(stderr, "-timeout must be positive")
	}
	appKey, appSecret := getenv(envAppKey), getenv(envAppSecret)
	if appKey == "" || appSecret == "" {
		return usageError(stderr, envAppKey+" and "+envAppSecret+" must be set")
	}

	req, err := reqFlags.request()
	if err != nil {
		return usageError(stderr, "the request: "+err.Error())
	}
	c, err := client.New(*base, client.WithCredentials(appKey, appSecret), client.WithUserAgent(userAgent), client.WithHTTPClient(httpClient()))
	if err != nil {
		return usageError(stderr, err.Error())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	tok, err := c.ApplyToken(ctx, req)
	if err != nil {
		fmt.Fprintf(stderr, "applytoken: %v\n", err)
		return exitCode(err)
	}
	if err := printToken(stdout, tok, *asJSON); err != nil {
		fmt.Fprintf(stderr, "applytoken: writing the result: %v\n", err)
		return exitOther
	}
	return exitOK
}

// httpClient is the client package's default but for its Timeout: that
// default bounds each call to 30 seconds, so that a -timeout above 30s
// would not give a slow server its time. Here run's context, from
// -timeout, is the one bound. Like the default it follows no redirect, so
// that neither the app secret in the tokenByAkSk body nor x-app-key is
// replayed to another host.
func httpClient() *http.Client {
	return &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

func usageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "applytoken: %s\nRun applytoken -h for usage.\n", msg)
	return exitUsage
}

// exitCode sorts an error of client.ApplyToken into the documented codes.
func exitCode(err error) int {
	var (
		verr *client.ValidationError
		aerr *client.APIError
		rerr *client.ResultError
	)
	switch {
	case errors.As(err, &verr):
		return exitUsage
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// Out of time or interrupted, even with an answer half read: that
		// answer's *APIError wraps why its body could not be read.
		return exitOther
	case errors.Is(err, client.ErrUnauthorized), errors.Is(err, client.ErrForbidden):
		return exitAuth
	case errors.As(err, &aerr), errors.As(err, &rerr):
		return exitServer
	}
	return exitOther
}

func printToken(w io.Writer, tok *client.Token, asJSON bool) error {
	expiry := tok.Expiry.UTC().Format(time.RFC3339)
	if asJSON {
		return json.NewEncoder(w).Encode(struct {
			Token  string `json:"token"`
			Expiry string `json:"expiry"`
		}{tok.Value, expiry})
	}
	_, err := fmt.Fprintf(w, "token:  %s\nexpiry: %s\n", tok.Value, expiry)
	return err
}
