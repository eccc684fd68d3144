package server

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/internal/battery"
	"github.com/aicc-kit/applytoken/openapi"
)

var updateFuzzCorpus = flag.Bool("update-fuzz-corpus", false, "rewrite testdata/fuzz/Fuzz*/battery-* from the battery")

// TestFuzzSeedCorpus keeps the committed seed corpus of FuzzApplyToken and
// FuzzTokenByAkSk equal to the battery: every case of the operation's own
// path and method (the spec's request examples among them) whose body is
// at most 16 KiB, and of the longer ones only the two that straddle the
// 64 KiB cap, which stand for the rest. Run with -update-fuzz-corpus after
// changing the battery. Files not named battery-* (crashers the fuzzer
// found, say) are left alone.
func TestFuzzSeedCorpus(t *testing.T) {
	for target, want := range fuzzSeeds() {
		dir := filepath.Join("testdata", "fuzz", target)
		if *updateFuzzCorpus {
			writeSeeds(t, dir, want)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatalf("%s: %v (run go test ./server -run TestFuzzSeedCorpus -update-fuzz-corpus)", target, err)
		}
		have := map[string]bool{}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "battery-") {
				have[e.Name()] = true
			}
		}
		for name, content := range want {
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil || string(got) != content {
				t.Errorf("%s: seed %s is missing or stale; run go test ./server -run TestFuzzSeedCorpus -update-fuzz-corpus", target, name)
			}
			delete(have, name)
		}
		for name := range have {
			t.Errorf("%s: seed %s is no battery case; run go test ./server -run TestFuzzSeedCorpus -update-fuzz-corpus", target, name)
		}
		t.Logf("%s: %d seeds", target, len(want))
	}
}

func writeSeeds(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "battery-*"))
	for _, f := range old {
		os.Remove(f)
	}
	for name, content := range want {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fuzzSeeds returns, by fuzz target, each seed's file name and content.
func fuzzSeeds() map[string]map[string]string {
	seeds := map[string]map[string]string{"FuzzApplyToken": {}, "FuzzTokenByAkSk": {}}
	// Of the long bodies, the longest within the cap and the shortest
	// beyond it, per path.
	within, beyond := map[string]int{}, map[string]int{}
	for _, c := range battery.Cases() {
		if n := len(c.Body); n <= maxBody {
			within[c.Path] = max(within[c.Path], n)
		} else if beyond[c.Path] == 0 || n < beyond[c.Path] {
			beyond[c.Path] = n
		}
	}
	for _, c := range battery.Cases() {
		n := len(c.Body)
		if c.Method != http.MethodPost || (n > 16<<10 && n != within[c.Path] && n != beyond[c.Path]) {
			continue
		}
		var target string
		var args []any
		switch c.Path {
		case openapi.ApplyTokenPath:
			target = "FuzzApplyToken"
			args = []any{c.Body, first(c.Header, "Content-Type"), first(c.Header, "X-App-Key"), first(c.Header, "Authorization")}
		case openapi.TokenByAkSkPath:
			target = "FuzzTokenByAkSk"
			args = []any{c.Body, first(c.Header, "Content-Type"), first(c.Header, "X-Token-Expire")}
		default:
			continue
		}
		content := corpusFile(args...)
		sum := sha256.Sum256([]byte(content))
		// Lower case: a module may not hold two paths that differ only in
		// case; cases whose names do, send the same seed.
		name := "battery-" + unsafeChars.ReplaceAllString(strings.ToLower(c.Name), "_") + "-" + hex.EncodeToString(sum[:4])
		seeds[target][name] = content
	}
	return seeds
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9._-]+`)

// first is the first value of the header name, however the case spells it.
func first(h http.Header, name string) string {
	for k, vs := range h {
		if http.CanonicalHeaderKey(k) == name && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// corpusFile writes args in the format of go test's fuzz corpus.
func corpusFile(args ...any) string {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		}
	}
	return b.String()
}
