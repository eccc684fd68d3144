package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server"
)

// The demo's names, as DefaultConfig has them.
const (
	demoKey     = "demo-app-key"
	demoSecret  = "demo-app-secret"
	demoChannel = "demo-channel"
)

// printBanner prints where the stub listens and a curl session to paste
// into a shell: tokenByAkSk, then applyToken with the AccessToken taken
// from the first answer by sed, so nothing beyond curl and a POSIX shell
// is needed. The session ends at the first blank line after it.
//
// Only the demo secret is ever printed. With other credentials the session
// reads the secret from $APP_SECRET, so it stays out of terminals and CI
// logs.
func printBanner(w io.Writer, base string, tls bool, cfg server.Config) {
	key, demo := sessionKey(cfg)
	credentials := `{"app_key":` + jsonString(key) + `,"app_secret":`
	if demo {
		credentials = shellQuote(credentials + jsonString(demoSecret) + "}")
	} else {
		credentials = shellQuote(credentials+`"`) + `"$APP_SECRET"` + shellQuote(`"}`)
	}
	apply := `{"userId":"user-0001","userName":"Alice","channelId":` + jsonString(sessionChannel(cfg)) + `,"locale":"en"}`

	fmt.Fprintf(w, "applytoken-stub listening on %s\n", base)
	fmt.Fprintf(w, "  contract: %s/openapi.yaml\n  docs:     %s/docs\n  health:   %s/healthz\n\n", base, base, base)
	fmt.Fprintln(w, "Try the token chain (paste into a shell):")
	fmt.Fprintln(w)
	if tls {
		fmt.Fprintln(w, "# HTTPS: add --cacert <CA file> to each curl, or -k to skip verification.")
	}
	if !demo {
		fmt.Fprintf(w, "# Set APP_SECRET to the secret of app key %s first.\n", key)
	}
	fmt.Fprintf(w, "TOKEN=$(curl -sS %s \\\n", shellQuote(base+openapi.TokenByAkSkPath))
	fmt.Fprintf(w, "  -H 'Content-Type: application/json' \\\n")
	fmt.Fprintf(w, "  -d %s \\\n", credentials)
	fmt.Fprintf(w, "  | sed -n 's/.*\"AccessToken\":\"\\([^\"]*\\)\".*/\\1/p')\n")
	fmt.Fprintf(w, "curl -sS %s \\\n", shellQuote(base+openapi.ApplyTokenPath))
	fmt.Fprintf(w, "  -H %s \\\n", shellQuote("x-app-key: "+key))
	fmt.Fprintf(w, "  -H \"Authorization: Bearer $TOKEN\" \\\n")
	fmt.Fprintf(w, "  -H 'Content-Type: application/json; charset=UTF-8' \\\n")
	fmt.Fprintf(w, "  -d %s\n", shellQuote(apply))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Stop with Ctrl-C.")
}

// sessionKey picks the demo app when it is configured with its demo
// secret, and otherwise the first app key in order.
func sessionKey(cfg server.Config) (key string, demo bool) {
	if cfg.Apps[demoKey] == demoSecret {
		return demoKey, true
	}
	return slices.Sorted(maps.Keys(cfg.Apps))[0], false
}

// sessionChannel picks demo-channel when it is enabled, and otherwise the
// first enabled channel in order.
func sessionChannel(cfg server.Config) string {
	if cfg.Channels[demoChannel] {
		return demoChannel
	}
	for _, id := range slices.Sorted(maps.Keys(cfg.Channels)) {
		if cfg.Channels[id] {
			return id
		}
	}
	return demoChannel
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
