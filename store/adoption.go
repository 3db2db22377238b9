package store

import (
	"context"
	"fmt"
)

// KindAdoptionCertificate is the document kind of the adoption certificate
// (收养登记证); each adopter holds one.
const KindAdoptionCertificate = "adoption-certificate"

// AdoptionsRegistered counts the adoption certificates an adopter holds:
// the children this person adopted through a registration recorded here.
// The number rules of Civil Code 1100 are checked against it, so an
// adopter's declaration cannot understate earlier adoptions.
func (db *DB) AdoptionsRegistered(ctx context.Context, idNumber string) (int, error) {
	var n int
	err := db.conn().queryRow(ctx, `SELECT COUNT(*) FROM documents WHERE kind = ? AND holder_id = ?`,
		KindAdoptionCertificate, idNumber).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: adoptions registered by %s: %w", idNumber, err)
	}
	return n, nil
}
