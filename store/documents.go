package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
)

// Document is a numbered document issued in a case by a procedure other
// than marriage and divorce (those have Certificate).
type Document struct {
	Number     string
	Kind       string
	CaseID     string
	HolderID   string // resident ID number, organization code, or "" for a public notice
	HolderName string
	Office     string
	IssuedOn   string
	Data       json.RawMessage // kind-specific facts
}

// DocumentRequest asks for a document to be issued.
type DocumentRequest struct {
	CaseID     string
	Kind       string
	Prefix     string // leading letters of the number, e.g. SY for 收养登记证
	Office     string
	Date       string // YYYY-MM-DD
	HolderID   string
	HolderName string
	Data       json.RawMessage
}

var prefixPattern = regexp.MustCompile(`^[A-Z]{1,4}$`)

// IssueDocument issues a numbered document, "<Prefix><office>-<year>-<NNNNNN>"
// with a per-(kind, office, year) sequence. Idempotent by (case, kind,
// holder): a retry returns the document issued before and writes nothing.
func (db *DB) IssueDocument(ctx context.Context, r DocumentRequest) (Document, error) {
	if r.CaseID == "" || r.Kind == "" || !prefixPattern.MatchString(r.Prefix) || !isDivisionCode(r.Office) || checkDate(r.Date) != nil {
		return Document{}, fmt.Errorf("store: issue document: %w: need case, kind, prefix (1-4 capitals), office and date", ErrInvalid)
	}
	if len(r.Data) == 0 {
		r.Data = json.RawMessage(`{}`)
	}
	if !json.Valid(r.Data) {
		return Document{}, fmt.Errorf("store: issue document: %w: data is not JSON", ErrInvalid)
	}
	var d Document
	err := db.inTx(ctx, func(tx runner) error {
		prev, err := scanDocument(tx.queryRow(ctx, `SELECT `+documentColumns+` FROM documents WHERE case_id = ? AND kind = ? AND holder_id = ?`,
			r.CaseID, r.Kind, r.HolderID))
		if err == nil {
			d = prev
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		year := r.Date[:4]
		n, err := nextCounter(ctx, tx, `INSERT INTO document_counters (kind, office, year, last) VALUES (?, ?, ?, 1)
ON CONFLICT (kind, office, year) DO UPDATE SET last = document_counters.last + 1
RETURNING last`, r.Kind, r.Office, year)
		if err != nil {
			return fmt.Errorf("document counter: %w", err)
		}
		d = Document{Number: fmt.Sprintf("%s%s-%s-%06d", r.Prefix, r.Office, year, n), Kind: r.Kind, CaseID: r.CaseID,
			HolderID: r.HolderID, HolderName: r.HolderName, Office: r.Office, IssuedOn: r.Date, Data: r.Data}
		_, err = tx.exec(ctx, `INSERT INTO documents (number, kind, case_id, holder_id, holder_name, office, issued_on, data)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.Number, d.Kind, d.CaseID, d.HolderID, d.HolderName, d.Office, d.IssuedOn, string(d.Data))
		return err
	})
	if err != nil {
		return Document{}, fmt.Errorf("store: issue document: %w", err)
	}
	return d, nil
}

const documentColumns = `number, kind, case_id, holder_id, holder_name, office, issued_on, data`

func scanDocument(s scanner) (Document, error) {
	var d Document
	var data string
	if err := s.Scan(&d.Number, &d.Kind, &d.CaseID, &d.HolderID, &d.HolderName, &d.Office, &d.IssuedOn, &data); err != nil {
		return d, err
	}
	d.Data = json.RawMessage(data)
	return d, nil
}

// DocumentsForCase lists the documents of a case in issue order.
func (db *DB) DocumentsForCase(ctx context.Context, caseID string) ([]Document, error) {
	rows, err := db.conn().query(ctx, `SELECT `+documentColumns+` FROM documents WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: documents: %w", err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("store: documents: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
