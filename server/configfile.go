package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// LoadConfig returns DefaultConfig overridden by the config file at path
// (YAML, or JSON when the name ends in .json; "" means no file) and then by
// the APPLYTOKEN_* environment variables that getenv reports (nil means
// none). An error names the file, line and field, or the variable, at
// fault; it never quotes a secret.
func LoadConfig(path string, getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("server: config file: %w", err)
		}
		if strings.EqualFold(filepath.Ext(path), ".json") {
			err = applyJSON(&cfg, path, data)
		} else {
			err = applyYAML(&cfg, path, data)
		}
		if err != nil {
			return Config{}, err
		}
	}
	if getenv != nil {
		if err := applyEnv(&cfg, getenv); err != nil {
			return Config{}, err
		}
	}
	if err := cfg.validate(); err != nil {
		return Config{}, fmt.Errorf("server: config: %w", err)
	}
	return cfg, nil
}

// fileFields are the config file's fields. Each decodes its value with the
// file format's decoder, checks it, and sets it on cfg; a field the file
// leaves out keeps its value.
var fileFields = map[string]func(cfg *Config, decode func(any) error) error{
	"apps": func(cfg *Config, decode func(any) error) error {
		var apps map[string]string
		if err := decode(&apps); err != nil {
			return err
		}
		cfg.Apps = apps
		return checkApps(apps)
	},
	"channels": func(cfg *Config, decode func(any) error) error {
		var channels map[string]bool
		if err := decode(&channels); err != nil {
			return err
		}
		cfg.Channels = channels
		return checkChannels(channels)
	},
	"signingKey": func(cfg *Config, decode func(any) error) error {
		var s string
		if err := decode(&s); err != nil {
			return errors.New("want a base64 string") // the decoder's message may quote the key
		}
		key, err := parseSigningKey(s)
		cfg.SigningKey = key
		return err
	},
	"accessTokenLifetime":    lifetimeField(func(c *Config) *time.Duration { return &c.AccessTokenLifetime }, minAccessLifetime, maxAccessLifetime),
	"messagingTokenLifetime": lifetimeField(func(c *Config) *time.Duration { return &c.MessagingTokenLifetime }, minMessagingLifetime, maxMessagingLifetime),
}

func lifetimeField(field func(*Config) *time.Duration, lo, hi time.Duration) func(*Config, func(any) error) error {
	return func(cfg *Config, decode func(any) error) error {
		var s string
		if err := decode(&s); err != nil {
			return err
		}
		d, err := parseLifetime(s, lo, hi)
		*field(cfg) = d
		return err
	}
}

// applyYAML walks the document's top-level mapping itself, rather than
// decoding into a struct, so that every error can name the field it is
// about and an unknown field is an error.
func applyYAML(cfg *Config, name string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("server: config file %s: %s", name, yamlMessage(err))
	}
	if doc.Kind == 0 {
		return nil // an empty file overrides nothing
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("server: config file %s: line %d: want a mapping of fields", name, root.Line)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		set, ok := fileFields[key.Value]
		switch {
		case !ok:
			return fmt.Errorf("server: config file %s: line %d: unknown field %q (known: %s)", name, key.Line, key.Value, knownFields())
		case seen[key.Value]:
			return fmt.Errorf("server: config file %s: line %d: field %s given twice", name, key.Line, key.Value)
		}
		seen[key.Value] = true
		if err := set(cfg, value.Decode); err != nil {
			return fmt.Errorf("server: config file %s: line %d: field %s: %s", name, key.Line, key.Value, yamlMessage(err))
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
func applyJSON(cfg *Config, name string, data []byte) error {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&fields); err != nil {
		return fmt.Errorf("server: config file %s: want a JSON object of fields: %v", name, err)
	}
	if dec.More() {
		return fmt.Errorf("server: config file %s: data after the JSON object", name)
	}
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		set, ok := fileFields[key]
		if !ok {
			return fmt.Errorf("server: config file %s: unknown field %q (known: %s)", name, key, knownFields())
		}
		raw := fields[key]
		if err := set(cfg, func(v any) error { return json.Unmarshal(raw, v) }); err != nil {
			return fmt.Errorf("server: config file %s: field %s: %v", name, key, err)
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
	return key, checkSigningKey(key)
}

// parseLifetime reads a Go duration such as "10m" or "3600s".
func parseLifetime(s string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 10m or 3600s", s)
	}
	return d, checkLifetime(d, lo, hi)
}
