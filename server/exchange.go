package server

import "context"

// exchange is what the steps of one request learn for later ones: the
// access log reads it, the operations write the app key into it. One
// value, pooled with the request's writer (see call) and stored once in
// the context, serves the whole request.
type exchange struct {
	op operation
	// appKey is set only once the key is known to be configured, so a
	// mistyped secret sent as a key never reaches the log.
	appKey string
	// in is the request as validation decoded it, when it did.
	in input
}

type exchangeKey struct{}

func withExchange(ctx context.Context, ex *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, ex)
}

// exchangeFrom returns the request's exchange, or a throwaway one when the
// Stub is driven without ServeHTTP.
func exchangeFrom(ctx context.Context) *exchange {
	if ex, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		return ex
	}
	return &exchange{}
}
