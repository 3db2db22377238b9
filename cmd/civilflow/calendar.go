package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"civilflow/calendar"
	"civilflow/store"
)

const calendarUsage = "calendar: usage: civilflow calendar load [--data-dir ./data] [--calendar-dir DIR] [--by NAME] FILE | civilflow calendar list [--data-dir ./data]"

// calendarCmd runs "civilflow calendar load FILE" and "civilflow calendar
// list": a year's holiday notice (the YAML of calendar/data) is validated
// against the calendar in use, stored in the database with an audit entry,
// and taken up by every running server within calendar.LiveCheckEvery; its
// provisional periods are recounted on their next daily check.
func calendarCmd(args []string, out io.Writer) error {
	if len(args) == 0 || (args[0] != "load" && args[0] != "list") {
		return errors.New(calendarUsage)
	}
	fs := flag.NewFlagSet("calendar "+args[0], flag.ContinueOnError)
	dataDir := fs.String("data-dir", "./data", "data directory holding civilflow.db")
	calDir := fs.String("calendar-dir", "", "the extra calendar files the server is started with (serve --calendar-dir), checked against too")
	by := fs.String("by", "", "who loads the file, for the audit record (default: the operating-system user)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	ctx := context.Background()
	dbPath := filepath.Join(*dataDir, "civilflow.db")
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("calendar: %w (start civilflow serve once, or give --data-dir)", err)
	}
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	defer db.Close()
	if args[0] == "list" {
		files, err := db.CalendarFileList(ctx)
		if err != nil {
			return err
		}
		for _, f := range files {
			fmt.Fprintf(out, "%s\t%s\t%s\t%s\tsha256 %s\n", f.Version, f.Name, f.LoadedAt.Format("2006-01-02 15:04"), f.LoadedBy, f.SHA256)
		}
		return nil
	}
	if fs.NArg() != 1 {
		return errors.New(calendarUsage)
	}
	b, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("calendar load: %w", err)
	}
	base := calendar.Default()
	if *calDir != "" {
		if base, err = calendar.LoadDir(*calDir); err != nil {
			return err
		}
	}
	cal, err := calendar.NewLive(ctx, base.Provisional(), db)
	if err != nil {
		return fmt.Errorf("calendar load: the stored notices: %w", err)
	}
	who := *by
	if who == "" {
		who = "os:" + os.Getenv("USER")
	}
	f, err := db.LoadCalendarFile(ctx, cal, calendar.File{Name: filepath.Base(fs.Arg(0)), Data: b}, who, who, "operator", "000000")
	if err != nil {
		return fmt.Errorf("calendar load: %w", err)
	}
	fmt.Fprintf(out, "loaded %s (sha256 %s); calendar %s covers %s\n", f.Version, f.SHA256, cal.Version(), strings.Trim(fmt.Sprint(cal.CoveredYears()), "[]"))
	return nil
}
