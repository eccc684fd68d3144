package servertest

import (
	"log/slog"
	"time"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	tls    bool
	start  time.Time
	logger *slog.Logger
}

func defaults() options {
	return options{
		start:  time.Now().Truncate(time.Second), // whole seconds, as tokens count time
		logger: slog.New(slog.DiscardHandler),
	}
}

// WithTLS serves HTTPS with a certificate that Client trusts.
func WithTLS() Option { return func(o *options) { o.tls = true } }

// WithTime starts the stub's clock at start instead of the current second.
func WithTime(start time.Time) Option { return func(o *options) { o.start = start } }

// WithLogger sends the stub's access log to l; by default it is discarded.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}
