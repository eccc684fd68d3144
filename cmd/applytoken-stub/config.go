package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/aicc-kit/applytoken/server"
)

// loadConfig returns server.DefaultConfig overridden by the config file at
// path (YAML, or JSON when the name ends in .json; "" means no file; see
// demo.yaml beside this file for every field) and then by the APPLYTOKEN_*
// environment variables that getenv reports (nil means none). An error
// names the file, line and field, or the variable, at fault; it never
// quotes a secret.
//
// Each value is held to the stub's rules as it is set, by server.New
// itself, so that no rule (the bounds of a lifetime, say, which come from
// the contract) is restated here.
func loadConfig(path string, getenv func(string) string) (server.Config, error) {
	cfg := server.DefaultConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return server.Config{}, fmt.Errorf("config file: %w", err)
		}
		if strings.EqualFold(filepath.Ext(path), ".json") {
			err = applyJSON(&cfg, path, data)
		} else {
			err = applyYAML(&cfg, path, data)
		}
		if err != nil {
			return server.Config{}, err
		}
	}
	if getenv != nil {
		if err := applyEnv(&cfg, getenv); err != nil {
			return server.Config{}, err
		}
	}
	return cfg, nil
}

// refusal is what server.New says is wrong with cfg, or nil. cfg is valid
// but for the one field just set, so the innermost reason is that field's;
// the caller names the field as the file or the environment does.
func refusal(cfg server.Config) error {
	cfg.Logger = slog.New(slog.DiscardHandler)
	_, err := server.New(cfg)
	for err != nil {
		var inner error
		switch e := err.(type) {
		case interface{ Unwrap() []error }:
			inner = e.Unwrap()[0]
		case interface{ Unwrap() error }:
			inner = e.Unwrap()
		}
		if inner == nil {
			break
		}
		err = inner
	}
	return err
}

// fileFields are the config file's fields. Each decodes its value with the
// file format's decoder and sets it on cfg; a field the file leaves out
// keeps its value.
var fileFields = map[string]func(cfg *server.Config, decode func(any) error) error{
	"apps": func(cfg *server.Config, decode func(any) error) error {
		var apps map[string]string // a fresh map: decoding into the default's would merge
		err := decode(&apps)
		cfg.Apps = apps
		return err
	},
	"channels": func(cfg *server.Config, decode func(any) error) error {
		var channels map[string]bool
		err := decode(&channels)
		cfg.Channels = channels
		return err
	},
	"signingKey": func(cfg *server.Config, decode func(any) error) error {
		var s string
		if err := decode(&s); err != nil {
			return errors.New("want a base64 string") // the decoder's message may quote the key
		}
		key, err := parseSigningKey(s)
		cfg.SigningKey = key
		return err
	},
	"accessTokenLifetime":    lifetimeField(func(c *server.Config) *time.Duration { return &c.AccessTokenLifetime }),
	"messagingTokenLifetime": lifetimeField(func(c *server.Config) *time.Duration { return &c.MessagingTokenLifetime }),
	"messagingTokenRotateBefore": lifetimeField(func(c *server.Config) *time.Duration {
		return &c.MessagingTokenRotateBefore
	}),
	"journal": func(cfg *server.Config, decode func(any) error) error {
		var n *integer // nil for a null, which no decoder calls an integer's method for
		if err := decode(&n); err != nil {
			return err
		}
		if n == nil {
			return errWantInteger
		}
		cfg.Journal = int(*n)
		return nil
	},
}

func lifetimeField(field func(*server.Config) *time.Duration) func(*server.Config, func(any) error) error {
	return func(cfg *server.Config, decode func(any) error) error {
		var s string
		if err := decode(&s); err != nil {
			return err
		}
		d, err := parseLifetime(s)
		*field(cfg) = d
		return err
	}
}

// integer is an integer field of the config file. Decoded into an int, a
// YAML 1.5 would be cut to 1; an integer takes an integer and nothing else.
type integer int

var errWantInteger = errors.New("want an integer")

