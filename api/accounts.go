package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/auth"
	"civilflow/divisions"
	"civilflow/idnumber"
	"civilflow/policies"
	"civilflow/store"
)

// MinPasswordLen is the shortest password an account may be given, in
// characters.
const MinPasswordLen = 10

// AccountView is a local account as admins see it; never its password.
type AccountView struct {
	Username       string   `json:"username"`
	Name           string   `json:"name"`
	Subject        string   `json:"subject" doc:"Staff directory subject, or an applicant's resident ID number"`
	Active         bool     `json:"active"`
	Roles          []string `json:"roles" doc:"Roles the staff directory gives the subject now (never stored with the account)"`
	FailedAttempts int      `json:"failedAttempts" doc:"Failed sign-ins since the last success"`
	LockedUntil    string   `json:"lockedUntil,omitempty" format:"date-time"`
}

// AccountsResponse lists accounts.
type AccountsResponse struct {
	Body struct {
		Accounts []AccountView `json:"accounts"`
	}
}

// AccountResponse is one account.
type AccountResponse struct {
	Body AccountView
}

// PutAccountRequest creates or changes an account.
type PutAccountRequest struct {
	Username string `path:"username" maxLength:"64" pattern:"^[A-Za-z0-9._@-]+$" doc:"The account's username" example:"wang"`
	Body     struct {
		Name     string `json:"name" minLength:"1" maxLength:"60" doc:"The person's name" example:"王登记"`
		Subject  string `json:"subject" maxLength:"64" pattern:"^[A-Za-z0-9._-]+$" doc:"Staff directory subject, or an applicant's resident ID number" example:"reg-001"`
		Active   *bool  `json:"active,omitempty" doc:"Whether the account may sign in (default true); false ends its sessions"`
		Password string `json:"password,omitempty" maxLength:"1024" doc:"A new password, at least 10 characters; required for a new account; ends the account's sessions"`
	}
}

func registerAccounts(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "list-accounts", Method: http.MethodGet, Path: "/v1/accounts",
		Summary: "List local accounts", Tags: []string{"Accounts"}, DefaultStatus: http.StatusOK,
		Description: "The local sign-in accounts an admin may manage (see PUT /v1/accounts/{username}), with the " +
			"roles the staff directory gives each now.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, _ *struct{}) (*AccountsResponse, error) {
		p := principalOf(ctx)
		if len(adminDivisions(p)) == 0 {
			return nil, errForbidden
		}
		all, err := d.Store.Accounts(ctx)
		if err != nil {
			return nil, huma.Error500InternalServerError("list accounts", err)
		}
		out := &AccountsResponse{}
		out.Body.Accounts = []AccountView{}
		for _, a := range all {
			held, ok, err := d.managesSubject(ctx, p, a.Subject)
			if err != nil {
				return nil, huma.Error500InternalServerError("list accounts", err)
			}
			if ok {
				out.Body.Accounts = append(out.Body.Accounts, accountView(a, held))
			}
		}
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "put-account", Method: http.MethodPut, Path: "/v1/accounts/{username}",
		Summary: "Create or change a local account", Tags: []string{"Accounts"}, DefaultStatus: http.StatusOK,
		Description: "Sets the account's name, subject, whether it is active and, optionally, a new password " +
			"(required to create one). Roles are not part of an account: put the person in the staff directory " +
			"first (PUT /v1/staff/{subject}). An admin manages an account when their jurisdiction covers every " +
			"role the directory gives its subject (only an admin:000000 manages one holding admin:000000); an " +
			"applicant's account, whose subject is a resident ID number, by an admin covering the division of " +
			"the number's first six digits; an account whose subject holds no role and is no ID number, by an " +
			"admin:000000 only. This holds for the account before and after the change. Nobody changes their own " +
			"account here. Deactivating, changing the subject or the password ends the account's sessions.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, d.putAccount)
}

func accountView(a store.Account, held []policies.Grant) AccountView {
	v := AccountView{Username: a.Username, Name: a.Name, Subject: a.Subject, Active: a.Active,
		Roles: principalRoles(auth.Principal{Grants: held}), FailedAttempts: a.FailedAttempts}
	if !a.LockedUntil.IsZero() && a.LockedUntil.After(time.Now()) {
		v.LockedUntil = a.LockedUntil.UTC().Format(time.RFC3339)
	}
	return v
}

// adminDivisions are the divisions p holds the admin role in.
func adminDivisions(p auth.Principal) []string {
	var out []string
	for _, g := range p.Grants {
		if g.Role == policies.RoleAdmin {
			out = append(out, g.Division)
		}
	}
	return out
}

// covered reports whether one of p's admin divisions covers target.
func covered(p auth.Principal, target string) bool {
	for _, div := range adminDivisions(p) {
		if divisions.Covers(div, target) {
			return true
		}
	}
	return false
}

