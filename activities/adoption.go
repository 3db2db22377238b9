package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"civilflow/idnumber"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/workflows"
)

// Documents and checks of adoption registration (收养登记).
const (
	DocAdoptionCertificate = store.KindAdoptionCertificate

	// Categories of child (民法典第一千零九十三条, 第一千一百零三条).
	ChildOrphan              = "orphan"
	ChildParentsNotFound     = "parents-not-found"
	ChildParentsInDifficulty = "parents-in-difficulty"
	ChildStepchild           = "stepchild"
)

// adoptionForm is the part of an adoption application the checks read.
type adoptionForm struct {
	Children struct {
		Birth   int `json:"birth"`
		Adopted int `json:"adopted"`
	} `json:"adopterChildren"`
	OverseasChinese bool `json:"overseasChinese"`
	Declaration     struct {
		AbleToRaise            bool `json:"ableToRaise"`
		NoDisqualifyingDisease bool `json:"noDisqualifyingDisease"`
		NoAdverseRecord        bool `json:"noAdverseRecord"`
	} `json:"declaration"`
	Child struct {
		Name                 string `json:"name"`
		Sex                  string `json:"sex"`
		BirthDate            string `json:"birthDate"`
		IDNumber             string `json:"idNumber"`
		Category             string `json:"category"`
		Disabled             bool   `json:"disabled"`
		InWelfareInstitution bool   `json:"inWelfareInstitution"`
		CollateralRelative   bool   `json:"collateralRelative"`
		Consents             bool   `json:"consents"`
	} `json:"child"`
	Placement struct {
		Placer              string `json:"placer"`
		Name                string `json:"name"`
		Consents            bool   `json:"consents"`
		OtherParentAbsent   string `json:"otherParentAbsent"`
		OtherParentProof    string `json:"otherParentProof"`
		SupportersConsent   bool   `json:"supportersConsent"`
		ParentsLackCapacity bool   `json:"parentsLackCapacity"`
		BirthParentIDNumber string `json:"birthParentIdNumber"`
	} `json:"placement"`
}

func init() {
	for id, c := range map[string]checker{
		"adopter-age":               {basis: "民法典第一千零九十八条第（五）项、第一千一百零三条", run: checkAdopterAge},
		"adopter-children":          {basis: "民法典第一千零九十八条第（一）项、第一千零九十九条第二款、第一千一百条第二款、第一千一百零三条", run: checkAdopterChildren},
		"adoption-number":           {basis: "民法典第一千一百条、第一千一百零三条", run: checkAdoptionNumber},
		"adopter-declarations":      {basis: "民法典第一千零九十八条第（二）至（四）项；中国公民收养子女登记办法第六条", run: checkAdopterDeclarations},
		"joint-adoption-by-spouses": {basis: "民法典第一千一百零一条、第一千一百零三条", run: checkJointAdoption},
		"single-adopter-age-gap":    {basis: "民法典第一千一百零二条、第一千零九十九条第一款", run: checkSingleAdopterAgeGap},
		"child-adoptable":           {basis: "民法典第一千零九十三条", run: checkChildAdoptable},
		"child-consent":             {basis: "民法典第一千一百零四条", run: checkChildConsent},
		"placement-consent":         {basis: "民法典第一千零九十四条至第一千零九十七条、第一千一百零三条、第一千一百零四条", run: checkPlacementConsent},
		"placer-fits-category":      {basis: "民法典第一千零九十四条至第一千零九十七条；中国公民收养子女登记办法第七条", run: checkPlacerFitsCategory},
		"stepparent-married-to-birth-parent": {basis: "民法典第一千一百零三条；中国公民收养子女登记办法第六条第三款",
			run: checkStepparentMarriedToBirthParent},
		// Routing checks: a "failure" chooses the other path, it refuses nothing.
		"birth-parents-known": {basis: "民法典第一千一百零五条第二款；中国公民收养子女登记办法第八条第二款", run: checkBirthParentsKnown},
		"assessment-required": {basis: "民法典第一千一百零五条第五款；收养评估办法（试行）第二条", run: checkAssessmentRequired},
	} {
		checkers[id] = c
	}
	issuers[DocAdoptionCertificate] = issueAdoptionCertificates
}

