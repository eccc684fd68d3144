package servertest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aicc-kit/applytoken/server/servertest"
)

// BenchmarkStartClose and BenchmarkHTTPTestNewServer are the pair the
// cost of a servertest.Server is measured by: Start and Close, against
// httptest.NewServer and Close of an empty handler. Nothing parses the
// contract per Start: it is Go values (gen/contract).
func BenchmarkStartClose(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		srv, err := servertest.Start()
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}

func BenchmarkHTTPTestNewServer(b *testing.B) {
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	b.ReportAllocs()
	for b.Loop() {
		httptest.NewServer(h).Close()
	}
}
