package main

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync/atomic"
	"time"
)

// offsetClock is the stub's clock (server.Config.Now) under -controls: the
// wall clock plus however far POST /_stub/advance has moved it. It runs on
// with the wall clock and only ever moves forward. Everything the stub
// dates follows it: the tokens' expiries, their checks, a ccmessaging-token's
// rotation, CreateTime. The http.Server's timeouts, a fault's delay and the
// log's timestamps stay on the wall clock.
type offsetClock struct {
	offset atomic.Int64 // nanoseconds ahead of the wall clock
}

// maxAdvance bounds one move of the clock, so that a mistyped duration
// cannot throw it years ahead in one call.
const maxAdvance = 24 * time.Hour

// Now is the wall clock plus the offset.
func (c *offsetClock) Now() time.Time {
	return time.Now().Add(time.Duration(c.offset.Load()))
}

// Advance moves the clock forward by d, more than 0 and at most
// maxAdvance. The error says why it did not move.
func (c *offsetClock) Advance(d time.Duration) error {
	switch {
	case d <= 0:
		return fmt.Errorf("by %v does not move the clock forward: want more than 0s, at most %v", d, maxAdvance)
	case d > maxAdvance:
		return fmt.Errorf("by %v is more than %v, the most one call moves the clock", d, maxAdvance)
	}
	for {
		old := c.offset.Load()
		if old > math.MaxInt64-int64(d) {
			return fmt.Errorf("the clock is already %v ahead and can move no further", time.Duration(old))
		}
		if c.offset.CompareAndSwap(old, old+int64(d)) {
			return nil
		}
	}
}

// advance moves clock as POST /_stub/advance asks:
//
//	{"by":"90s"}        the stub's clock is 90s further on
//
// The error, which the control answers with 400, says what is wrong: no
// "by", a text that is not a duration, or a duration out of bounds
// (more than 0s, at most 24h a call).
func advance(r *http.Request, clock *offsetClock) error {
	var in struct {
		By string `json:"by"`
	}
	if err := decodeControl(r, &in); err != nil {
		return err
	}
	if in.By == "" {
		return errors.New(`want {"by": "90s"}, a duration to move the clock forward by`)
	}
	d, err := time.ParseDuration(in.By)
	if err != nil {
		return fmt.Errorf("by %q is not a duration such as 90s or 1h", in.By)
	}
	return clock.Advance(d)
}
