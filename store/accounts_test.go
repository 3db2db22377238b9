package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("正确的密码 horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string with the chosen parameters", h)
	}
	if !CheckPassword(h, "正确的密码 horse") || CheckPassword(h, "正确的密码 horsE") || CheckPassword(h, "") {
		t.Fatal("the hash does not tell the right password from a wrong one")
	}
	h2, _ := HashPassword("正确的密码 horse")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", strings.Replace(h, "t=2", "t=0", 1)} {
		if CheckPassword(bad, "x") {
			t.Errorf("malformed hash %q matched", bad)
		}
	}
}

func TestAccountLockoutAndSessions(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	h, _ := HashPassword("pw-1")
	a := Account{Username: "wang", Name: "王登记", Subject: "reg-001", PasswordHash: h, Active: true}
	if err := db.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAccount(ctx, a); !errors.Is(err, ErrExists) {
		t.Fatalf("second account with the same username: %v, want ErrExists", err)
	}
	if err := db.CreateAccount(ctx, Account{Username: "bad name", Name: "x", Subject: "s", PasswordHash: h}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("username with a space: %v", err)
	}

	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	var locks []time.Duration
	for range 8 {
		until, err := db.SignInFailed(ctx, "wang", now, DefaultLockout)
		if err != nil {
			t.Fatal(err)
		}
		if until.IsZero() {
			locks = append(locks, 0)
		} else {
			locks = append(locks, until.Sub(now))
		}
	}
	want := []time.Duration{0, 0, 0, 0, 30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i := range want {
		if locks[i] != want[i] {
			t.Fatalf("locks after each failure %v, want %v", locks, want)
		}
	}
	if d := DefaultLockout.lockFor(40); d != DefaultLockout.Max {
		t.Errorf("the 40th failure locks for %v, want the cap %v", d, DefaultLockout.Max)
	}
	got, _ := db.Account(ctx, "wang")
	if got.FailedAttempts != 8 || !got.LockedUntil.Equal(now.Add(4*time.Minute)) {
		t.Fatalf("account after 8 failures: %+v", got)
	}
	if err := db.SignInSucceeded(ctx, "wang"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Account(ctx, "wang"); got.FailedAttempts != 0 || !got.LockedUntil.IsZero() {
		t.Fatalf("a success leaves %+v", got)
	}

	live := time.Now()
	s := Session{Subject: "reg-001", Name: "王登记", Username: "wang", CSRFToken: "c", CreatedAt: live, ExpiresAt: live.Add(12 * time.Hour)}
	if err := db.CreateSession(ctx, "tok-1", s); err != nil {
		t.Fatal(err)
	}
	if got, err := db.SessionByToken(ctx, "tok-1", live); err != nil || got.Subject != "reg-001" || got.CSRFToken != "c" {
		t.Fatalf("session %+v %v", got, err)
	}
	if _, err := db.SessionByToken(ctx, "tok-1", live.Add(12*time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session at its expiry: %v, want ErrNotFound", err)
	}
	if _, err := db.SessionByToken(ctx, "tok-1", live); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an expired session was not deleted: %v", err)
	}

	// Deactivating the account ends its sessions at once.
	if err := db.CreateSession(ctx, "tok-2", s); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.PutAccount(ctx, "wang", StaffEditor{}, func(b Account, exists bool) (Account, error) {
		b.Active = false
		return b, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionByToken(ctx, "tok-2", live); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session of a deactivated account: %v", err)
	}
	// A new password ends them too, and clears the lock.
	if _, _, err := db.PutAccount(ctx, "wang", StaffEditor{}, func(b Account, exists bool) (Account, error) {
		b.Active = true
		return b, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, "tok-3", s); err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("pw-2")
	if _, _, err := db.PutAccount(ctx, "wang", StaffEditor{}, func(b Account, exists bool) (Account, error) {
		b.PasswordHash = h2
		return b, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionByToken(ctx, "tok-3", live); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session after a password change: %v", err)
	}
	if n, _ := db.AccountCount(ctx); n != 1 {
		t.Fatalf("account count %d", n)
	}
	// Each change is in the account's audit chain, never the hash, and
	// the chain verifies.
	recs, err := db.AuditRecords(ctx, AccountChain("wang"))
	if err != nil || len(recs) != 4 {
		t.Fatalf("account audit records %d %v, want 4 (created, deactivated, activated, password)", len(recs), err)
	}
	for _, r := range recs {
		if strings.Contains(r.StageFrom+r.StageTo+r.Opinion, "argon2") || r.Action != ActionAccountChange {
			t.Errorf("audit entry %+v", r)
		}
	}
	rep, err := db.VerifyAudit(ctx, nil)
	if err != nil || !rep.Intact || rep.Cases != 0 || rep.Entries != 4 {
		t.Fatalf("verify: %+v %v, want 4 entries, no case, no problem", rep, err)
	}
	if !strings.Contains(recs[3].Opinion, "password set") || !strings.Contains(recs[1].Opinion, "active: true → false") {
		t.Errorf("opinions %q, %q", recs[1].Opinion, recs[3].Opinion)
	}
}

// BenchmarkCheckPassword measures what one sign-in costs in argon2id.
func BenchmarkCheckPassword(b *testing.B) {
	h, _ := HashPassword("a good long password")
	for b.Loop() {
		CheckPassword(h, "a good long password")
	}
}
