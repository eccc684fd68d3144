package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
)

func TestParseBenchmarks(t *testing.T) {
	out := `goos: linux
BenchmarkApplyToken/stub-2         	  185137	      3265 ns/op	     848 B/op	       8 allocs/op
BenchmarkApplyToken/stub-2         	  188046	      3100 ns/op	     848 B/op	       8 allocs/op
BenchmarkApplyToken/stub-2         	  174384	      3325 ns/op	     848 B/op	       7 allocs/op
BenchmarkTokenIssue                	 1367769	       426.3 ns/op
PASS`
	b := parseBenchmarks(strings.NewReader(out))
	if got := b.ns("ApplyToken/stub"); got != 3265 {
		t.Errorf("median ns/op %v; want 3265", got)
	}
	if got := b.allocs("ApplyToken/stub"); got != 8 {
		t.Errorf("median allocs/op %v; want 8", got)
	}
	if got := b.ns("TokenIssue"); got != 426.3 {
		t.Errorf("TokenIssue %v; want 426.3", got)
	}
	if len(b.order) != 2 || b.ns("Missing") != 0 {
		t.Errorf("order %v", b.order)
	}
}

func TestMedianOf(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := medianOf(tc.in); got != tc.want {
			t.Errorf("medianOf(%v) = %v; want %v", tc.in, got, tc.want)
		}
	}
}

// TestLongestExpire: the lifetime the bench asks for is one the contract
// takes.
func TestLongestExpire(t *testing.T) {
	v, err := longestExpire()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1"+openapi.TokenByAkSkPath,
		strings.NewReader(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Token-Expire", v)
	if err := openapi.ValidateRequest(openapi.TokenByAkSk, req); err != nil {
		t.Errorf("X-Token-Expire: %s: %v", v, err)
	}
}
