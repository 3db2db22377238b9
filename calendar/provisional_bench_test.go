package calendar

import (
	"context"
	"testing"
)

// BenchmarkCount compares a count on loaded data with a provisional one
// and one on a live calendar (snapshot look-up included).
func BenchmarkCount(b *testing.B) {
	live, err := NewLive(context.Background(), Default().Provisional(), &memSource{stamp: "0"})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		cal  *Calendar
		from Date
	}{
		{"loaded-2026", Default(), Date{2026, 3, 2}},
		{"provisional-2027", Default().Provisional(), Date{2027, 3, 1}},
		{"live-provisional-2027", live, Date{2027, 3, 1}},
		{"guangxi-2025", Default().ForDivision("450103"), Date{2025, 3, 24}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bc.cal.Count(bc.from, 30, WorkingDays); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("compute-year", func(b *testing.B) {
		for b.Loop() {
			provisionalYear(2031)
		}
	})
}
