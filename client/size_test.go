package client

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// maxSizeRatio is how much larger a program that uses the client may be
// than the same program written by hand with net/http, encoding/json and
// x/oauth2.
const maxSizeRatio = 1.05

// sizeBuildFlags are the flags both programs are built with: stripped, as
// a release build is (unstripped the ratio is the same, 1.040x today).
// No -trimpath: the compiled standard library is then the one `go build`
// and `go vet` leave in GOCACHE, and a cold run stays short.
var sizeBuildFlags = []string{"-ldflags=-s -w"}

// The same program twice: tokenByAkSk, applyToken, and a later call with
// the three headers.
const (
	withClient = `package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/aicc-kit/applytoken/client"
)

func main() {
	base := os.Args[1]
	c, err := client.New(base, client.WithCredentials(os.Getenv("AICC_APP_KEY"), os.Getenv("AICC_APP_SECRET")))
	if err != nil {
		panic(err)
	}
	ts := c.TokenSource(client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "demo-channel", Locale: "en"})
	tok, err := ts.Token(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println("expires", tok.Expiry)
	hc := &http.Client{Transport: &client.Transport{Source: ts}}
	resp, err := hc.Post(base+"/apiaccess/ccmessaging/send", "application/json", nil)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
}
`
	byHand = `package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"golang.org/x/oauth2"
)

type akskSource struct{ base, key, secret string }

func (s akskSource) Token() (*oauth2.Token, error) {
	body, err := json.Marshal(map[string]string{"app_key": s.key, "app_secret": s.secret})
	if err != nil {
		return nil, err
	}
	issued := time.Now()
	resp, err := http.Post(s.base+"/apigovernance/api/oauth/tokenByAkSk", "application/json; charset=UTF-8", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("tokenByAkSk: %s", resp.Status)
	}
	var res struct{ AccessToken, ApplyType, Expires string }
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, err
	}
	n, err := strconv.ParseInt(res.Expires, 10, 64)
	if err != nil {
		return nil, err
	}
	return &oauth2.Token{AccessToken: res.AccessToken, TokenType: res.ApplyType, Expiry: issued.Add(time.Duration(n) * time.Second)}, nil
}

func main() {
	base, key := os.Args[1], os.Getenv("AICC_APP_KEY")
	ts := oauth2.ReuseTokenSource(nil, akskSource{base, key, os.Getenv("AICC_APP_SECRET")})
	at, err := ts.Token()
	if err != nil {
		panic(err)
	}
	body, err := json.Marshal(map[string]string{"userId": "user-0001", "userName": "Alice", "channelId": "demo-channel", "locale": "en"})
	if err != nil {
		panic(err)
	}
	issued := time.Now()
	req, err := http.NewRequest(http.MethodPost, base+"/apiaccess/ccmessaging/applyToken", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("x-app-key", key)
	at.SetAuthHeader(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	var res struct{ Token, ResultCode string }
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || res.ResultCode != "0" {
		panic(errors.New("applyToken failed: " + resp.Status))
	}
	fmt.Println("expires", issued.Add(time.Hour))
	later, err := http.NewRequest(http.MethodPost, base+"/apiaccess/ccmessaging/send", nil)
	if err != nil {
		panic(err)
	}
	later.Header.Set("Content-Type", "application/json")
	later.Header.Set("ccmessaging-token", res.Token)
	later.Header.Set("x-app-key", key)
	at.SetAuthHeader(later)
	resp, err = http.DefaultClient.Do(later)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
}
`
)

// TestBinarySize builds both programs in a module of their own that uses
// this checkout, and compares their sizes. Sizes are deterministic for a
// toolchain, so the threshold does not flake.
func TestBinarySize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs")
	}
	t.Parallel()
	gobin := goCommand(t)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod": "module sizecheck\n\ngo 1.26\n\nrequire github.com/aicc-kit/applytoken v0.0.0\n\n" +
			"replace github.com/aicc-kit/applytoken => " + root + "\n",
		"go.sum":         string(sum),
		"client/main.go": withClient,
		"byhand/main.go": byHand,
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	size := func(pkg string) int64 {
		out := filepath.Join(dir, pkg, pkg+".bin")
		args := append([]string{"build", "-o", out}, sizeBuildFlags...)
		cmd := exec.Command(gobin, append(args, "./"+pkg)...)
		cmd.Dir = dir
		// Offline, from the module cache this checkout's build filled; -mod=mod
		// lets the go command add the requirements the replaced module implies.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build ./%s: %v\n%s", pkg, err, msg)
		}
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	withC, hand := size("client"), size("byhand")
	ratio := float64(withC) / float64(hand)
	t.Logf("go build %s: with client %d bytes, by hand (net/http, encoding/json, x/oauth2) %d bytes: %.3fx (at most %.2fx)",
		strings.Join(sizeBuildFlags, " "), withC, hand, ratio, maxSizeRatio)
	if ratio > maxSizeRatio {
		t.Errorf("a program using the client is %.3fx the size of one written by hand (%d against %d bytes); want at most %.2fx: see docs/architecture.md, The layers",
			ratio, withC, hand, maxSizeRatio)
	}
}
