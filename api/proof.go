package api

import (
	"context"
	"encoding/json"
	"slices"

	"civilflow/auth"
	"civilflow/divisions"
	"civilflow/policies"
	"civilflow/workflows"
)

// ProofBody says what an attached document proves when it proves that an
// applicant's marriage ended (accept-proof in marriage registration).
type ProofBody struct {
	Kind   string `json:"kind" enum:"divorce-judgment,divorce-certificate,death-certificate,death-declaration" doc:"What the document is"`
	Number string `json:"number" minLength:"1" maxLength:"100" doc:"The judgment's or certificate's number" example:"（2025）京0105民初123号"`
	Date   string `json:"date" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" doc:"The day the marriage ended: the judgment took effect, the divorce was registered, the spouse died" example:"2025-01-10"`
	Person string `json:"person" pattern:"^[0-9]{17}[0-9Xx]$" doc:"ID number of the applicant whose marriage ended"`
	Spouse string `json:"spouse" pattern:"^[0-9]{17}[0-9Xx]$" doc:"ID number of the former spouse, as the document names them"`
}

func (p *ProofBody) wire() *workflows.Proof {
	if p == nil {
		return nil
	}
	return &workflows.Proof{Kind: p.Kind, Number: p.Number, Date: p.Date, Person: upper(p.Person), Spouse: upper(p.Spouse)}
}

func upper(id string) string {
	b := []byte(id)
	if n := len(b); n > 0 && b[n-1] == 'x' {
		b[n-1] = 'X'
	}
	return string(b)
}

// viewFor is view as the caller may see it: an applicant sees what the
// registry holds about a person (married since…) only once every party has
// confirmed the application, so that applying in someone's name and
// withdrawing does not tell whether they are married. Staff of the case's
// jurisdiction see it all. The form (the amended one, else submitted, as
// the store keeps it from the submission) is the applicants' own data, so
// everyone who may read the case gets it; callers have checked that.
func (d *Deps) viewFor(ctx context.Context, st workflows.CaseState, submitted json.RawMessage) CaseView {
	form := submitted
	if len(st.AmendedForm) > 0 {
		form = st.AmendedForm
	}
	if applicantView(principalOf(ctx), st) && !st.AllConfirmed() {
		st = withholdRegistry(st)
	}
	v := d.view(st)
	if len(form) > 0 {
		if err := json.Unmarshal(form, &v.Form); err != nil {
			// Forms are validated JSON when stored; the rest of the view stands.
			d.Logger.Error("decode the form of a case", "case", st.CaseID, "error", err)
			v.Form = nil
		}
	}
	return v
}

// applicantView reports whether p sees the case as an applicant: a party,
// or anyone without a role covering the case's office.
func applicantView(p auth.Principal, st workflows.CaseState) bool {
	if slices.ContainsFunc(st.Parties, func(x workflows.Party) bool { return x.IDNumber == p.Subject }) {
		return true
	}
	return !slices.ContainsFunc(p.Grants, func(g policies.Grant) bool { return divisions.Covers(g.Division, st.Office) })
}

// withholdRegistry replaces what the registry holds about a person, in the
// reasons and the timeline, by the texts the workflow keeps for applicants.
func withholdRegistry(st workflows.CaseState) workflows.CaseState {
	reasons := make([]workflows.Reason, len(st.Reasons))
	for i, r := range st.Reasons {
		if r.Registry {
			r.Message = workflows.WithheldReason
		}
		reasons[i] = r
	}
	if len(st.Reasons) > 0 {
		st.Reasons = reasons
	}
	timeline := make([]workflows.Event, len(st.Timeline))
	for i, e := range st.Timeline {
		if e.PartyOpinion != "" {
			e.Opinion, e.PartyOpinion = e.PartyOpinion, ""
		}
		// A proof names the former spouse and the judgment; it is the
		// registrar's record, not the applicants' to read before confirming.
		if len(e.Attachments) > 0 {
			at := make([]workflows.Attachment, len(e.Attachments))
			for j, a := range e.Attachments {
				a.Proof = nil
				at[j] = a
			}
			e.Attachments = at
		}
		timeline[i] = e
	}
	st.Timeline = timeline
	st.Proofs = nil
	return st
}
