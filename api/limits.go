package api

import (
	"math"
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"civilflow/auth"
)

// Limits bound what one client may ask of the API. The zero value of each
// field means its default; set generous values where a test or a trusted
// batch client needs them.
type Limits struct {
	// FailedAuthPerMinute is how fast a client address earns back failed
	// authentications (bad, expired or revoked tokens) once its burst is
	// spent; default 60. While it has none left, every request from that
	// address gets 429, with a valid token too, so a guess that succeeds
	// cannot be told from one that fails. Requests without a token do not
	// count.
	FailedAuthPerMinute float64
	// FailedAuthBurst is how many failed authentications an address may
	// make at once; default 100.
	FailedAuthBurst int
	// RequestsPerSecond is the sustained rate of requests one
	// authenticated subject may make; default 20.
	RequestsPerSecond float64
	// RequestBurst is how many requests a subject may make at once;
	// default 200.
	RequestBurst int
	// MaxTokenTTL is the longest token lifetime (exp − iat) accepted;
	// default auth.DefaultMaxTTL.
	MaxTokenTTL time.Duration
	// MaxTracked bounds the addresses and the subjects tracked (each);
	// default 100,000. Entries idle long enough to have a full allowance
	// again are dropped first.
	MaxTracked int
}

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	if l.FailedAuthPerMinute <= 0 {
		l.FailedAuthPerMinute = 60
	}
	if l.FailedAuthBurst <= 0 {
		l.FailedAuthBurst = 100
	}
	if l.RequestsPerSecond <= 0 {
		l.RequestsPerSecond = 20
	}
	if l.RequestBurst <= 0 {
		l.RequestBurst = 200
	}
	if l.MaxTokenTTL <= 0 {
		l.MaxTokenTTL = auth.DefaultMaxTTL
	}
	if l.MaxTracked <= 0 {
		l.MaxTracked = 100_000
	}
	return l
}

// limiters holds the failed-authentication limiters by client address and
// the request limiters by subject. They live in this process: a limit per
// API process is still a limit, and nothing about who may do what depends
// on them.
type limiters struct {
	failed   *limiterSet
	subjects *limiterSet
}

func newLimiters(l Limits) *limiters {
	return &limiters{
		failed:   newLimiterSet(rate.Limit(l.FailedAuthPerMinute/60), l.FailedAuthBurst, l.MaxTracked),
		subjects: newLimiterSet(rate.Limit(l.RequestsPerSecond), l.RequestBurst, l.MaxTracked),
	}
}

// authBlocked says how long addr must wait before it may authenticate
// again (0: it may now).
func (ls *limiters) authBlocked(addr string, now time.Time) time.Duration {
	lim := ls.failed.peek(addr)
	if lim == nil {
		return 0
	}
	if tokens := lim.TokensAt(now); tokens < 1 {
		return time.Duration((1 - tokens) / float64(lim.Limit()) * float64(time.Second))
	}
	return 0
}

// authFailed counts a failed authentication from addr.
func (ls *limiters) authFailed(addr string, now time.Time) {
	ls.failed.get(addr, now).AllowN(now, 1)
}

// subjectWait takes one request from subject's allowance and returns 0, or
// returns how long the subject must wait, taking nothing.
func (ls *limiters) subjectWait(subject string, now time.Time) time.Duration {
	r := ls.subjects.get(subject, now).ReserveN(now, 1)
	if !r.OK() {
		return time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// limiterSet is one limiter per key, forgetting keys idle long enough for
// their allowance to be full again: a fresh limiter is then the same.
type limiterSet struct {
	mu        sync.Mutex
	every     rate.Limit
	burst     int
	max       int
	idle      time.Duration
	entries   map[string]*limiterEntry
	lastSweep time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiterSet(every rate.Limit, burst, max int) *limiterSet {
	idle := time.Duration(math.Ceil(float64(burst)/float64(every))) * time.Second
	if idle < time.Minute {
		idle = time.Minute
	}
	return &limiterSet{every: every, burst: burst, max: max, idle: idle, entries: map[string]*limiterEntry{}}
}

// peek returns key's limiter, or nil when key is not tracked.
func (s *limiterSet) peek(key string) *rate.Limiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.entries[key]; e != nil {
		return e.lim
	}
	return nil
}

// get returns key's limiter, creating it.
func (s *limiterSet) get(key string, now time.Time) *rate.Limiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.lastSweep) >= s.idle {
		s.sweep(now)
	}
	e := s.entries[key]
	if e == nil {
		if len(s.entries) >= s.max {
			s.sweep(now)
		}
		for k := range s.entries {
			if len(s.entries) < s.max {
				break
			}
			// Still full of busy keys: forget an arbitrary one rather
			// than grow without bound.
			delete(s.entries, k)
		}
		e = &limiterEntry{lim: rate.NewLimiter(s.every, s.burst)}
		s.entries[key] = e
	}
	e.seen = now
	return e.lim
}

// sweep drops the entries idle for s.idle. The caller holds s.mu.
func (s *limiterSet) sweep(now time.Time) {
	for k, e := range s.entries {
		if now.Sub(e.seen) >= s.idle {
			delete(s.entries, k)
		}
	}
	s.lastSweep = now
}

// len is the number of keys tracked.
func (s *limiterSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// clientAddr is the key of a request's client: its IP address, an IPv6
// address reduced to its /64 (one host usually holds the whole /64). The
// X-Forwarded-For header is not trusted: the API listens directly.
func clientAddr(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		if p, err := ip.Prefix(64); err == nil {
			return p.String()
		}
	}
	return ip.String()
}

// retryAfter is d in whole seconds for the Retry-After header, at least 1.
func retryAfter(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return s
}
