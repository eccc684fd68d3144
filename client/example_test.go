package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/aicc-kit/applytoken/client"
	"github.com/aicc-kit/applytoken/server/servertest"
)

// startStub runs the stub in-process, standing in for the AICC domain.
func startStub() *servertest.Server {
	srv, err := servertest.Start()
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

func ExampleNew() {
	aicc := startStub() // in real use: "https://service.besclouds.com"
	defer aicc.Close()

	c, err := client.New(aicc.URL, client.WithCredentials(aicc.AppKey, aicc.AppSecret))
	if err != nil {
		log.Fatal(err)
	}
	_ = c // share c: it caches the AccessToken for all its callers

	// Options check their input.
	_, err = client.New(aicc.URL, client.WithCredentials(aicc.AppKey, ""))
	fmt.Println(err)
	// Output: client: WithCredentials: app secret is empty
}

func ExampleClient_ApplyToken() {
	aicc := startStub()
	defer aicc.Close()
	c, err := client.New(aicc.URL,
		client.WithCredentials(aicc.AppKey, aicc.AppSecret),
		client.WithClock(aicc.Now)) // the stub's clock stands still; so does the client's
	if err != nil {
		log.Fatal(err)
	}

	tok, err := c.ApplyToken(context.Background(), client.ApplyTokenRequest{
		UserID:    "user-0001",
		UserName:  "Alice",
		ChannelID: aicc.ChannelID,
		Locale:    "en",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("valid:", tok.Valid(), "for", tok.Expiry.Sub(aicc.Now()))

	// Invalid input never leaves the process: a locale is a language
	// code, such as "en".
	_, err = c.ApplyToken(context.Background(), client.ApplyTokenRequest{
		UserID: "user-0001", UserName: "Alice", ChannelID: aicc.ChannelID, Locale: "English",
	})
	var verr *client.ValidationError
	fmt.Println(errors.As(err, &verr), verr.Field)

	// A disabled channel is a business failure: resultCode "1".
	_, err = c.ApplyToken(context.Background(), client.ApplyTokenRequest{
		UserID: "user-0001", UserName: "Alice", ChannelID: aicc.DisabledChannelID, Locale: "en",
	})
	var rerr *client.ResultError
	fmt.Println(errors.As(err, &rerr), rerr.ResultCode)

	// Other refusals are *APIError, matched by status with the sentinels.
	aicc.FailNext("applyToken", http.StatusInternalServerError)
	_, err = c.ApplyToken(context.Background(), client.ApplyTokenRequest{
		UserID: "user-0001", UserName: "Alice", ChannelID: aicc.ChannelID, Locale: "en",
	})
	fmt.Println(errors.Is(err, client.ErrServer))
	// Output:
	// valid: true for 1h0m0s
	// true locale
	// true 1
	// true
}

func ExampleClient_TokenSource() {
	aicc := startStub()
	defer aicc.Close()
	c, err := client.New(aicc.URL,
		client.WithCredentials(aicc.AppKey, aicc.AppSecret),
		client.WithClock(aicc.Now))
	if err != nil {
		log.Fatal(err)
	}

	// One source per user session; share it between goroutines.
	ts := c.TokenSource(client.ApplyTokenRequest{
		UserID: "user-0001", UserName: "Alice", ChannelID: aicc.ChannelID, Locale: "en",
	})
	ctx := context.Background()
	first, err := ts.Token(ctx)
	if err != nil {
		log.Fatal(err)
	}
	again, err := ts.Token(ctx) // cached: no call
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("same token:", first == again, "applyToken calls:", aicc.Calls("applyToken"))
	// Output: same token: true applyToken calls: 1
}

func ExampleTransport() {
	aicc := startStub()
	defer aicc.Close()
	// A later CC-Messaging endpoint, here a stand-in that shows what it got.
	messaging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("ccmessaging-token set:", r.Header.Get("ccmessaging-token") != "")
		fmt.Println("x-app-key:", r.Header.Get("x-app-key"))
		fmt.Println("Bearer AccessToken:", strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer messaging.Close()

	c, err := client.New(aicc.URL, client.WithCredentials(aicc.AppKey, aicc.AppSecret))
	if err != nil {
		log.Fatal(err)
	}
	ts := c.TokenSource(client.ApplyTokenRequest{
		UserID: "user-0001", UserName: "Alice", ChannelID: aicc.ChannelID, Locale: "en",
	})
	hc := &http.Client{Transport: &client.Transport{Source: ts}}

	resp, err := hc.Post(messaging.URL+"/apiaccess/ccmessaging/send", "application/json", strings.NewReader(`{"content":"hello"}`))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// ccmessaging-token set: true
	// x-app-key: demo-app-key
	// Bearer AccessToken: true
	// 200 OK
}
