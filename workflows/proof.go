package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"civilflow/procedures"
)

// legacyProofEffect is the effect of accept-proof in marriage definitions
// before proofRequired existed; cases still running on them must name the
// proof too, so that only the marriage it concerns ends.
const legacyProofEffect = "end-prior-marriages"

// acceptsProof reports whether taking a hands in proof that a party's
// marriage ended.
func acceptsProof(a procedures.Action) bool {
	return a.ProofRequired || a.Effect == legacyProofEffect
}

var proofKinds = []string{ProofDivorceJudgment, ProofDivorceCertificate, ProofDeathCertificate, ProofDeathDeclaration}

// validateProofs checks what accepting proof needs: at least one attached
// proof, each naming a party (at most one proof per party), a former
// spouse who is not an applicant, the document's kind and number, the
// scanned file's reference and digest, and the day the marriage ended, not
// after today.
func (c *caseRun) validateProofs(ctx workflow.Context, req ActRequest) error {
	today := c.today(ctx)
	seen := map[string]bool{}
	for i, at := range req.Attachments {
		p := at.Proof
		if p == nil {
			continue
		}
		where := fmt.Sprintf("attachment %d (%s)", i+1, at.Title)
		switch {
		case !c.isParty(p.Person):
			return rejected("%s: the proof must name the applicant whose marriage ended (proof.person)", where)
		case seen[p.Person]:
			return rejected("%s: one proof per applicant", where)
		case blank(p.Spouse) || p.Spouse == p.Person:
			return rejected("%s: the proof must name the former spouse (proof.spouse)", where)
		case c.isParty(p.Spouse):
			return rejected("%s: the applicants are married to each other; a proof cannot end that marriage here", where)
		case !slices.Contains(proofKinds, p.Kind):
			return rejected("%s: proof.kind must be one of %v", where, proofKinds)
		case blank(p.Number):
			return rejected("%s: the proof must give the judgment's or certificate's number (proof.number)", where)
		case len(at.SHA256) != 64 || blank(at.Reference):
			// The record must show which file was relied on.
			return rejected("%s: a proof needs the reference and sha256 of the scanned document", where)
		}
		day, err := time.Parse(time.DateOnly, p.Date)
		if err != nil || day.Format(time.DateOnly) != p.Date {
			return rejected("%s: proof.date must be the day the marriage ended, YYYY-MM-DD", where)
		}
		if p.Date > today {
			return rejected("%s: proof.date %s is after today", where, p.Date)
		}
		seen[p.Person] = true
	}
	if len(seen) == 0 {
		return rejected("action %q requires the proof as an attachment naming whose marriage ended, with whom, by which document and on which day", req.Action)
	}
	return nil
}

// acceptedProofs records the proofs of an accepted action and who accepted them.
func acceptedProofs(ctx workflow.Context, req ActRequest) []AcceptedProof {
	var out []AcceptedProof
	for _, at := range req.Attachments {
		if at.Proof != nil {
			out = append(out, AcceptedProof{Proof: *at.Proof, Title: at.Title, Reference: at.Reference,
				AcceptedBy: req.Actor.Subject, ByName: req.Actor.Name, At: workflow.Now(ctx).UTC()})
		}
	}
	return out
}

func (c *caseRun) partyName(id string) string {
	for _, p := range c.in.Parties {
		if p.IDNumber == id && p.Name != "" {
			return p.Name
		}
	}
	return id
}

// provenText is what applicants read of a confirmed proof before all confirmed.
const provenText = "婚姻状况证明经复核属实，重新审查 the proof of marital status was confirmed; the application is checked again"

// endedText says in the timeline which marriage a proof ended.
func endedText(name string, m EndedMarriage) string {
	zh, en := "离婚", "divorced"
	if m.Status == "widowed" {
		zh, en = "丧偶", "widowed"
	}
	return fmt.Sprintf("%s于%s登记的婚姻关系已于%s终止（%s） the marriage of %s registered %s ended on %s (%s)",
		name, m.RegisteredOn, m.DissolvedOn, zh, name, m.RegisteredOn, m.DissolvedOn, en)
}

// reasonsText joins failed checks for the timeline. When some say what the
// registry holds about a person, party is the same text with those in
// WithheldReason's place: what applicants see until all have confirmed.
func reasonsText(failed []Reason) (opinion, party string) {
	var all, shown []string
	withheld := false
	for _, f := range failed {
		all = append(all, f.Message.Zh)
		if f.Registry {
			if !withheld {
				shown = append(shown, WithheldReason.Zh)
			}
			withheld = true
			continue
		}
		shown = append(shown, f.Message.Zh)
	}
	opinion = strings.Join(all, "；")
	if withheld {
		party = strings.Join(shown, "；")
	}
	return opinion, party
}
