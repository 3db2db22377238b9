package api

import (
	"fmt"
	"testing"
	"time"
)

func TestD8FailedAuthenticationsBlockTheAddress(t *testing.T) {
	ls := newLimiters(Limits{FailedAuthPerMinute: 6, FailedAuthBurst: 3}.withDefaults())
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if w := ls.authBlocked("192.0.2.1", now); w != 0 {
			t.Fatalf("blocked after %d failures", i)
		}
		ls.authFailed("192.0.2.1", now)
	}
	w := ls.authBlocked("192.0.2.1", now)
	if w <= 0 || w > 10*time.Second {
		t.Fatalf("after the burst: wait %v, want up to 10s (6 a minute)", w)
	}
	if retryAfter(w) != 10 {
		t.Errorf("Retry-After %d, want 10", retryAfter(w))
	}
	if ls.authBlocked("192.0.2.2", now) != 0 {
		t.Error("another address is blocked too")
	}
	if ls.authBlocked("192.0.2.1", now.Add(10*time.Second)) != 0 {
		t.Error("still blocked once a failure was earned back")
	}
	if ls.failed.len() != 1 {
		t.Errorf("%d addresses tracked; only failing ones should be", ls.failed.len())
	}
}

func TestD8RequestsPerSubject(t *testing.T) {
	ls := newLimiters(Limits{RequestsPerSecond: 2, RequestBurst: 5}.withDefaults())
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		if w := ls.subjectWait("reg-1", now); w != 0 {
			t.Fatalf("request %d waited %v", i, w)
		}
	}
	w := ls.subjectWait("reg-1", now)
	if w <= 0 || w > 500*time.Millisecond {
		t.Fatalf("6th request: wait %v", w)
	}
	// A refused request takes nothing: after the wait one more passes.
	if w := ls.subjectWait("reg-1", now.Add(500*time.Millisecond)); w != 0 {
		t.Fatalf("after the wait: %v", w)
	}
	if w := ls.subjectWait("reg-2", now); w != 0 {
		t.Fatal("another subject waits")
	}
}

func TestD8IdleLimitersAreEvicted(t *testing.T) {
	s := newLimiterSet(1, 10, 1000) // full again after 10s; idle after a minute
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i := range 500 {
		s.get(fmt.Sprint("subject-", i), now)
	}
	if s.len() != 500 {
		t.Fatalf("%d tracked", s.len())
	}
	s.get("late", now.Add(2*time.Minute))
	if s.len() != 1 {
		t.Errorf("%d tracked after the others were idle for 2 minutes, want 1", s.len())
	}
	// Busy keys beyond the bound: the set stays bounded.
	small := newLimiterSet(1, 10, 100)
	for i := range 1000 {
		small.get(fmt.Sprint("k", i), now)
	}
	if small.len() > 100 {
		t.Errorf("%d tracked, bound is 100", small.len())
	}
}

func TestD8ClientAddress(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:5555":             "127.0.0.1",
		"[::ffff:192.0.2.7]:80":      "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:443": "2001:db8:1:2::/64",
		"not-an-address":             "not-an-address",
	} {
		if got := clientAddr(in); got != want {
			t.Errorf("clientAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestD14PersonalDataPaths(t *testing.T) {
	for path, want := range map[string]bool{
		"/v1/cases/MAR-110105-20261128-0001":   true,
		"/v1/me/inbox":                         true,
		"/v1/staff/reg-1":                      true,
		"/v1/procedures":                       false,
		"/v1/procedures/marriage-registration": false,
		"/v1/calendar/deadline":                false,
		"/openapi.json":                        false,
	} {
		if got := personal(path); got != want {
			t.Errorf("personal(%s) = %v", path, got)
		}
	}
}
