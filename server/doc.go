// Package server is the applyToken stub: an http.Handler that behaves like
// the AICC token endpoints, keeps to openapi/applytoken.yaml, and validates
// every request against it.
//
//	h, err := server.NewHandler(server.DefaultConfig())
//	if err != nil { ... }
//	log.Fatal(http.ListenAndServe("127.0.0.1:8080", h))
//
// # Answers
//
// Each request is checked in the order of the status table in DESIGN.md, so
// the first rule it breaks decides the answer: 404 for a path the contract
// does not have, 405 (with Allow: POST) for a method it does not have, 401
// and 403 for applyToken's credentials, 413 for a body over 64 KiB, 400 for
// a request against the schema, then the operation itself. Credentials come
// before the body, so an unauthenticated caller learns nothing about the
// schema. Every JSON answer is "application/json; charset=UTF-8"; every
// non-200 answer carries the contract's Error body, whose text never repeats
// the caller's input nor an internal error.
//
// # Tokens
//
// AccessTokens and ccmessaging-tokens are stateless: each is signed with
// HMAC-SHA256 over its purpose, app key, subject and expiry, so nothing is
// stored per token and stubs that share a signing key accept each other's
// tokens. A token of one purpose is never accepted as the other.
//
// # Configuration
//
// [DefaultConfig] is the demo: app key "demo-app-key" with secret
// "demo-app-secret", channel "demo-channel" enabled and "disabled-channel"
// disabled. [LoadConfig] starts from it, applies a YAML or JSON file (see
// demo.yaml beside this file for every field), then these environment
// variables:
//
//	APPLYTOKEN_APP_KEY, APPLYTOKEN_APP_SECRET   the one app accepted (set both)
//	APPLYTOKEN_CHANNELS                          e.g. "sales,legacy=disabled"
//	APPLYTOKEN_SIGNING_KEY                       base64 of 32 or more bytes
//	APPLYTOKEN_ACCESS_TOKEN_LIFETIME             e.g. "10m" (60s to 24h)
//	APPLYTOKEN_MESSAGING_TOKEN_LIFETIME          e.g. "1h"
//
// Without a signing key each process draws its own from crypto/rand, and
// its tokens die with it.
package server