func (e *checkEnv) adoption() (adoptionForm, error) {
	var f adoptionForm
	if err := json.Unmarshal(e.in.Form, &f); err != nil {
		return f, temporal.NewNonRetryableApplicationError("not an adoption form", "BadInput", err)
	}
	return f, nil
}

// childBirth is the child's birth date as stated on the form.
func (f adoptionForm) childBirth() (time.Time, error) {
	d, err := time.Parse(time.DateOnly, f.Child.BirthDate)
	if err != nil {
		return d, temporal.NewNonRetryableApplicationError("bad birth date of the child", "BadInput", err)
	}
	return d, nil
}

func (f adoptionForm) stepchild() bool { return f.Child.Category == ChildStepchild }

// numberRulesWaived: orphans, disabled minors and welfare-institution
// children whose parents cannot be found (1100(2)), and stepchildren (1103).
func (f adoptionForm) numberRulesWaived() bool {
	c := f.Child
	return c.Category == ChildOrphan || c.Disabled || c.Category == ChildStepchild ||
		c.InWelfareInstitution && c.Category == ChildParentsNotFound
}

func sexZh(s string) string {
	if s == string(idnumber.Male) {
		return "男"
	}
	return "女"
}

func checkAdopterAge(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil || f.stepchild() {
		return nil, err
	}
	min := e.param("adopterMinimumAge", 30)
	var out []procedures.Text
	for i, p := range e.persons {
		if age := idnumber.AgeOn(p.Birth, e.onDay); age < min {
			out = append(out, procedures.Text{
				Zh: fmt.Sprintf("收养人%s年满%d周岁，未满%d周岁", e.name(i), age, min),
				En: fmt.Sprintf("adopter %s is %d, under the minimum age of %d", e.name(i), age, min),
			})
		}
	}
	return out, nil
}

// adoptedBefore is what the adopter declared or, if more, what the registry
// holds, for the adopter with the most earlier adoptions.
func (e *checkEnv) adoptedBefore(ctx context.Context, declared int) (int, error) {
	n := declared
	for _, p := range e.persons {
		held, err := e.registry().AdoptionsRegistered(ctx, p.Number)
		if err != nil {
			return 0, err
		}
		n = max(n, held)
	}
	return n, nil
}

func checkAdopterChildren(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil || f.numberRulesWaived() || f.OverseasChinese && f.Child.CollateralRelative {
		return nil, err
	}
	adopted, err := e.adoptedBefore(ctx, f.Children.Adopted)
	if err != nil {
		return nil, err
	}
	limit := e.param("adopterMaximumChildren", 1)
	if n := f.Children.Birth + adopted; n > limit {
		return []procedures.Text{{
			Zh: fmt.Sprintf("收养人现有子女%d名，不符合无子女或者只有一名子女的条件", n),
			En: fmt.Sprintf("the adopters have %d children; an adopter may have no child or only one", n),
		}}, nil
	}
	return nil, nil
}

func checkAdoptionNumber(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil || f.numberRulesWaived() {
		return nil, err
	}
	adopted, err := e.adoptedBefore(ctx, f.Children.Adopted)
	if err != nil {
		return nil, err
	}
	limit, zh, en := e.param("adoptionsWithoutChildren", 2), "无子女的收养人", "an adopter without children"
	if f.Children.Birth > 0 {
		limit, zh, en = e.param("adoptionsWithChildren", 1), "有子女的收养人", "an adopter with children"
	}
	if adopted+1 > limit {
		return []procedures.Text{{
			Zh: fmt.Sprintf("收养人已收养%d名子女，%s只能收养%d名子女", adopted, zh, limit),
			En: fmt.Sprintf("the adopters have adopted %d children already; %s may adopt %d", adopted, en, limit),
		}}, nil
	}
	return nil, nil
}

