package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"civilflow/policies"
	"civilflow/store"
)

// NotificationItem is one message.
type NotificationItem struct {
	ID        int64      `json:"id"`
	CaseID    string     `json:"caseId"`
	Kind      string     `json:"kind" doc:"assigned, returned, urged, decided, due-soon, overdue, copied, or deadline-moved (a provisional last day the holiday notice moved)"`
	ToRole    string     `json:"toRole,omitempty" doc:"Set when the message is for everyone holding a role at an office"`
	ToOffice  string     `json:"toOffice,omitempty"`
	Message   string     `json:"message"`
	CreatedAt time.Time  `json:"createdAt"`
	ReadAt    *time.Time `json:"readAt,omitempty"`
}

// NotificationsResponse is a page of messages.
type NotificationsResponse struct {
	Body struct {
		Total int                `json:"total"`
		Items []NotificationItem `json:"items"`
	}
}

// NotificationPath names a message.
type NotificationPath struct {
	ID int64 `path:"id" minimum:"1" doc:"Message ID"`
}

func registerNotifications(api huma.API, d *Deps) {
	huma.Register(api, huma.Operation{
		OperationID: "list-my-notifications", Method: http.MethodGet, Path: "/v1/me/notifications",
		Summary: "List my notifications", Tags: []string{"Me"}, DefaultStatus: http.StatusOK,
		Description: "Messages for you, or for a role you hold in a jurisdiction covering the office: newest first.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
	}, func(ctx context.Context, in *PageRequest) (*NotificationsResponse, error) {
		p := principalOf(ctx)
		if ok, err := d.allowed(request(p, policies.ObjectNotifications, policies.ActionList)); err != nil || !ok {
			return nil, orForbidden(err)
		}
		var grants []store.Grant
		for _, g := range p.Grants {
			grants = append(grants, store.Grant{Role: g.Role, Division: g.Division})
		}
		ns, total, err := d.Store.Notifications(ctx, p.Subject, grants, store.Page{Limit: in.Limit, Offset: in.Offset})
		if err != nil {
			return nil, huma.Error500InternalServerError("list notifications", err)
		}
		out := &NotificationsResponse{}
		out.Body.Total, out.Body.Items = total, make([]NotificationItem, 0, len(ns))
		for _, n := range ns {
			it := NotificationItem{ID: n.ID, CaseID: n.CaseID, Kind: n.Kind, Message: n.Message, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
			if n.Subject == "" {
				it.ToRole, it.ToOffice = n.Role, n.Office
			}
			out.Body.Items = append(out.Body.Items, it)
		}
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "mark-notification-read", Method: http.MethodPost, Path: "/v1/me/notifications/{id}/read",
		Summary: "Mark a notification read", Tags: []string{"Me"}, DefaultStatus: http.StatusNoContent,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, func(ctx context.Context, in *NotificationPath) (*struct{}, error) {
		p := principalOf(ctx)
		if ok, err := d.allowed(request(p, policies.ObjectNotifications, policies.ActionList)); err != nil || !ok {
			return nil, orForbidden(err)
		}
		err := d.Store.MarkRead(ctx, p.Subject, in.ID, time.Now())
		if errors.Is(err, store.ErrNotFound) {
			return nil, huma.Error404NotFound("no unread message of yours with this id")
		}
		if err != nil {
			return nil, huma.Error500InternalServerError("mark read", err)
		}
		return nil, nil
	})
}
