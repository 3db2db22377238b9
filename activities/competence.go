package activities

import (
	"context"
	"fmt"
	"strings"

	"civilflow/divisions"
	"civilflow/idnumber"
	"civilflow/procedures"
)

// The competent office: which level of civil affairs department registers
// a case, by the applicants' documents. An office without that competence
// does not accept the case and names the one that has it (不予受理并告知).
func init() {
	checkers["marriage-registration-office"] = checker{
		basis: "婚姻登记条例第二条", run: checkMarriageOffice}
	checkers["adoption-registration-office"] = checker{
		basis: "中国公民收养子女登记办法第二条、第四条；民法典第一千一百零九条", run: checkAdoptionOffice}
	checkers["submitted-at-office"] = checker{
		basis: "民法典第一千零七十六条第一款；婚姻登记条例第十三条", run: checkSubmittedAtOffice}
}

// checkSubmittedAtOffice routes: an application entered by a registrar of
// the office, who is no party to it, was made at the counter with the
// parties present, and is accepted on receipt; one a party filed online
// waits for them to appear.
func checkSubmittedAtOffice(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	if s := e.in.Submitter; s != nil && !e.isParty(s.Subject) {
		for _, g := range s.Roles {
			if g.Role == "registrar" && divisions.Covers(g.Division, e.in.Office) {
				return nil, nil
			}
		}
	}
	return []procedures.Text{{Zh: "申请由当事人在线提交，须双方亲自到场", En: "filed online by a party: both must appear in person"}}, nil
}

func (e *checkEnv) isParty(subject string) bool {
	for _, p := range e.in.Parties {
		if p.IDNumber == subject {
			return true
		}
	}
	return false
}

// foreignRelated names the first party holding a non-mainland number.
func (e *checkEnv) foreignRelated() (int, idnumber.Kind, bool) {
	for i, p := range e.persons {
		if k := idnumber.KindOf(p.Number); !k.Mainland() {
			return i, k, true
		}
	}
	return 0, "", false
}

func kindText(k idnumber.Kind) (zh, en string) {
	if k == idnumber.KindForeignPermanentResident {
		return "外国人", "a foreigner"
	}
	return "香港、澳门或者台湾居民", "a Hong Kong, Macao or Taiwan resident"
}

// provincialDepartment is the name of a province's civil affairs
// department: 民政局 in the four municipalities, 民政厅 elsewhere.
func provincialDepartment(office string) string {
	prov := office[:2] + "0000"
	name := prov
	if t, err := divisions.Default(); err == nil {
		if d, ok := t.Lookup(prov); ok {
			name = d.Name
		}
	}
	if strings.HasSuffix(name, "市") {
		return name + "民政局"
	}
	return name + "民政厅"
}

func divisionName(code string) string {
	if t, err := divisions.Default(); err == nil {
		return t.FullName(code)
	}
	return code
}

// countyOffice reports whether office registers as a county-level
// department: a county, or a city without counties (东莞, 中山).
func countyOffice(office string) bool {
	if !divisions.Valid(office) {
		return false
	}
	switch divisions.LevelOf(office) {
	case divisions.LevelCounty:
		return true
	case divisions.LevelPrefecture:
		t, err := divisions.Default()
		return err == nil && !t.HasCounties(office)
	}
	return false
}

// checkMarriageOffice: mainland residents register at a county-level
// department (婚姻登记条例第二条第一款); a case with a foreigner or a Hong
// Kong, Macao or Taiwan resident at the provincial department or the
// office it designates (第二条第二款). The province's designations are
// not data here, so a foreign-related case is accepted at the province.
func checkMarriageOffice(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	office := e.in.Office
	if i, k, ok := e.foreignRelated(); ok {
		if divisions.Valid(office) && divisions.LevelOf(office) == divisions.LevelProvince {
			return nil, nil
		}
		zh, en := kindText(k)
		dept := provincialDepartment(office)
		return []procedures.Text{{
			Zh: fmt.Sprintf("当事人%s为%s，婚姻登记由省级人民政府民政部门或者其确定的机关办理；本机关不予受理，请向%s或者其指定的婚姻登记机关申请", e.name(i), zh, dept),
			En: fmt.Sprintf("%s is %s: such a case is registered by the provincial civil affairs department or the office it designates; not accepted here, apply to %s or the office it designates", e.name(i), en, dept),
		}}, nil
	}
	if countyOffice(office) {
		return nil, nil
	}
	return []procedures.Text{{
		Zh: fmt.Sprintf("内地居民办理婚姻登记的机关是县级人民政府民政部门或者省级人民政府确定的乡（镇）人民政府；%s不予受理，请向县级人民政府民政部门申请", divisionName(office)),
		En: fmt.Sprintf("mainland residents register with a county-level civil affairs department or a township the province designates; not accepted at %s, apply to a county-level department", office),
	}}, nil
}

// checkAdoptionOffice: adoption is registered by the county-level
// department (登记办法第二条第二款) of the place 第四条 names, which the
// form gives as placement.division: where the welfare institution is, where
// a foundling was found, or the placer's (birth parent's, guardian's)
// household registration. A foreign adopter registers with the province of
// that place (民法典第一千一百零九条第一款); so does a Hong Kong, Macao or
// Taiwan resident (登记办法第十五条 and the Ministry's rules under it).
func checkAdoptionOffice(_ context.Context, e *checkEnv) ([]procedures.Text, error) {
	office := e.in.Office
	where, _ := e.object("placement")["division"].(string)
	if !divisions.Valid(where) || divisions.LevelOf(where) == divisions.LevelNation {
		return []procedures.Text{{
			Zh: "未写明确定登记机关的地点（社会福利机构所在地、弃婴和儿童发现地或者送养人常住户口所在地）",
			En: "placement.division, the place that decides the registration office (institution, place found, or the placer's household registration), is missing",
		}}, nil
	}
	if i, k, ok := e.foreignRelated(); ok {
		prov := where[:2] + "0000"
		if office == prov {
			return nil, nil
		}
		zh, en := kindText(k)
		dept := provincialDepartment(where)
		return []procedures.Text{{
			Zh: fmt.Sprintf("收养人%s为%s，收养登记由%s办理；本机关不予受理，请向%s申请", e.name(i), zh, dept, dept),
			En: fmt.Sprintf("%s is %s: the adoption is registered by %s; not accepted here, apply there", e.name(i), en, dept),
		}}, nil
	}
	if office == where && countyOffice(office) {
		return nil, nil
	}
	return []procedures.Text{{
		Zh: fmt.Sprintf("收养登记由%s人民政府民政部门办理；本机关不予受理，请向该机关申请", divisionName(where)),
		En: fmt.Sprintf("the adoption is registered by the civil affairs department of %s (%s); not accepted here, apply there", divisionName(where), where),
	}}, nil
}
