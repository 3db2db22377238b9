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

// checkEnv is what a check may look at.
type checkEnv struct {
	a       *Activities
	in      workflows.ChecksInput
	form    map[string]any
	persons []idnumber.Info
	onDay   time.Time
	// lookedUp is set when the running check read the civil registry about
	// a person: its reasons then say what the registry holds.
	lookedUp bool
}

// registry is the civil registry, for a check that reads what it holds
// about a person; the check's reasons are marked Registry, so that the
// API shows them to applicants only once every party has confirmed the
// application.
func (e *checkEnv) registry() *store.DB {
	e.lookedUp = true
	return e.a.Store
}

// checker runs one named check and returns the reasons it fails (none when
// it passes). Registry look-ups make these Go, not expressions.
type checker struct {
	basis string
	run   func(ctx context.Context, e *checkEnv) ([]procedures.Text, error)
}

var checkers = map[string]checker{
	"legal-marriage-age": {basis: "民法典第一千零四十七条", run: checkMarriageAge},
	"one-man-one-woman":  {basis: "民法典第一千零四十六条、第一千零四十九条", run: checkOneManOneWoman},
	"declaration-signed": {basis: "婚姻登记条例第八条", run: checkDeclaration},
	// The content of the declaration is a ground of refusal (婚姻登记条例
	// 第九条第（三）、（四）项); a missing signature is not, and is made
	// good at the counter (第八条、第十条).
	"declaration-content":   {basis: "婚姻登记条例第八条、第九条第（三）项、第（四）项", run: checkDeclarationContent},
	"declaration-signature": {basis: "婚姻登记条例第八条、第十条", run: checkDeclarationSignature},
	"not-currently-married": {basis: "民法典第一千零四十二条；婚姻登记条例第九条第（三）项",
		run: checkNotMarried},
	"divorce-agreement":     {basis: "民法典第一千零七十六条；婚姻登记条例第十四条第（一）项", run: checkAgreement},
	"full-civil-capacity":   {basis: "婚姻登记条例第十四条第（二）项", run: checkCapacity},
	"married-to-each-other": {basis: "婚姻登记条例第十四条第（三）项", run: checkMarriedToEachOther},
}

// RunChecks runs every check of a check stage and lists each that fails,
// so a refusal names all its grounds at once.
func (a *Activities) RunChecks(ctx context.Context, in workflows.ChecksInput) (workflows.ChecksResult, error) {
	in.Params = procedures.ParamsFor(in.Params, in.Office) // local values for this office
	e := &checkEnv{a: a, in: in}
	if err := json.Unmarshal(in.Form, &e.form); err != nil {
		return workflows.ChecksResult{}, temporal.NewNonRetryableApplicationError("form is not an object", "BadInput", err)
	}
	day, err := time.Parse(time.DateOnly, in.OnDay)
	if err != nil {
		return workflows.ChecksResult{}, temporal.NewNonRetryableApplicationError("bad day", "BadInput", err)
	}
	e.onDay = day
	for _, p := range in.Parties {
		info, err := idnumber.Parse(p.IDNumber)
		if err != nil {
			return workflows.ChecksResult{}, temporal.NewNonRetryableApplicationError("bad identity number", "BadInput", err)
		}
		e.persons = append(e.persons, info)
	}
	res := workflows.ChecksResult{Failed: []workflows.Reason{}}
	for _, ref := range in.Checks {
		ch, ok := checkers[ref.Check]
		if !ok {
			return res, temporal.NewNonRetryableApplicationError("unknown check "+ref.Check, "BadDefinition", nil)
		}
		e.lookedUp = false
		msgs, err := ch.run(ctx, e)
		if err != nil {
			return res, activityErr("check "+ref.Check, err)
		}
		for _, m := range msgs {
			res.Failed = append(res.Failed, workflows.Reason{Check: ref.Check, Message: m, Basis: ch.basis, Registry: e.lookedUp})
		}
	}
	return res, nil
}

func (e *checkEnv) param(name string, def int) int {
	switch v := e.in.Params[name].(type) {
	case float64:
		return int(v)
	case int:
		return v
	}
	return def
}

func (e *checkEnv) name(i int) string {
	if i < len(e.in.Parties) && e.in.Parties[i].Name != "" {
		return e.in.Parties[i].Name
	}
	return e.persons[i].Number
}

// object returns form[key] as an object (nil if absent).
func (e *checkEnv) object(key string) map[string]any {
	m, _ := e.form[key].(map[string]any)
	return m
}

