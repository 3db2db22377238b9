// Package idnumber reads and validates 18-digit resident identity numbers
// (GB 11643-1999): region, birth date, sequence (odd for men) and check digit.
package idnumber

import (
	"errors"
	"fmt"
	"time"

	"civilflow/divisions"
)

// Errors name the rule a number breaks, so the API can tell the applicant.
var (
	ErrLength     = errors.New("must have 18 characters")
	ErrFormat     = errors.New("must be 17 digits followed by a digit or X")
	ErrBirthDate  = errors.New("does not encode a real birth date")
	ErrCheckDigit = errors.New("check digit does not match (GB 11643)")
	ErrRegion     = errors.New("unknown region code (GB/T 2260)")
)

// Sex as encoded in the sequence digit.
type Sex string

// The two values of Sex.
const (
	Male   Sex = "male"
	Female Sex = "female"
)

// Info is what an identity number tells.
type Info struct {
	Number string
	Region string // six-digit division code where the number was issued
	Birth  time.Time
	Sex    Sex
}

var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const checkChars = "10X98765432"

// CheckDigit computes the 18th character from the first 17 digits.
func CheckDigit(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * weights[i]
	}
	return checkChars[sum%11]
}

// Parse validates s and returns what it encodes. A lowercase x is accepted
// and normalised, because people type it that way.
func Parse(s string) (Info, error) {
	if len(s) != 18 {
		return Info{}, ErrLength
	}
	b := []byte(s)
	if b[17] == 'x' {
		b[17] = 'X'
	}
	for i := 0; i < 17; i++ {
		if b[i] < '0' || b[i] > '9' {
			return Info{}, ErrFormat
		}
	}
	if (b[17] < '0' || b[17] > '9') && b[17] != 'X' {
		return Info{}, ErrFormat
	}
	birth, err := time.Parse("20060102", string(b[6:14]))
	if err != nil || birth.Year() < 1890 {
		return Info{}, ErrBirthDate
	}
	if CheckDigit(string(b[:17])) != b[17] {
		return Info{}, ErrCheckDigit
	}
	sex := Female
	if (b[16]-'0')%2 == 1 {
		sex = Male
	}
	return Info{Number: string(b), Region: string(b[:6]), Birth: birth, Sex: sex}, nil
}

// Validate is Parse for callers that need only the verdict; births after
// asOf are impossible and rejected, and so are region codes that never
// existed (see CheckRegion).
func Validate(s string, asOf time.Time) error {
	info, err := Parse(s)
	if err != nil {
		return err
	}
	if err := CheckRegion(info.Region); err != nil {
		return err
	}
	if info.Birth.After(asOf) {
		return fmt.Errorf("%w: born after today", ErrBirthDate)
	}
	return nil
}

// AgeOn returns the age in full years on the given day: a person born on
// 29 February comes of age on 1 March in common years.
func AgeOn(birth time.Time, on time.Time) int {
	age := on.Year() - birth.Year()
	if on.Month() < birth.Month() || (on.Month() == birth.Month() && on.Day() < birth.Day()) {
		age--
	}
	return age
}

// residencePermitRegions are the codes of the residence permits of Hong
// Kong, Macao and Taiwan residents, which share the number's format.
var residencePermitRegions = map[string]bool{"810000": true, "820000": true, "830000": true}

// CheckRegion refuses a region code no division ever had. A number keeps
// the code of the county where it was first issued, and many of those
// codes have since been retired (Beijing's counties 1102xx, Chongqing
// under Sichuan 5102xx, prefectures renumbered when a 地区 became a city),
// so the current GB/T 2260 table alone would refuse real people. A code is
// therefore accepted when it is in the current table below province level,
// when it is a residence-permit code (81, 82, 83 followed by 0000), or
// when its province exists today and its other digits follow the GB/T 2260
// numbering: a prefecture 01–70 or 90 (directly administered) and a county
// 01–99. This refuses 000000, 999999, provinces that never existed and
// provinces or prefectures used as if they were counties; it cannot tell a
// retired county from one never assigned.
//
// Parse does not apply it: activities of running cases parse numbers
// accepted before this rule, and must keep doing so.
func CheckRegion(code string) error {
	if len(code) != 6 || !divisions.Valid(code) {
		return ErrRegion
	}
	if residencePermitRegions[code] {
		return nil
	}
	if code[0] == '9' {
		return checkPermanentResidenceRegion(code)
	}
	t, err := divisions.Default()
	if err != nil {
		return fmt.Errorf("idnumber: %w", err)
	}
	if d, ok := t.Lookup(code); ok && d.Level >= divisions.LevelPrefecture {
		return nil
	}
	if d, ok := t.Lookup(code[:2] + "0000"); !ok || d.Level != divisions.LevelProvince {
		return ErrRegion
	}
	pref, county := code[2:4], code[4:6]
	if (pref < "01" || pref > "70") && pref != "90" {
		return ErrRegion
	}
	if county == "00" {
		return ErrRegion
	}
	return nil
}

// Kind is the document an 18-digit number belongs to. Three documents
// share the format and check digit of GB 11643: the resident identity
// card, the residence permit of Hong Kong, Macao and Taiwan residents
// (港澳台居民居住证, region 810000, 820000 or 830000) and the 2023
// foreigner's permanent residence identity card (外国人永久居留身份证,
// leading 9, then the issuing province and a nationality code). The law
// treats the three apart: a marriage or an adoption with a party holding
// one of the last two is registered at the province (婚姻登记条例第二条
// 第二款; 民法典第一千一百零九条).
type Kind string

// The kinds of number.
const (
	KindResident                 Kind = "resident"
	KindHKMacaoTaiwan            Kind = "hk-macao-taiwan"
	KindForeignPermanentResident Kind = "foreign-permanent-resident"
)

// KindOf tells which document number s belongs to, by its prefix alone.
func KindOf(s string) Kind {
	switch {
	case len(s) >= 6 && residencePermitRegions[s[:6]]:
		return KindHKMacaoTaiwan
	case len(s) >= 1 && s[0] == '9':
		return KindForeignPermanentResident
	}
	return KindResident
}

// Mainland reports whether the number is a mainland resident's.
func (k Kind) Mainland() bool { return k == KindResident }

// checkPermanentResidenceRegion accepts the leading digits of a foreigner's
// permanent residence number: 9, a province that exists, and a three-digit
// nationality code (ISO 3166-1 numeric, never 000).
func checkPermanentResidenceRegion(code string) error {
	t, err := divisions.Default()
	if err != nil {
		return fmt.Errorf("idnumber: %w", err)
	}
	if d, ok := t.Lookup(code[1:3] + "0000"); !ok || d.Level != divisions.LevelProvince || code[3:6] == "000" {
		return ErrRegion
	}
	return nil
}
