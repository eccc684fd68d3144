package main

import (
	"bytes"
	"errors"
	"flag"
	"log/slog"
	"strings"
	"testing"
)

// TestLogLevelDefaultInUsageWords: -h gives -log-level's default in the
// words its usage lists (info, not slog's INFO).
func TestLogLevelDefaultInUsageWords(t *testing.T) {
	var help bytes.Buffer
	if _, err := parseFlags([]string{"-h"}, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v; want flag.ErrHelp", err)
	}
	var usage string
	for line := range strings.Lines(help.String()) {
		if strings.HasPrefix(strings.TrimSpace(line), "-log-level ") {
			usage = line
		} else if usage != "" {
			usage += line // the usage text is on the next line
			break
		}
	}
	if !strings.Contains(usage, "debug, info, warn or error") || !strings.Contains(usage, "(default info)") {
		t.Errorf("-h says of -log-level:\n%s\nwant its values and \"(default info)\"", usage)
	}
	o, err := parseFlags(nil, &help)
	if err != nil || o.logLevel != slog.LevelInfo {
		t.Errorf("no -log-level: %v, %v; want %v", o.logLevel, err, slog.LevelInfo)
	}
}

// TestLogLevelAcceptsWhatSlogDoes: -log-level takes what slog.Level's
// UnmarshalText takes, as it did when it was a flag.TextVar: a name in any
// case, with an offset or not, and nothing else.
func TestLogLevelAcceptsWhatSlogDoes(t *testing.T) {
	for _, s := range []string{"debug", "info", "warn", "error", "INFO", "Warn", "info+2", "error-1", "DEBUG+0",
		"", "loud", "3", "info+", "info+x", "warning", " info"} {
		var want slog.Level
		wantErr := want.UnmarshalText([]byte(s))
		o, err := parseFlags([]string{"-log-level", s}, &bytes.Buffer{})
		switch {
		case wantErr != nil && err == nil:
			t.Errorf("-log-level %q: accepted as %v; slog refuses it: %v", s, o.logLevel, wantErr)
		case wantErr == nil && err != nil:
			t.Errorf("-log-level %q: %v; slog takes it as %v", s, err, want)
		case err == nil && o.logLevel != want:
			t.Errorf("-log-level %q: %v; want %v", s, o.logLevel, want)
		case err != nil && !strings.Contains(err.Error(), "-log-level"):
			t.Errorf("-log-level %q: the error %q does not name the flag", s, err)
		}
	}
}
