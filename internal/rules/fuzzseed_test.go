package rules_test

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
)

var updateFuzzSeeds = flag.Bool("update-fuzz-seeds", false, "rewrite testdata/fuzz/FuzzRulesMatchKin/seed-* from the generated table")

const seedDir = "testdata/fuzz/FuzzRulesMatchKin"

// TestFuzzSeeds keeps FuzzRulesMatchKin's committed seed corpus: every
// 40th input of the generated table (bodies to 8 KiB), in the format go
// test reads. Run with -update-fuzz-seeds after changing the table; files
// not named seed-* (inputs the fuzzer found) are left alone.
func TestFuzzSeeds(t *testing.T) {
	want := map[string]string{}
	ops := openapi.Operations()
	for i, r := range generated() {
		if i%40 != 0 || len(r.body) > 8<<10 {
			continue
		}
		op := 0
		for j, o := range ops {
			if o.ID == r.op.ID {
				op = j
			}
		}
		content := fmt.Sprintf("go test fuzz v1\nbyte('\\x%02x')\nstring(%s)\n[]byte(%s)\n", op, strconv.Quote(headerBlock(r.header)), strconv.Quote(string(r.body)))
		sum := sha256.Sum256([]byte(content))
		want["seed-"+hex.EncodeToString(sum[:8])] = content
	}
	if *updateFuzzSeeds {
		old, _ := filepath.Glob(filepath.Join(seedDir, "seed-*"))
		for _, f := range old {
			os.Remove(f)
		}
		if err := os.MkdirAll(seedDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range want {
			if err := os.WriteFile(filepath.Join(seedDir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	have, _ := filepath.Glob(filepath.Join(seedDir, "seed-*"))
	for _, f := range have {
		if _, ok := want[filepath.Base(f)]; !ok {
			t.Errorf("%s is no input of the generated table: run go test ./internal/rules -run TestFuzzSeeds -update-fuzz-seeds", f)
		}
	}
	for name := range want {
		if _, err := os.Stat(filepath.Join(seedDir, name)); err != nil {
			t.Errorf("seed %s is missing: run go test ./internal/rules -run TestFuzzSeeds -update-fuzz-seeds", name)
		}
	}
	if len(want) < 50 {
		t.Errorf("%d seeds; want at least 50", len(want))
	}
	t.Logf("%d committed seeds", len(want))
}
