// Package version names the build that is running and the contract it
// speaks, for the -version flag of applytoken and applytoken-stub.
//
//	fmt.Println(version.String("applytoken")) // applytoken (devel), contract 1.0.0
package version

import (
	"runtime/debug"

	"go.yaml.in/yaml/v3"

	"github.com/aicc-kit/applytoken/openapi"
)

// Module returns the version of the module the running binary was built
// from, as the Go toolchain recorded it: the tag for `go install
// github.com/aicc-kit/applytoken/cmd/...@v0.1.0`, a pseudo-version when
// `go build` stamps one from a git checkout, "(devel)" for a checkout built
// without VCS stamping (-buildvcs=false), and "unknown" without build
// information.
func Module() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" {
		return "unknown"
	}
	return info.Main.Version
}

// Contract returns info.version of the embedded contract,
// openapi/applytoken.yaml: the version of the interface the binary speaks.
func Contract() string {
	var doc struct {
		Info struct {
			Version string `yaml:"version"`
		} `yaml:"info"`
	}
	if err := yaml.Unmarshal(openapi.YAML(), &doc); err != nil || doc.Info.Version == "" {
		return "unknown" // openapi's own tests keep this from happening
	}
	return doc.Info.Version
}

// String is the line -version prints for program, e.g.
// "applytoken-stub (devel), contract 1.0.0".
func String(program string) string {
	return program + " " + Module() + ", contract " + Contract()
}
