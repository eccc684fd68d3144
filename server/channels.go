package server

import (
	"maps"
	"sync"
	"sync/atomic"
)

// channels is the set of configured channels. Every applyToken reads it and
// almost nothing writes it, so reads are one atomic load of an immutable
// map and writes copy the map.
type channels struct {
	mu  sync.Mutex // serialises writers
	set atomic.Pointer[map[string]bool]
}

func newChannels(initial map[string]bool) *channels {
	c := &channels{}
	m := maps.Clone(initial)
	if m == nil {
		m = map[string]bool{}
	}
	c.set.Store(&m)
	return c
}

// lookup reports whether id is configured and whether it is enabled.
func (c *channels) lookup(id string) (enabled, known bool) {
	enabled, known = (*c.set.Load())[id]
	return enabled, known
}

func (c *channels) put(id string, enabled bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := maps.Clone(*c.set.Load())
	m[id] = enabled
	c.set.Store(&m)
}
