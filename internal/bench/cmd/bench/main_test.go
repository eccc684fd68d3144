package main

import (
	"strings"
	"testing"
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
