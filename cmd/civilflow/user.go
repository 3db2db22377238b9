package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"civilflow/api"
	"civilflow/store"
)

// user manages local sign-in accounts: `civilflow user add` and
// `civilflow user passwd`.
func user(args []string, stdin io.Reader, out io.Writer) error {
	if len(args) > 0 && args[0] == "passwd" {
		return userPasswd(args[1:], stdin, out)
	}
	if len(args) == 0 || args[0] != "add" {
		return errors.New("user: usage: civilflow user add --data-dir DIR --username U --name N --subject S [--role admin:000000 ...] [--password-file F]\n" +
			"       civilflow user passwd --data-dir DIR --username U [--password-file F]")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "./data", "data directory of the server")
	username := fs.String("username", "", "the name to sign in with")
	name := fs.String("name", "", "the person's name")
	subject := fs.String("subject", "", "staff directory subject, or an applicant's resident ID number")
	pwFile := fs.String("password-file", "", "read the password from this file's first line instead of standard input")
	var roles roleFlags
	fs.Var(&roles, "role", "also give the subject this role in the staff directory, e.g. admin:000000 for the first administrator (repeatable)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *username == "" || strings.TrimSpace(*name) == "" || *subject == "" {
		return errors.New("user add: --username, --name and --subject are required")
	}
	hash, err := readPassword(*pwFile, stdin)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(*dataDir, "civilflow.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	if len(roles) > 0 {
		// Roles live in the staff directory, never in the account; the
		// ones given are added to those the subject holds.
		_, held, err := db.StaffStanding(ctx, *subject)
		if err != nil {
			return err
		}
		for _, g := range roles {
			if sg := (store.Grant{Role: g.Role, Division: g.Division}); !slices.Contains(held, sg) {
				held = append(held, sg)
			}
		}
		if err := db.PutStaff(ctx, store.StaffMember{Subject: *subject, Name: strings.TrimSpace(*name), Grants: held}); err != nil {
			return err
		}
	}
	if err := db.CreateAccount(ctx, store.Account{Username: *username, Name: strings.TrimSpace(*name), Subject: *subject,
		PasswordHash: hash, Active: true}); err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "account %s created for %s (%s)\n", *username, *subject, strings.TrimSpace(*name))
	return err
}

// readPassword reads a password from the first line of file, or of stdin,
// and returns its hash; it must be at least api.MinPasswordLen characters.
func readPassword(file string, stdin io.Reader) (string, error) {
	in := stdin
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", err
		}
		defer f.Close()
		in = f
	} else if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(os.Stderr, "password: ")
		}
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if utf8.RuneCountInString(password) < api.MinPasswordLen {
		return "", fmt.Errorf("the password must be at least %d characters", api.MinPasswordLen)
	}
	return store.HashPassword(password)
}

// userPasswd gives an account a new password from the command line, for
// an administrator who forgot theirs: it also lifts a lock and ends the
// account's sessions, and is audited as made by the system.
func userPasswd(args []string, stdin io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("user passwd", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "./data", "data directory of the server")
	username := fs.String("username", "", "the account")
	pwFile := fs.String("password-file", "", "read the password from this file's first line instead of standard input")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("user passwd: --username is required")
	}
	hash, err := readPassword(*pwFile, stdin)
	if err != nil {
		return fmt.Errorf("user passwd: %w", err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(*dataDir, "civilflow.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, _, err := db.PutAccount(ctx, *username, store.StaffEditor{}, func(before store.Account, exists bool) (store.Account, error) {
		if !exists {
			return store.Account{}, fmt.Errorf("no account %s: %w", *username, store.ErrNotFound)
		}
		before.PasswordHash, before.Active = hash, true
		return before, nil
	}); err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "account %s has a new password; its sessions have ended\n", *username)
	return err
}
