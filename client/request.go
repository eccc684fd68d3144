package client

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aicc-kit/applytoken/gen/apiclient"
	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// ApplyTokenRequest is the body of an applyToken call: the user session a
// ccmessaging-token is issued for. It is the contract's ApplyTokenRequest
// as oapi-codegen generates it, field docs included (UserID, UserName,
// ChannelID and Locale today), so that a property the contract adds is a
// field after `make generate`, checked like the others.
type ApplyTokenRequest = apiclient.ApplyTokenRequest

// encodeRequest returns req as the body of an applyToken call, or a
// [*ValidationError] for the first rule of the contract it breaks, checked
// as the stub checks it: nothing the server would refuse with 400 or 413
// goes on the wire.
func encodeRequest(req ApplyTokenRequest) ([]byte, error) {
	// encoding/json would silently turn invalid bytes into U+FFFD, so that
	// two different values reach the server as one.
	if path, bad := invalidUTF8(reflect.ValueOf(req), ""); bad {
		return nil, &ValidationError{Field: path, Reason: "is not valid UTF-8"}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", contract.OpApplyToken, err)
	}
	// A field's own rule first, as it says more than the size; then the
	// cap, which the stub answers with 413 (userName, say, has no bound).
	v := rules.First(contract.ApplyToken.CheckBody(jsonContentType, body))
	if v == nil {
		v = contract.ApplyToken.Body.OverCap(int64(len(body)))
	}
	if v != nil {
		field := v.Name
		if field == "" {
			field = "body"
		}
		return nil, &ValidationError{Field: field, Reason: v.Reason}
	}
	return body, nil
}

// invalidUTF8 returns the path of the first string in v that is not valid
// UTF-8, in the form of rules.Violation's Name ("userId", "items/0/name"):
// fields are named by their json tags, as encoding/json names them.
func invalidUTF8(v reflect.Value, path string) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		return path, !utf8.ValidString(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return invalidUTF8(v.Elem(), path)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			name, ok := jsonName(t.Field(i))
			if !ok {
				continue
			}
			if p, bad := invalidUTF8(v.Field(i), join(path, name)); bad {
				return p, true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", false // bytes: base64 or raw JSON, not text
		}
		for i := range v.Len() {
			if p, bad := invalidUTF8(v.Index(i), join(path, strconv.Itoa(i))); bad {
				return p, true
			}
		}
	case reflect.Map:
		// A map's keys are the caller's, not the contract's: the map is
		// named, so that no error repeats what the caller sent.
		for it := v.MapRange(); it.Next(); {
			if _, bad := invalidUTF8(it.Key(), path); bad {
				return path, true
			}
			if _, bad := invalidUTF8(it.Value(), path); bad {
				return path, true
			}
		}
	}
	return "", false
}

// jsonName returns the name encoding/json gives f, "" for an embedded
// struct whose fields it lifts, and false for a field it leaves out.
func jsonName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	if tag == "-" || (!f.IsExported() && !f.Anonymous) {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" && !f.Anonymous {
		name = f.Name
	}
	return name, true
}

func join(path, name string) string {
	switch {
	case name == "":
		return path
	case path == "":
		return name
	}
	return path + "/" + name
}
