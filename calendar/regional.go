package calendar

import (
	"maps"
	"slices"
	"strings"
	"sync"
)

// region is the days off one division adds to the national calendar: the
// holidays that 全国年节及纪念日放假办法第四条 leaves to the local governments
// of areas where ethnic minorities live (e.g. 广西"三月三"), from their
// yearly notices.
type region struct {
	code     string
	prefix   string // the code without trailing "00" pairs: 450000 → 45
	versions []string
	years    map[int]*yearData
}

func (r *region) clone() *region {
	return &region{code: r.code, prefix: r.prefix, versions: slices.Clone(r.versions), years: maps.Clone(r.years)}
}

func isRegionCode(s string) bool {
	if len(s) != 6 || s == "000000" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func regionPrefix(code string) string {
	for strings.HasSuffix(code, "00") {
		code = code[:len(code)-2]
	}
	return code
}

func (c *Calendar) addRegion(code, version string, years []*yearData) {
	r := c.regions[code]
	if r == nil {
		r = &region{code: code, prefix: regionPrefix(code), years: map[int]*yearData{}}
		c.regions[code] = r
	}
	r.versions = append(r.versions, version)
	for _, yd := range years {
		r.years[yd.year] = yd
	}
}

// ForDivision returns the calendar a case of the office code counts on: the
// national calendar plus the days off of every region containing code
// (M20), with their versions added to Version. Nationally ("" or 000000)
// it is the calendar itself. The view is a snapshot: on a live calendar,
// take a new one for each count.
func (c *Calendar) ForDivision(code string) *Calendar {
	c = c.cur()
	if code == "" || code == "000000" || len(c.regions) == 0 {
		return c
	}
	v := *c
	v.division = code
	return &v
}

// matching lists the regions containing the view's division, by code.
func (c *Calendar) matching() []*region {
	if c.division == "" {
		return nil
	}
	var rs []*region
	for _, r := range c.regions {
		if strings.HasPrefix(c.division, r.prefix) {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *region) int { return strings.Compare(a.code, b.code) })
	return rs
}

// regionVersion is what a division view adds to Version.
func (c *Calendar) regionVersion() string {
	var b strings.Builder
	for _, r := range c.matching() {
		for _, v := range r.versions {
			b.WriteString("+" + v)
		}
	}
	return b.String()
}

// regionalHoliday names the regional day off on d for the view's division.
func (c *Calendar) regionalHoliday(d Date) string {
	for _, r := range c.matching() {
		if yd := r.years[d.Year]; yd != nil && yd.holidays[d] != "" {
			return yd.holidays[d]
		}
	}
	return ""
}

// regionalMakeUp reports whether the view's region works on weekend day d.
func (c *Calendar) regionalMakeUp(d Date) bool {
	for _, r := range c.matching() {
		if yd := r.years[d.Year]; yd != nil && yd.makeUp[d] {
			return true
		}
	}
	return false
}

// Regions lists the division codes with regional days off.
func (c *Calendar) Regions() []string {
	return slices.Sorted(maps.Keys(c.cur().regions))
}

// provisionalCache keeps the computed years: the lunar conversion is not free
// and a year's statutory holidays never change.
var provisionalCache sync.Map // int -> *yearData

func provisionalYears(y int) *yearData {
	if v, ok := provisionalCache.Load(y); ok {
		return v.(*yearData)
	}
	v, _ := provisionalCache.LoadOrStore(y, provisionalYear(y))
	return v.(*yearData)
}

// Provisional returns a calendar like c that counts a year from
// ProvisionalFrom to ProvisionalUntil without a loaded notice from the
// statutory holidays alone, marking every such count provisional with the
// reason (Deadline.Provisional), instead of failing with ErrYearNotCovered.
// Years before ProvisionalFrom had other holidays and still need their
// notices.
func (c *Calendar) Provisional() *Calendar {
	c = c.cur()
	v := *c
	v.provisional = true
	return &v
}

// IsProvisional reports whether c counts years without a notice provisionally.
func (c *Calendar) IsProvisional() bool { return c.cur().provisional }
