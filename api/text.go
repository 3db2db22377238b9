package api

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/textcheck"
)

// textDetail is the validation detail for text at loc that breaks a rule
// of the textcheck package, or nil.
func textDetail(loc, s string, check func(string) error) *huma.ErrorDetail {
	if err := check(s); err != nil {
		return &huma.ErrorDetail{Location: loc, Message: err.Error()}
	}
	return nil
}

// textProblem is a 422 naming every detail given, or nil when there is none.
func textProblem(details ...*huma.ErrorDetail) error {
	var errs []error
	for _, d := range details {
		if d != nil {
			errs = append(errs, d)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return huma.Error422UnprocessableEntity("text fields hold characters that are not allowed", errs...)
}

// formTextDetails walks a decoded JSON form and checks every string in it,
// keys included, as single-line text; loc is where v sits, e.g. body.form,
// and each detail names its value, e.g. body.form.applicants[1].name. A
// form's values reach certificates and registers, where a control or bidi
// character changes what is printed.
func formTextDetails(loc string, v any) []*huma.ErrorDetail {
	var out []*huma.ErrorDetail
	switch x := v.(type) {
	case string:
		if d := textDetail(loc, x, textcheck.Line); d != nil {
			out = append(out, d)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the same form always gives the same answer
		for _, k := range keys {
			if err := textcheck.Line(k); err != nil {
				out = append(out, &huma.ErrorDetail{Location: loc, Message: "a field name " + err.Error()})
				continue
			}
			out = append(out, formTextDetails(loc+"."+k, x[k])...)
		}
	case []any:
		for i, e := range x {
			out = append(out, formTextDetails(fmt.Sprintf("%s[%d]", loc, i), e)...)
		}
	}
	return out
}

// checkFormText is formTextDetails as a 422, or nil.
func checkFormText(loc string, form map[string]any) error {
	return textProblem(formTextDetails(loc, form)...)
}

// opinionText is an opinion as the workflow should see it: trimmed, and
// empty when it shows nothing, so that a zero-width space or a BOM does not
// meet "an opinion is required".
func opinionText(s string) string {
	if textcheck.Blank(s) {
		return ""
	}
	return strings.TrimSpace(s)
}

// nameDetail checks a person's name at loc.
func nameDetail(loc, s string) *huma.ErrorDetail {
	err := textcheck.Name(s)
	if errors.Is(err, textcheck.ErrBlank) {
		return &huma.ErrorDetail{Location: loc, Message: err.Error(), Value: s}
	}
	if err != nil {
		return &huma.ErrorDetail{Location: loc, Message: err.Error()}
	}
	return nil
}

// actText checks the free text of an action: the opinion (line breaks
// allowed), the slot, and the attachments' titles and references; a
// corrected form is checked where it is validated.
func actText(in *ActRequest) error {
	details := []*huma.ErrorDetail{
		textDetail("body.opinion", in.Body.Opinion, textcheck.Text),
		textDetail("body.slot", in.Body.Slot, textcheck.Line),
	}
	for i, a := range in.Body.Attachments {
		details = append(details,
			textDetail(fmt.Sprintf("body.attachments[%d].title", i), a.Title, textcheck.Name),
			textDetail(fmt.Sprintf("body.attachments[%d].reference", i), a.Reference, textcheck.Line))
	}
	return textProblem(details...)
}
