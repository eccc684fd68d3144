package rules

import (
	"math"
	"strconv"
	"time"
)

// The conversions of the lifetime methods internal/specgen writes beside
// the models, for properties marked x-lifetime: seconds.

// Seconds reads a lifetime given as decimal seconds, such as "600". ok is
// false for anything else, or for more seconds than a Duration holds.
func Seconds(s string) (d time.Duration, ok bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return IntSeconds(n)
}

// SecondsPtr is Seconds of an optional property; nil is not a lifetime.
func SecondsPtr(s *string) (time.Duration, bool) {
	if s == nil {
		return 0, false
	}
	return Seconds(*s)
}

// IntSeconds reads a lifetime given as a whole number of seconds.
func IntSeconds(n int64) (time.Duration, bool) {
	if n < 0 || n > math.MaxInt64/int64(time.Second) {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// IntSecondsPtr is IntSeconds of an optional property; nil is not a lifetime.
func IntSecondsPtr[T int | int32 | int64](n *T) (time.Duration, bool) {
	if n == nil {
		return 0, false
	}
	return IntSeconds(int64(*n))
}

// FormatSeconds writes d as decimal whole seconds.
func FormatSeconds(d time.Duration) string {
	return strconv.FormatInt(int64(d/time.Second), 10)
}
