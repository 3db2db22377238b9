// Package divisions knows the administrative-division codes of GB/T 2260
// (six digits PPCCDD) and the jurisdiction hierarchy they form.
//
// The code table is data with a version: county-to-city conversions change
// codes, so the embedded CSV files are replaced, never edited in code.
package divisions

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"sync"
)

// Nationwide is the jurisdiction that covers every division.
const Nationwide = "000000"

// TableVersion names the source of the embedded code table.
const TableVersion = "nbs-2023-06-30"

//go:embed data/*.csv
var dataFS embed.FS

// Level is the level of a division in the hierarchy.
type Level int

// Levels of the hierarchy, from the top.
const (
	LevelNation Level = iota
	LevelProvince
	LevelPrefecture
	LevelCounty
)

// Division is one administrative division.
type Division struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level Level  `json:"level"`
}

// Valid reports whether code has the shape of a six-digit division code.
func Valid(code string) bool {
	if len(code) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// LevelOf infers the level of a well-formed code from its trailing zeros.
func LevelOf(code string) Level {
	switch {
	case code == Nationwide:
		return LevelNation
	case code[2:] == "0000":
		return LevelProvince
	case code[4:] == "00":
		return LevelPrefecture
	default:
		return LevelCounty
	}
}

// Parent returns the code one level up ("" for the nation).
func Parent(code string) string {
	switch LevelOf(code) {
	case LevelNation:
		return ""
	case LevelProvince:
		return Nationwide
	case LevelPrefecture:
		return code[:2] + "0000"
	default:
		return code[:4] + "00"
	}
}

// Covers reports whether a role held at holder extends to target: a province
// covers its prefectures and counties, a prefecture its counties, a county
// only itself. It is pure so that workflow code may call it.
func Covers(holder, target string) bool {
	if !Valid(holder) || !Valid(target) {
		return false
	}
	switch LevelOf(holder) {
	case LevelNation:
		return true
	case LevelProvince:
		return holder[:2] == target[:2]
	case LevelPrefecture:
		return holder[:4] == target[:4]
	default:
		return holder == target
	}
}

// Prefix returns the leading digits that every code within holder shares,
// for indexed LIKE queries ("" for nationwide).
func Prefix(holder string) string {
	switch LevelOf(holder) {
	case LevelNation:
		return ""
	case LevelProvince:
		return holder[:2]
	case LevelPrefecture:
		return holder[:4]
	default:
		return holder
	}
}

// Table is the national code table.
type Table struct {
	byCode map[string]Division
}

var (
	defaultOnce  sync.Once
	defaultTable *Table
	defaultErr   error
)

// Default returns the embedded national table, parsed once.
func Default() (*Table, error) {
	defaultOnce.Do(func() { defaultTable, defaultErr = load() })
	return defaultTable, defaultErr
}

func load() (*Table, error) {
	t := &Table{byCode: map[string]Division{Nationwide: {Code: Nationwide, Name: "全国", Level: LevelNation}}}
	files := []struct {
		name string
		pad  string
	}{{"provinces.csv", "0000"}, {"cities.csv", "00"}, {"areas.csv", ""}}
	for _, f := range files {
		raw, err := dataFS.ReadFile("data/" + f.name)
		if err != nil {
			return nil, fmt.Errorf("divisions: %s: %w", f.name, err)
		}
		r := csv.NewReader(bytes.NewReader(raw))
		r.FieldsPerRecord = -1
		if _, err := r.Read(); err != nil { // header
			return nil, fmt.Errorf("divisions: %s: header: %w", f.name, err)
		}
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("divisions: %s: %w", f.name, err)
			}
			code := rec[0] + f.pad
			if !Valid(code) || len(rec) < 2 {
				return nil, fmt.Errorf("divisions: %s: bad row %q", f.name, rec)
			}
			t.byCode[code] = Division{Code: code, Name: rec[1], Level: LevelOf(code)}
		}
	}
	return t, nil
}

// Lookup returns the division with code.
func (t *Table) Lookup(code string) (Division, bool) {
	d, ok := t.byCode[code]
	return d, ok
}

// FullName joins the names from the province down, e.g. 河南省郑州市金水区.
// Grouping rows such as 市辖区 are left out because they are not offices.
func (t *Table) FullName(code string) string {
	var parts []string
	for c := code; c != "" && c != Nationwide; c = Parent(c) {
		d, ok := t.byCode[c]
		if ok && d.Name != "市辖区" && d.Name != "县" && d.Name != "省直辖县级行政区划" && d.Name != "自治区直辖县级行政区划" {
			parts = append([]string{d.Name}, parts...)
		}
	}
	if len(parts) == 0 {
		if d, ok := t.byCode[code]; ok {
			return d.Name
		}
		return code
	}
	var b bytes.Buffer
	for _, p := range parts {
		b.WriteString(p)
	}
	return b.String()
}

// HasCounties reports whether a prefecture has county-level divisions in
// the table; a city without them (东莞, 中山) acts as a county itself.
func (t *Table) HasCounties(prefecture string) bool {
	for code, d := range t.byCode {
		if d.Level == LevelCounty && code[:4] == prefecture[:4] {
			return true
		}
	}
	return false
}
