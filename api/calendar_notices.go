package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/calendar"
	"civilflow/policies"
	"civilflow/store"
)

// NoticeUpload is a year's holiday notice as calendar data.
type NoticeUpload struct {
	Body struct {
		Name string `json:"name" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]*$" doc:"A file name for the record, e.g. cn-2027.yaml" example:"cn-2027.yaml"`
		Data string `json:"data" minLength:"1" maxLength:"65536" doc:"The YAML text in the format of the built-in calendar data: version, optionally region (a division code, for that region's own days off), and years with notice, holidays and makeup_workdays"`
	}
}

// LoadedNotice is a stored holiday data file.
type LoadedNotice struct {
	ID       int64     `json:"id"`
	Version  string    `json:"version"`
	Name     string    `json:"name"`
	SHA256   string    `json:"sha256"`
	LoadedBy string    `json:"loadedBy"`
	LoadedAt time.Time `json:"loadedAt"`
}

// NoticeResponse is what loading a notice gave.
type NoticeResponse struct {
	Body struct {
		LoadedNotice
		CalendarVersion string `json:"calendarVersion" doc:"The national calendar's version now in use"`
		CoveredYears    []int  `json:"coveredYears" doc:"The years with a loaded notice"`
	}
}

// NoticeList lists the notices loaded at run time.
type NoticeList struct {
	Body struct {
		CalendarVersion string         `json:"calendarVersion"`
		CoveredYears    []int          `json:"coveredYears"`
		Provisional     bool           `json:"provisional" doc:"Years without a notice (from 2025) are counted provisionally from the statutory holidays"`
		Regions         []string       `json:"regions" doc:"Division codes with regional days off"`
		Items           []LoadedNotice `json:"items"`
	}
}

func registerCalendarNotices(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "load-calendar-notice", Method: http.MethodPost, Path: "/v1/calendar/notices",
		Summary: "Load a year's holiday notice", Tags: []string{"Calendar"}, DefaultStatus: http.StatusCreated,
		Description: "Adds the State Council's notice of a year (or a region's own days off, with `region`) to the legal " +
			"calendar: validated against the years already in use, stored with an audit entry, and used by every worker " +
			"without a restart. Periods counted provisionally for that year are recounted on their next daily check; a " +
			"date that moves is recorded in the case's trail and told to the parties. A national notice needs admin:000000, " +
			"a regional one an admin whose jurisdiction covers the region. A fault in the file is a 422 naming it.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *NoticeUpload) (*NoticeResponse, error) {
		p := principalOf(ctx)
		f := calendar.File{Name: in.Body.Name, Data: []byte(in.Body.Data)}
		division := calendar.FileRegion(f)
		if division == "" || !isDivision(division) {
			division = policies.Nationwide
		}
		req := request(p, policies.ObjectCalendar, policies.ActionManage)
		req.Division = division
		if ok, err := d.allowed(req); err != nil || !ok {
			return nil, orForbidden(err)
		}
		stored, err := d.Store.LoadCalendarFile(ctx, d.Calendar, f, p.Subject, p.Name, policies.RoleAdmin, division)
		if errors.Is(err, calendar.ErrInvalidData) || errors.Is(err, store.ErrCalendarVersionUsed) {
			return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body.data", Message: err.Error()})
		}
		if err != nil && stored.ID == 0 {
			return nil, huma.Error500InternalServerError("load calendar notice", err)
		}
		out := &NoticeResponse{}
		out.Body.LoadedNotice = loadedNotice(stored)
		out.Body.CalendarVersion, out.Body.CoveredYears = d.Calendar.Version(), d.Calendar.CoveredYears()
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-calendar-notices", Method: http.MethodGet, Path: "/v1/calendar/notices",
		Summary: "List the holiday notices loaded at run time", Tags: []string{"Calendar"}, DefaultStatus: http.StatusOK,
		Description: "The calendar in use (version, covered years, regions with days of their own) and the notices loaded " +
			"beside the built-in data, oldest first.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, _ *struct{}) (*NoticeList, error) {
		if ok, err := d.allowed(request(principalOf(ctx), policies.ObjectCalendar, policies.ActionRead)); err != nil || !ok {
			return nil, orForbidden(err)
		}
		files, err := d.Store.CalendarFileList(ctx)
		if err != nil {
			return nil, huma.Error500InternalServerError("list calendar notices", err)
		}
		out := &NoticeList{}
		out.Body.CalendarVersion, out.Body.CoveredYears = d.Calendar.Version(), d.Calendar.CoveredYears()
		out.Body.Provisional, out.Body.Regions = d.Calendar.IsProvisional(), d.Calendar.Regions()
		out.Body.Items = make([]LoadedNotice, 0, len(files))
		for _, f := range files {
			out.Body.Items = append(out.Body.Items, loadedNotice(f))
		}
		return out, nil
	})
}

func loadedNotice(f store.CalendarFile) LoadedNotice {
	return LoadedNotice{ID: f.ID, Version: f.Version, Name: f.Name, SHA256: f.SHA256, LoadedBy: f.LoadedBy, LoadedAt: f.LoadedAt.UTC()}
}

// isDivision reports whether s looks like a six-digit division code.
func isDivision(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
