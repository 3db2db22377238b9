package bench

import (
	"fmt"
	"math"
	"sort"
	"time"

	"civilflow/idnumber"
)

// Percentile returns the p-th percentile (0–100) of ds by the nearest-rank
// method; 0 for no samples. ds is sorted in place.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	rank := int(math.Ceil(p / 100 * float64(len(ds))))
	rank = min(max(rank, 1), len(ds))
	return ds[rank-1]
}

// Pacer schedules the arrivals of an open loop at a fixed rate from a
// start: the n-th case is due at start + n/rate whatever happened to the
// ones before, so a slow server does not slow the offered load.
type Pacer struct {
	start    time.Time
	interval time.Duration
	n        int64
}

// NewPacer paces rate cases per second from start.
func NewPacer(start time.Time, rate float64) *Pacer {
	return &Pacer{start: start, interval: time.Duration(float64(time.Second) / rate)}
}

// Next returns when the next case is due.
func (p *Pacer) Next() time.Time {
	t := p.start.Add(time.Duration(p.n) * p.interval)
	p.n++
	return t
}

// Couple is a man and a woman free to marry: valid, distinct identity
// numbers of Chaoyang district (110105), the man born 1990 and the woman
// two years later, both of age.
type Couple struct{ Man, Woman string }

// CoupleN returns the n-th couple (n ≥ 0) of a run; distinct n give
// distinct people, so every case is a fresh couple and the one-open-
// marriage rule never refuses one. 400 couples share a birthday.
func CoupleN(n int) Couple {
	birth := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n/400)
	seq := (n % 400) * 2 // the sequence's parity gives the sex: odd is male
	return Couple{Man: idNumber("110105", birth, seq+1), Woman: idNumber("110105", birth.AddDate(2, 0, 0), seq+2)}
}

func idNumber(region string, birth time.Time, seq int) string {
	first17 := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), seq%1000)
	return first17 + string(idnumber.CheckDigit(first17))
}