func checkAdopterDeclarations(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil || f.stepchild() {
		return nil, err
	}
	d := f.Declaration
	var out []procedures.Text
	if !d.AbleToRaise {
		out = append(out, procedures.Text{Zh: "收养人未声明具有抚养、教育和保护被收养人的能力", En: "the adopters do not declare that they can raise, educate and protect the child"})
	}
	if !d.NoDisqualifyingDisease {
		out = append(out, procedures.Text{Zh: "收养人未声明未患有在医学上认为不应当收养子女的疾病", En: "the adopters do not declare that they have no disease that makes adoption medically inadvisable"})
	}
	if !d.NoAdverseRecord {
		out = append(out, procedures.Text{Zh: "收养人未声明无不利于被收养人健康成长的违法犯罪记录", En: "the adopters do not declare that they have no criminal or illegal record unfavourable to the child"})
	}
	return out, nil
}

func checkJointAdoption(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil {
		return nil, err
	}
	switch {
	case f.stepchild():
		// The stepparent adopts alone; the birth parent is the spouse.
		if len(e.persons) != 1 {
			return []procedures.Text{{Zh: "收养继子女由继父或者继母一方申请", En: "a stepchild is adopted by the stepparent alone"}}, nil
		}
		m, err := e.registry().ActiveMarriage(ctx, e.persons[0].Number)
		if err != nil {
			return nil, err
		}
		if m == nil {
			return []procedures.Text{{
				Zh: fmt.Sprintf("婚姻登记信息中%s没有现存婚姻，不能以继父母身份收养", e.name(0)),
				En: fmt.Sprintf("the registry shows no current marriage of %s, who therefore is no stepparent", e.name(0)),
			}}, nil
		}
	case len(e.persons) == 2:
		m, err := e.registry().ActiveMarriageBetween(ctx, e.persons[0].Number, e.persons[1].Number)
		if err != nil {
			return nil, err
		}
		if m == nil {
			return []procedures.Text{{
				Zh: fmt.Sprintf("婚姻登记信息中%s与%s不是夫妻，只有夫妻可以共同收养", e.name(0), e.name(1)),
				En: fmt.Sprintf("the registry shows %s and %s are not married to each other; only spouses adopt jointly", e.name(0), e.name(1)),
			}}, nil
		}
	default:
		m, err := e.registry().ActiveMarriage(ctx, e.persons[0].Number)
		if err != nil {
			return nil, err
		}
		if m != nil {
			return []procedures.Text{{
				Zh: fmt.Sprintf("%s有配偶（%s登记结婚），有配偶者收养子女应当夫妻共同收养", e.name(0), m.RegisteredOn),
				En: fmt.Sprintf("%s is married (registered %s); a married person adopts jointly with the spouse", e.name(0), m.RegisteredOn),
			}}, nil
		}
	}
	return nil, nil
}

func checkSingleAdopterAgeGap(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil || len(e.persons) != 1 || f.stepchild() || f.Child.CollateralRelative {
		return nil, err
	}
	p := e.persons[0]
	if string(p.Sex) == f.Child.Sex {
		return nil, nil
	}
	// 1102 binds only an adopter without a spouse; a married one fails the
	// joint-adoption rule instead.
	if m, err := e.registry().ActiveMarriage(ctx, p.Number); err != nil || m != nil {
		return nil, err
	}
	birth, err := f.childBirth()
	if err != nil {
		return nil, err
	}
	gap := e.param("singleAdopterAgeGap", 40)
	if diff := idnumber.AgeOn(p.Birth, birth); diff < gap {
		return []procedures.Text{{
			Zh: fmt.Sprintf("无配偶的收养人%s（%s）收养异性子女，年龄相差%d周岁，不足%d周岁", e.name(0), sexZh(string(p.Sex)), diff, gap),
			En: fmt.Sprintf("single adopter %s adopts a child of the other sex and is %d years older, less than %d", e.name(0), diff, gap),
		}}, nil
	}
	return nil, nil
}

