package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aicc-kit/applytoken/internal/version"
	"github.com/aicc-kit/applytoken/server"
)

// run is the whole command, with its outside world passed in so tests can
// drive it: it returns when ctx is done and the server has shut down, or
// when serving fails.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "applytoken-stub: %v\n", err)
		return 2
	}
	if o.version {
		fmt.Fprintln(stdout, version.String("applytoken-stub"))
		return 0
	}
	logw := newLogWriter(stderr) // batches the access log's writes; see logwriter.go
	defer logw.Close()
	logger := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: o.logLevel}))
	cfg, err := loadConfig(o.config, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "applytoken-stub: %v\n", err)
		return 2
	}
	if err := checkJournal(o, cfg.Journal); err != nil { // journal.go
		fmt.Fprintf(stderr, "applytoken-stub: %v\n", err)
		return 2
	}
	cfg.Logger = logger
	cfg.Journal = journalSize(o, cfg.Journal) // journal.go
	// With -controls the stub's clock is one that /_stub/advance moves (controls.go).
	stub, ctl, err := newStub(cfg, o.controls)
	if err != nil {
		fmt.Fprintf(stderr, "applytoken-stub: %v\n", err)
		return 2
	}
	context.AfterFunc(ctx, stub.StopDelays) // a stop answers requests a fault delays at once
	srv := &http.Server{
		Handler:           routes(stub, ctl),
		ReadHeaderTimeout: o.readHeaderTimeout,
		ReadTimeout:       o.readTimeout,
		WriteTimeout:      o.writeTimeout,
		IdleTimeout:       o.idleTimeout,
		MaxHeaderBytes:    o.maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if o.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			fmt.Fprintf(stderr, "applytoken-stub: -tls-cert/-tls-key: %v\n", err)
			return 2
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "applytoken-stub: %v\n", err)
		return 1
	}
	return failOnViolation(o, stub, serve(ctx, srv, ln, o, cfg, stdout, logger), logw) // journal.go
}

// serve runs srv on ln until ctx is done, then shuts it down gracefully:
// the listener closes at once, and every request the server has read is
// answered (drain.go), within -shutdown-timeout.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, o options, cfg server.Config, stdout io.Writer, logger *slog.Logger) int {
	useTLS := srv.TLSConfig != nil // read before serving: Serve may fill TLSConfig in for HTTP/2
	drain := newDrainer(srv)
	errc := make(chan error, 1)
	go func() {
		if useTLS {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	base := baseURL(ln.Addr(), useTLS)
	logger.Info("listening", "addr", ln.Addr().String(), "url", base, "config", o.config)
	printBanner(stdout, base, useTLS, cfg)

	select {
	case err := <-errc:
		logger.Error("serving failed", "error", err)
		return 1
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", o.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	if err := drain.drain(sctx, srv, ln, errc, min(idleGrace, o.shutdownTimeout/4)); err != nil {
		logger.Error("requests still in flight after the grace period; closing", "error", err)
		srv.Close()
		return 1
	}
	logger.Info("stopped")
	return 0
}

// idleGrace is how long a connection that has just been answered may stay
// idle before a stop closes it: time for its client to send the next
// request, which is then answered (drain.go).
const idleGrace = time.Second

// baseURL is the address people can reach: a wildcard listener is reached
// through the loopback address.
func baseURL(addr net.Addr, tls bool) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		host, port = addr.String(), ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}
