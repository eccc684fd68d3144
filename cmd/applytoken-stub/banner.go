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
// is needed. The session ends at the first blank line after it. With no
// channel enabled applyToken issues no token, so there is no session to
// offer: the banner says so, and how to enable one, instead.
//
// Only the demo secret is ever printed. With other credentials the session
// reads the secret from $APP_SECRET, so it stays out of terminals and CI
// logs.
func printBanner(w io.Writer, base string, tls bool, cfg server.Config) {
	fmt.Fprintf(w, "applytoken-stub listening on %s\n", base)
	fmt.Fprintf(w, "  contract: %s/openapi.yaml\n  docs:     %s/docs\n  health:   %s/healthz\n\n", base, base, base)
	if channel, ok := sessionChannel(cfg); ok {
		printSession(w, base, tls, cfg, channel)
	} else {
		fmt.Fprintln(w, "No channel is enabled, so applyToken issues no token. Enable one, e.g. with")
		fmt.Fprintln(w, "APPLYTOKEN_CHANNELS=sales or \"channels: {sales: true}\" in the -config file,")
		fmt.Fprintln(w, "and start the stub again for a curl session to paste.")
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Stop with Ctrl-C.")
}

// printSession prints the curl session of printBanner, for channel.
func printSession(w io.Writer, base string, tls bool, cfg server.Config, channel string) {
	key, demo := sessionKey(cfg)
	credentials := `{"app_key":` + jsonString(key) + `,"app_secret":`
	if demo {
		credentials = shellQuote(credentials + jsonString(demoSecret) + "}")
	} else {
		credentials = shellQuote(credentials+`"`) + `"$APP_SECRET"` + shellQuote(`"}`)
	}
	apply := `{"userId":"user-0001","userName":"Alice","channelId":` + jsonString(channel) + `,"locale":"en"}`

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
// first enabled channel in order. It reports false when none is enabled:
// applyToken then refuses every channelId.
func sessionChannel(cfg server.Config) (string, bool) {
	if cfg.Channels[demoChannel] {
		return demoChannel, true
	}
	for _, id := range slices.Sorted(maps.Keys(cfg.Channels)) {
		if cfg.Channels[id] {
			return id, true
		}
	}
	return "", false
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
