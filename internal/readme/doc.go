// Package readme holds the test that keeps README.md honest: every command
// in a sh block of the README is run by the test, or shown to be run by
// `make test` (a line of .ci/run, a Makefile target that test reaches, or a
// recipe line of one); every Go block is compiled and run as a module of
// its own would, against the checkout served as a module proxy; the YAML
// block is the config a stub is started with; and the outputs the README
// shows are compared with the real ones.
//
//	go test ./internal/readme -v     # one subtest per README command, saying how it is proved
//
// A new command in the README fails the test until it has an entry in the
// table of checks, with the way it is proved.
package readme
