package api

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/procedures"
	"civilflow/store"
)

// paramOneOpenCase is the definition param that says whether the same
// applicants may have only one open case of the procedure at a time (true)
// or several (false). A local procedure sets it in its params; it may be
// local like any param.
const paramOneOpenCase = "oneOpenCasePerApplicants"

// oneOpenCaseByDefault are the national procedures where a second open
// application of the same applicants can only be a duplicate: a couple
// marries or divorces once, a household receives one subsistence allowance.
// The others legitimately run several at once: an adopter may adopt two
// children, founders may found several organizations, a family may meet a
// second emergency while the first one's paperwork is open, and a county
// converts through its own internal case.
var oneOpenCaseByDefault = map[string]bool{
	"marriage-registration": true,
	"divorce-registration":  true,
	"subsistence-allowance": true,
}

// openKey is the key that limits the open cases of proc for these
// applicants at office, or "" when the procedure allows several. The
// applicants are sorted: the same couple is the same couple in either order.
func openKey(proc *procedures.Procedure, office string, applicants []string) string {
	one := oneOpenCaseByDefault[proc.ID]
	if v, ok := procedures.ParamValue(proc.Params, paramOneOpenCase, office); ok {
		if b, ok := v.(bool); ok {
			one = b
		}
	}
	if !one || len(applicants) == 0 {
		return ""
	}
	ids := slices.Clone(applicants)
	slices.Sort(ids)
	return proc.ID + "\x00" + strings.Join(ids, "\x00")
}

// openCaseConflict answers a submission refused because the applicants
// already have an open case of the procedure. It names that case only to
// someone who may read it (a party, or staff of its jurisdiction); anyone
// else learns no case ID.
func (d *Deps) openCaseConflict(ctx context.Context, err error) error {
	var open *store.OpenCaseError
	if !errors.As(err, &open) {
		return huma.Error500InternalServerError("create case", err)
	}
	if _, err := d.caseFor(ctx, open.CaseID, "read"); err == nil {
		return huma.Error409Conflict("these applicants already have an open application of this procedure: case " +
			open.CaseID + "; it must end (be decided or withdrawn) before another is submitted")
	}
	return huma.Error409Conflict("these applicants already have an open application of this procedure; " +
		"it must end (be decided or withdrawn) before another is submitted")
}
