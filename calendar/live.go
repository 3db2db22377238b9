package calendar

import (
	"context"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// Source gives the calendar files loaded at run time (the database's
// calendar years) and a stamp that changes whenever they change, so that a
// live calendar only rebuilds when something was loaded.
type Source interface {
	CalendarStamp(ctx context.Context) (string, error)
	CalendarFiles(ctx context.Context) ([]File, error)
}

// LiveCheckEvery is how long a live calendar answers from its snapshot
// before asking its source whether another process loaded a year.
const LiveCheckEvery = 10 * time.Second

type live struct {
	base   *Calendar
	source Source
	every  time.Duration

	mu      sync.Mutex
	current *Calendar
	stamp   string
	checked time.Time
	err     error
	built   bool
}

// NewLive returns a calendar that is base plus the files of src, rebuilt
// whenever src's stamp changes (checked at most every LiveCheckEvery, and at
// once by Refresh). Every process sharing the source sees a loaded year
// without a restart. A source that fails or holds a bad file leaves the last
// good snapshot in use; LastError says why.
func NewLive(ctx context.Context, base *Calendar, src Source) (*Calendar, error) {
	l := &live{base: base.cur(), source: src, every: LiveCheckEvery, current: base.cur()}
	if err := l.refresh(ctx); err != nil {
		return nil, err
	}
	return &Calendar{live: l}, nil
}

// cur returns the snapshot to answer from: c itself unless c is live.
func (c *Calendar) cur() *Calendar {
	if c == nil || c.live == nil {
		return c
	}
	return c.live.snapshot()
}

func (l *live) snapshot() *Calendar {
	l.mu.Lock()
	stale := time.Since(l.checked) >= l.every
	cur := l.current
	l.mu.Unlock()
	if stale {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = l.refresh(ctx) // kept in l.err; the previous snapshot stays in use
		l.mu.Lock()
		cur = l.current
		l.mu.Unlock()
	}
	return cur
}

func (l *live) refresh(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.checked = time.Now()
	stamp, err := l.source.CalendarStamp(ctx)
	if err == nil && stamp == l.stamp && l.built {
		l.err = nil
		return nil
	}
	var files []File
	if err == nil {
		files, err = l.source.CalendarFiles(ctx)
	}
	var next *Calendar
	if err == nil {
		next, err = l.base.With(files...)
	}
	if err != nil {
		l.err = err
		return err
	}
	l.current, l.stamp, l.err, l.built = next, stamp, nil, true
	return nil
}

// Refresh rebuilds a live calendar from its source now, e.g. right after a
// year was loaded; on other calendars it does nothing.
func (c *Calendar) Refresh(ctx context.Context) error {
	if c == nil || c.live == nil {
		return nil
	}
	return c.live.refresh(ctx)
}

// LastError is why the last refresh of a live calendar failed, or nil.
func (c *Calendar) LastError() error {
	if c == nil || c.live == nil {
		return nil
	}
	c.live.mu.Lock()
	defer c.live.mu.Unlock()
	return c.live.err
}

// Check validates f as an addition to c (its own faults, and a year or
// version c already has) and returns its version and years.
func (c *Calendar) Check(f File) (string, []int, error) {
	if _, err := c.With(f); err != nil {
		return "", nil, err
	}
	doc, years, _ := parseFile(f)
	ys := make([]int, 0, len(years))
	for _, y := range years {
		ys = append(ys, y.year)
	}
	return doc.Version, ys, nil
}

// FileRegion is the division code a regional file is for, "" for a national
// file or one that does not parse (Check then says why): who may load a
// file depends on it.
func FileRegion(f File) string {
	var doc struct {
		Region string `yaml:"region"`
	}
	if err := yaml.Unmarshal(f.Data, &doc); err != nil {
		return ""
	}
	return doc.Region
}