// managesSubject reports whether admin p manages accounts of subject
// (see put-account), and the grants the directory gives subject now.
func (d *Deps) managesSubject(ctx context.Context, p auth.Principal, subject string) ([]policies.Grant, bool, error) {
	held, _, err := d.directoryGrants(ctx, subject)
	if err != nil {
		return nil, false, err
	}
	if len(held) > 0 {
		for _, g := range held {
			if g.Role == policies.RoleAdmin && g.Division == policies.Nationwide && !covered(p, policies.Nationwide) {
				return held, false, nil
			}
			if !covered(p, g.Division) {
				return held, false, nil
			}
		}
		return held, true, nil
	}
	if _, err := idnumber.Parse(subject); err == nil {
		return nil, covered(p, subject[:6]), nil
	}
	return nil, covered(p, policies.Nationwide), nil
}

// accountRefusal is a change of an account the admin may not make.
type accountRefusal struct{ msg string }

func (r *accountRefusal) Error() string { return r.msg }

func (d *Deps) putAccount(ctx context.Context, in *PutAccountRequest) (*AccountResponse, error) {
	p := principalOf(ctx)
	if len(adminDivisions(p)) == 0 {
		return nil, errForbidden
	}
	var details []error
	if !store.ValidUsername(in.Username) {
		details = append(details, &huma.ErrorDetail{Location: "path.username", Message: "want 1-64 letters, digits, '.', '_', '@' or '-'", Value: in.Username})
	}
	if bad := nameDetail("body.name", in.Body.Name); bad != nil {
		details = append(details, bad)
	}
	if !store.ValidSubject(in.Body.Subject) {
		details = append(details, &huma.ErrorDetail{Location: "body.subject", Message: "want 1-64 letters, digits, '.', '_' or '-'", Value: in.Body.Subject})
	}
	if in.Body.Password != "" && utf8.RuneCountInString(in.Body.Password) < MinPasswordLen {
		details = append(details, &huma.ErrorDetail{Location: "body.password", Message: "must be at least 10 characters"})
	}
	if len(details) > 0 {
		return nil, huma.Error422UnprocessableEntity("validation failed", details...)
	}
	if in.Body.Subject == p.Subject {
		return nil, huma.Error403Forbidden("nobody creates or changes an account for themselves")
	}
	newHeld, ok, err := d.managesSubject(ctx, p, in.Body.Subject)
	if err != nil {
		return nil, huma.Error500InternalServerError("put account", err)
	}
	if !ok {
		return nil, huma.Error403Forbidden("the subject " + in.Body.Subject + " lies outside your jurisdiction")
	}
	var hash string
	if in.Body.Password != "" {
		if hash, err = store.HashPassword(in.Body.Password); err != nil {
			return nil, huma.Error500InternalServerError("put account", err)
		}
	}
	active := in.Body.Active == nil || *in.Body.Active
	var written store.Account
	editor := store.StaffEditor{Subject: p.Subject, Name: p.Name, Role: policies.RoleAdmin, Division: adminDivisions(p)[0]}
	_, _, err = d.Store.PutAccount(ctx, in.Username, editor, func(before store.Account, exists bool) (store.Account, error) {
		if !exists && hash == "" {
			return store.Account{}, huma.Error422UnprocessableEntity("validation failed",
				&huma.ErrorDetail{Location: "body.password", Message: "is required to create an account"})
		}
		if exists {
			if before.Subject == p.Subject {
				return store.Account{}, &accountRefusal{"nobody creates or changes an account for themselves"}
			}
			if before.Subject != in.Body.Subject {
				if _, ok, err := d.managesSubject(ctx, p, before.Subject); err != nil {
					return store.Account{}, err
				} else if !ok {
					return store.Account{}, &accountRefusal{"the account " + in.Username + " lies outside your jurisdiction"}
				}
			}
		}
		after := before
		after.Name, after.Subject, after.Active = strings.TrimSpace(in.Body.Name), in.Body.Subject, active
		if hash != "" {
			after.PasswordHash = hash
		}
		written = after
		return after, nil
	})
	var refusal *accountRefusal
	var se huma.StatusError
	switch {
	case errors.As(err, &refusal):
		return nil, huma.Error403Forbidden(refusal.msg)
	case errors.As(err, &se):
		return nil, se
	case err != nil:
		return nil, huma.Error500InternalServerError("put account", err)
	}
	d.Logger.Info("account changed", "username", in.Username, "subject", written.Subject, "active", written.Active,
		"newPassword", hash != "", "by", p.Subject)
	a, err := d.Store.Account(ctx, in.Username)
	if err != nil {
		return nil, huma.Error500InternalServerError("put account", err)
	}
	return &AccountResponse{Body: accountView(a, newHeld)}, nil
}