func checkChildAdoptable(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil {
		return nil, err
	}
	birth, err := f.childBirth()
	if err != nil {
		return nil, err
	}
	var out []procedures.Text
	if adult := e.param("majorityAge", 18); idnumber.AgeOn(birth, e.onDay) >= adult {
		out = append(out, procedures.Text{
			Zh: fmt.Sprintf("被收养人%s已满%d周岁，不是未成年人", f.Child.Name, adult),
			En: fmt.Sprintf("%s is %d or older, not a minor", f.Child.Name, adult),
		})
	}
	if id := strings.ToUpper(f.Child.IDNumber); id != "" {
		info, err := idnumber.Parse(id)
		if err != nil || info.Birth.Format(time.DateOnly) != f.Child.BirthDate || string(info.Sex) != f.Child.Sex {
			out = append(out, procedures.Text{
				Zh: fmt.Sprintf("被收养人%s的公民身份号码与所填出生日期或者性别不符", f.Child.Name),
				En: fmt.Sprintf("the identity number of %s does not match the stated birth date or sex", f.Child.Name),
			})
		}
	}
	return out, nil
}

func checkChildConsent(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil {
		return nil, err
	}
	birth, err := f.childBirth()
	if err != nil {
		return nil, err
	}
	min := e.param("childConsentAge", 8)
	if age := idnumber.AgeOn(birth, e.onDay); age >= min && !f.Child.Consents {
		return []procedures.Text{{
			Zh: fmt.Sprintf("被收养人%s已满%d周岁（%d周岁），收养应当征得其同意", f.Child.Name, min, age),
			En: fmt.Sprintf("%s is %d, at least %d, and has not consented", f.Child.Name, age, min),
		}}, nil
	}
	return nil, nil
}

func checkPlacementConsent(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil {
		return nil, err
	}
	var out []procedures.Text
	if !f.Placement.Consents {
		out = append(out, procedures.Text{
			Zh: fmt.Sprintf("送养人%s未同意送养", f.Placement.Name),
			En: fmt.Sprintf("the placing party %s has not consented", f.Placement.Name),
		})
	}
	if f.stepchild() && f.Placement.Placer != "birth-parent" {
		out = append(out, procedures.Text{
			Zh: "收养继子女应当经继子女的生父母同意",
			En: "a stepchild's adoption needs the consent of the child's birth parent",
		})
	}
	return out, nil
}

// Placers (送养人) of 民法典第一千零九十四条.
const (
	PlacerGuardian           = "guardian"
	PlacerWelfareInstitution = "welfare-institution"
	PlacerBirthParents       = "birth-parents"
	PlacerBirthParent        = "birth-parent"
)

// checkPlacerFitsCategory: who may place which child. An orphan is placed
// by the guardian, with the consent of those who must support the child
// (民法典第一千零九十六条), or by the welfare institution; a child whose
// parents cannot be found by the institution (第一千零九十四条第（二）项);
// a child of parents in difficulty by both parents together, by one alone
// only when the other is unknown, cannot be found or has died, with the
// proof (第一千零九十七条; 登记办法第七条), or by the guardian when both
// parents lack capacity and may seriously endanger the child (第一千零九十五
// 条). A stepchild is placed by the birth parent (第一千一百零三条, checked by
// placement-consent).
func checkPlacerFitsCategory(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil {
		return nil, err
	}
	p := f.Placement
	wrong := func(zh, en string) []procedures.Text {
		return []procedures.Text{{Zh: zh, En: en}}
	}
	switch f.Child.Category {
	case ChildOrphan:
		switch {
		case p.Placer == PlacerGuardian && !p.SupportersConsent:
			return wrong("监护人送养孤儿，应当征得有抚养义务的人同意", "a guardian placing an orphan needs the consent of those with a duty to support the child"), nil
		case p.Placer != PlacerGuardian && p.Placer != PlacerWelfareInstitution:
			return wrong("孤儿由其监护人或者儿童福利机构送养", "an orphan is placed by the guardian or a welfare institution"), nil
		}
	case ChildParentsNotFound:
		if p.Placer != PlacerWelfareInstitution {
			return wrong("查找不到生父母的未成年人由儿童福利机构送养", "a child whose parents cannot be found is placed by a welfare institution"), nil
		}
	case ChildParentsInDifficulty:
		switch p.Placer {
		case PlacerBirthParents:
		case PlacerBirthParent:
			if p.OtherParentAbsent == "" || strings.TrimSpace(p.OtherParentProof) == "" {
				return wrong("生父母应当双方共同送养；一方单方送养的，应当说明另一方不明、查找不到或者死亡，并提交证明",
					"birth parents place together; one alone must state that the other is unknown, cannot be found or has died, and show the proof"), nil
			}
		case PlacerGuardian:
			if !p.ParentsLackCapacity {
				return wrong("父母均不具备完全民事行为能力且可能严重危害未成年人的，监护人方可送养",
					"a guardian places a child of living parents only when both lack full civil capacity and may seriously endanger the child"), nil
			}
		default:
			return wrong("有特殊困难无力抚养子女的，由生父母送养", "a child of parents in difficulty is placed by the birth parents"), nil
		}
	}
	return nil, nil
}