func checkMarriageAge(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	var out []procedures.Text
	for i, p := range e.persons {
		min := e.param("femaleMinimumAge", 20)
		sexZh, sexEn := "女", "female"
		if p.Sex == idnumber.Male {
			min = e.param("maleMinimumAge", 22)
			sexZh, sexEn = "男", "male"
		}
		if age := idnumber.AgeOn(p.Birth, e.onDay); age < min {
			out = append(out, procedures.Text{
				Zh: fmt.Sprintf("%s（%s）登记之日年满%d周岁，未达法定婚龄%d周岁", e.name(i), sexZh, age, min),
				En: fmt.Sprintf("%s (%s) is %d on the registration date, under the legal marriage age of %d", e.name(i), sexEn, age, min),
			})
		}
	}
	return out, nil
}

func checkOneManOneWoman(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	if len(e.persons) == 2 && e.persons[0].Sex != e.persons[1].Sex {
		return nil, nil
	}
	return []procedures.Text{{Zh: "结婚须男女双方申请", En: "marriage registration requires one man and one woman"}}, nil
}

func checkDeclaration(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	d := e.object("declaration")
	var out []procedures.Text
	if d["noSpouse"] != true {
		out = append(out, procedures.Text{Zh: "未声明本人无配偶", En: "the declaration of having no spouse is missing"})
	}
	if d["noProhibitedKinship"] != true {
		out = append(out, procedures.Text{Zh: "未声明双方无直系血亲和三代以内旁系血亲关系", En: "the declaration of no prohibited kinship is missing"})
	}
	if d["signedByBoth"] != true {
		out = append(out, procedures.Text{Zh: "声明未经双方签名", En: "the declaration is not signed by both parties"})
	}
	return out, nil
}

func checkDeclarationContent(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	all, err := checkDeclaration(ctx, e)
	if len(all) > 0 && e.object("declaration")["signedByBoth"] != true {
		all = all[:len(all)-1]
	}
	return all, err
}

func checkDeclarationSignature(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	if e.object("declaration")["signedByBoth"] == true {
		return nil, nil
	}
	return []procedures.Text{{Zh: "声明未经双方签名，须双方到场补签", En: "the declaration is not signed by both parties; both sign it at the office"}}, nil
}

func checkNotMarried(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	var out []procedures.Text
	for i, p := range e.persons {
		m, err := e.registry().ActiveMarriage(ctx, p.Number)
		if err != nil {
			return nil, err
		}
		if m != nil {
			out = append(out, procedures.Text{
				Zh: fmt.Sprintf("婚姻登记信息显示%s现有配偶（%s登记）", e.name(i), m.RegisteredOn),
				En: fmt.Sprintf("the registry shows %s as currently married (registered %s)", e.name(i), m.RegisteredOn),
			})
		}
	}
	return out, nil
}

func checkAgreement(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	ag := e.object("agreement")
	var out []procedures.Text
	if ag["willToDivorce"] != true {
		out = append(out, procedures.Text{Zh: "离婚协议未载明双方自愿离婚的意思表示", En: "the agreement does not state the will of both to divorce"})
	}
	for _, f := range []struct{ key, zh, en string }{
		{"children", "子女抚养", "children"}, {"property", "财产", "property"}, {"debts", "债务", "debts"},
	} {
		if s, _ := ag[f.key].(string); strings.TrimSpace(s) == "" {
			out = append(out, procedures.Text{
				Zh: "离婚协议未载明" + f.zh + "处理事项",
				En: "the agreement does not settle " + f.en,
			})
		}
	}
	return out, nil
}

func checkCapacity(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	if e.form["fullCivilCapacity"] == true {
		return nil, nil
	}
	return []procedures.Text{{Zh: "一方或者双方当事人为无民事行为能力人或者限制民事行为能力人", En: "a party lacks full civil capacity"}}, nil
}

func checkMarriedToEachOther(ctx context.Context, e *checkEnv) ([]procedures.Text, error) {
	if len(e.persons) != 2 {
		return []procedures.Text{{Zh: "离婚须夫妻双方共同申请", En: "both spouses must apply together"}}, nil
	}
	m, err := e.registry().ActiveMarriageBetween(ctx, e.persons[0].Number, e.persons[1].Number)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return []procedures.Text{{
			Zh: "婚姻登记信息中没有双方在内地登记的婚姻",
			En: "the registry holds no marriage between the two registered in the mainland",
		}}, nil
	}
	return nil, nil
}
