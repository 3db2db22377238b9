package procedures

import (
	"fmt"
	"sort"
)

// A param's value is either the value itself, or a map with a "default"
// and overrides keyed by division code, so one definition carries the
// national value and the local ones (a province's shorter time limit, a
// city's subsistence standard):
//
//	overallLimit: {default: 30, "440000": 25}
//
// A case takes the override of its office, else of its prefecture, else of
// its province, else the default.

// ParamValue returns param name as it applies to a case handled by office.
// It only indexes maps, so deterministic workflow code may call it.
func ParamValue(params map[string]any, name, office string) (any, bool) {
	v, ok := params[name]
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		return v, true
	}
	def, ok := m["default"]
	if !ok {
		return v, true // a plain object-valued param, not a local table
	}
	for _, d := range []string{office, OfficeAt(office, LevelPrefecture), OfficeAt(office, LevelProvince)} {
		if local, ok := m[d]; ok {
			return local, true
		}
	}
	return def, true
}

// ParamsFor resolves every param for office; activities call it so that
// checks and issuers read plain values.
func ParamsFor(params map[string]any, office string) map[string]any {
	out := make(map[string]any, len(params))
	for name := range params {
		out[name], _ = ParamValue(params, name, office)
	}
	return out
}

// Length is a period's length for a case handled by office: the param it
// names, where the definition names one, else the fixed length.
func Length(params map[string]any, fixed int, param, office string) int {
	if param == "" {
		return fixed
	}
	if n, ok := intOf(ParamValue(params, param, office)); ok {
		return n
	}
	return fixed
}

func intOf(v any, ok bool) (int, bool) {
	if !ok {
		return 0, false
	}
	switch n := v.(type) {
	case int:
		return n, true
	case float64:
		if n == float64(int(n)) {
			return int(n), true
		}
	}
	return 0, false
}

// checkLengthParam validates a period's length param: every value, local
// or default, a whole number from 1 up to the fixed length, which is the
// national ceiling.
func checkLengthParam(params map[string]any, param string, ceiling int) error {
	if param == "" {
		return nil
	}
	v, ok := params[param]
	if !ok {
		return fmt.Errorf("lengthParam %q is not among the params", param)
	}
	values := []any{v}
	if m, ok := v.(map[string]any); ok {
		if _, ok := m["default"]; !ok {
			return fmt.Errorf("param %q: a local table needs a default", param)
		}
		values = values[:0]
		for k, x := range m {
			if k != "default" && !validDivision(k) {
				return fmt.Errorf("param %q: %q is not a six-digit division code", param, k)
			}
			values = append(values, x)
		}
	}
	for _, x := range values {
		n, ok := intOf(x, true)
		if !ok || n < 1 || n > ceiling {
			return fmt.Errorf("param %q: %v is not a whole number from 1 to %d (the national limit)", param, x, ceiling)
		}
	}
	return nil
}

func validDivision(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// checkAmountParam validates a param an amount is held within: set, and
// every value, local or default, a number of yuan above 0. A limit that is
// missing would let any amount through, so it is a fault of the definition.
func checkAmountParam(params map[string]any, param string) error {
	v, ok := params[param]
	if !ok {
		return fmt.Errorf("param %q is not set", param)
	}
	values := []any{v}
	if m, ok := v.(map[string]any); ok {
		values = values[:0]
		for _, x := range m {
			values = append(values, x)
		}
	}
	for _, x := range values {
		if n, ok := AmountOf(x); !ok || n <= 0 {
			return fmt.Errorf("param %q: %v is not an amount of yuan above 0", param, x)
		}
	}
	return nil
}

// AmountOf reads a param's value as yuan.
func AmountOf(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// checkParamBounds refuses a param value, the default or a local one,
// outside its national bound: a locality may not lower a national floor
// (民法典第一千零四十七条: 22 and 20 years) or raise a national ceiling.
func checkParamBounds(params map[string]any, bounds map[string]Bound) []error {
	var errs []error
	for _, name := range sortedKeys(bounds) {
		b := bounds[name]
		if b.Basis == "" || b.Min == nil && b.Max == nil {
			errs = append(errs, fmt.Errorf("paramBounds %q: needs min or max, and the basis that sets it", name))
			continue
		}
		v, ok := params[name]
		if !ok {
			errs = append(errs, fmt.Errorf("paramBounds %q: not among the params", name))
			continue
		}
		values := map[string]any{"default": v}
		if m, ok := v.(map[string]any); ok {
			values = m
		}
		for _, where := range sortedKeys(values) {
			n, ok := numberOf(values[where])
			if !ok {
				errs = append(errs, fmt.Errorf("param %q (%s): %v is not a number", name, where, values[where]))
				continue
			}
			if b.Min != nil && n < *b.Min {
				errs = append(errs, fmt.Errorf("param %q (%s): %v is below the national floor %v (%s); a local value may not lower it", name, where, values[where], *b.Min, b.Basis))
			}
			if b.Max != nil && n > *b.Max {
				errs = append(errs, fmt.Errorf("param %q (%s): %v is above the national ceiling %v (%s); a local value may not raise it", name, where, values[where], *b.Max, b.Basis))
			}
		}
	}
	return errs
}

func numberOf(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