// checkStepparentMarriedToBirthParent: a stepparent is the spouse of the
// child's birth parent (民法典第一千一百零三条), shown by the marriage
// (登记办法第六条第三款): the registry must hold that marriage.
func checkStepparentMarriedToBirthParent(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil || !f.stepchild() || len(e.persons) != 1 {
		return nil, err
	}
	parent := strings.ToUpper(f.Placement.BirthParentIDNumber)
	if parent == "" {
		return []procedures.Text{{Zh: "收养继子女，应当写明与收养人结婚的生父或者生母的公民身份号码",
			En: "a stepchild's adoption names the birth parent married to the adopter (placement.birthParentIdNumber)"}}, nil
	}
	m, err := e.registry().ActiveMarriageBetween(ctx, e.persons[0].Number, parent)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return []procedures.Text{{
			Zh: fmt.Sprintf("婚姻登记信息中%s与送养的生父母一方没有现存婚姻，不是继父母", e.name(0)),
			En: fmt.Sprintf("the registry shows no current marriage of %s with the placing birth parent, so no stepparent", e.name(0)),
		}}, nil
	}
	return nil, nil
}

func checkBirthParentsKnown(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil || f.Child.Category != ChildParentsNotFound {
		return nil, err
	}
	return []procedures.Text{{
		Zh: "被收养人系查找不到生父母的未成年人，登记前应当公告查找其生父母",
		En: "the child's birth parents cannot be found: their search is announced before registration",
	}}, nil
}

func checkAssessmentRequired(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	f, err := e.adoption()
	if err != nil || !f.stepchild() {
		return nil, err
	}
	return []procedures.Text{{
		Zh: "收养继子女，不进行收养评估",
		En: "a stepchild's adoption is not assessed",
	}}, nil
}

// issueAdoptionCertificates gives each adopter an adoption certificate
// with the child's particulars; the adoption exists from this day (1105).
func issueAdoptionCertificates(ctx context.Context, a *Activities, in workflows.IssueInput) ([]workflows.Document, error) {
	var f adoptionForm
	if err := json.Unmarshal(in.Form, &f); err != nil {
		return nil, temporal.NewNonRetryableApplicationError("not an adoption form", "BadInput", err)
	}
	adopters := make([]map[string]string, 0, len(in.Parties))
	for _, p := range in.Parties {
		adopters = append(adopters, map[string]string{"name": p.Name, "idNumber": p.IDNumber})
	}
	data, err := json.Marshal(map[string]any{
		"adopters": adopters,
		"child": map[string]string{"name": f.Child.Name, "sex": f.Child.Sex, "birthDate": f.Child.BirthDate,
			"idNumber": strings.ToUpper(f.Child.IDNumber), "category": f.Child.Category},
		"placingParty": f.Placement.Name,
	})
	if err != nil {
		return nil, err
	}
	out := make([]workflows.Document, 0, len(in.Parties))
	for _, p := range in.Parties {
		d, err := a.Store.IssueDocument(ctx, store.DocumentRequest{CaseID: in.CaseID, Kind: DocAdoptionCertificate, Prefix: "SY",
			Office: in.Office, Date: in.OnDay, HolderID: p.IDNumber, HolderName: p.Name, Data: data})
		if err != nil {
			return nil, err
		}
		out = append(out, workflows.Document{Kind: d.Kind, Number: d.Number, HolderIDNumber: d.HolderID,
			HolderName: d.HolderName, IssuedOn: d.IssuedOn})
	}
	return out, nil
}