func (n *integer) UnmarshalYAML(v *yaml.Node) error {
	switch {
	case v.Kind != yaml.ScalarNode:
		return errWantInteger
	case v.ShortTag() == "!!int": // 0x10 and 1_000 too, as YAML reads them
		return v.Decode((*int)(n))
	case v.ShortTag() == "!!float": // 1.5, or an integer too large to be an !!int
		i, err := parseInteger(v.Value)
		*n = integer(i)
		return err
	}
	return errWantInteger // a string, a bool
}

func (n *integer) UnmarshalJSON(data []byte) error {
	if len(data) == 0 || (data[0] != '-' && (data[0] < '0' || data[0] > '9')) {
		return errWantInteger // a string, a bool, an object, an array
	}
	i, err := parseInteger(string(data))
	*n = integer(i)
	return err
}

// setField sets the file's field key from decode, and holds cfg to the
// stub's rules.
func setField(cfg *server.Config, key string, decode func(any) error) error {
	next := *cfg
	if err := fileFields[key](&next, decode); err != nil {
		return err
	}
	if err := refusal(next); err != nil {
		return err
	}
	*cfg = next
	return nil
}

// applyYAML walks the document's top-level mapping itself, rather than
// decoding into a struct, so that every error can name the field it is
// about and an unknown field is an error.
func applyYAML(cfg *server.Config, name string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config file %s: %s", name, yamlMessage(err))
	}
	if doc.Kind == 0 {
		return nil // an empty file overrides nothing
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("config file %s: line %d: want a mapping of fields", name, root.Line)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		switch _, ok := fileFields[key.Value]; {
		case !ok:
			return fmt.Errorf("config file %s: line %d: unknown field %q (known: %s)", name, key.Line, key.Value, knownFields())
		case seen[key.Value]:
			return fmt.Errorf("config file %s: line %d: field %s given twice", name, key.Line, key.Value)
		}
		seen[key.Value] = true
		if err := setField(cfg, key.Value, value.Decode); err != nil {
			return fmt.Errorf("config file %s: line %d: field %s: %s", name, key.Line, key.Value, yamlMessage(err))
		}
	}
	return nil
}

// yamlMessage flattens the decoder's multi-line "unmarshal errors" text.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	return strings.Join(strings.Fields(msg), " ")
}

// applyJSON is applyYAML for JSON files: JSON offers no line numbers, so
// errors name the field alone.
func applyJSON(cfg *server.Config, name string, data []byte) error {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&fields); err != nil {
		return fmt.Errorf("config file %s: want a JSON object of fields: %v", name, err)
	}
	if dec.More() {
		return fmt.Errorf("config file %s: data after the JSON object", name)
	}
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		if _, ok := fileFields[key]; !ok {
			return fmt.Errorf("config file %s: unknown field %q (known: %s)", name, key, knownFields())
		}
		raw := fields[key]
		if err := setField(cfg, key, func(v any) error { return json.Unmarshal(raw, v) }); err != nil {
			return fmt.Errorf("config file %s: field %s: %v", name, key, err)
		}
	}
	return nil
}

func knownFields() string {
	return strings.Join(slices.Sorted(maps.Keys(fileFields)), ", ")
}

// parseSigningKey reads standard base64, padded or not; "" means no key.
func parseSigningKey(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(s)
	}
	if err != nil {
		return nil, errors.New("not standard base64") // never the key itself
	}
	return key, nil
}

// parseInteger reads a decimal integer such as 1000.
func parseInteger(s string) (int, error) {
	n, err := strconv.Atoi(s)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("%s is out of range", s)
	case err != nil:
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	return n, nil
}

// parseLifetime reads a Go duration such as "10m" or "3600s". Zero is
// refused: server.Config reads a zero lifetime as "the default", which a
// file or a variable that says 0s does not mean; leaving it out does.
func parseLifetime(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 10m or 3600s", s)
	}
	if d == 0 {
		return 0, fmt.Errorf("%q is no lifetime; leave it out for the default", s)
	}
	return d, nil
}
