package procedures

import "fmt"

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
