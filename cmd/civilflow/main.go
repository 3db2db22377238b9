// Command civilflow runs the civil-affairs approvals engine.
//
//	civilflow serve     all in one: embedded Temporal, worker and API
//	civilflow token     print a bearer token to try the API with
//	civilflow deadline  count a statutory period on the legal calendar
//	civilflow audit     verify that the audit record was not altered
//	civilflow trial     kill -9 a server under load and count what survived
//	civilflow bench     civilflow's API against bare Temporal on one embedded server
//	civilflow user      add a local account to sign in to the console with
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"civilflow/api"
	"civilflow/app"
	"civilflow/auth"
	"civilflow/calendar"
	"civilflow/policies"
)

const usage = `civilflow — civil-affairs administrative approvals on Temporal

Usage:
  civilflow serve    [--data-dir ./data] [--listen 127.0.0.1:8080] [--temporal-address host:port] [--namespace civilflow]
                     [--procedures-dir DIR] [--calendar-dir DIR]
                     [--temporal-tls-cert FILE --temporal-tls-key FILE] [--temporal-tls-ca FILE]
                     [--temporal-tls-server-name NAME] [--temporal-api-key KEY]
                     [--oidc-issuer URL --oidc-client-id ID --oidc-client-secret S] [--oidc-subject-claim sub]
  civilflow token    --subject ID --name NAME [--role registrar:110105 ...] [--ttl 12h] [--data-dir ./data]
  civilflow deadline --from 2026-01-16 --days 30 [--working-days | --months]
  civilflow audit verify [--data-dir ./data] [--checkpoints FILE] [--json]
  civilflow user add --username U --name N --subject S [--role admin:000000 ...] [--password-file F] [--data-dir ./data]
  civilflow user passwd --username U [--password-file F] [--data-dir ./data]
  civilflow trial crash  [--binary PATH] [--kills 3] [--couples 20] [--timeout 5m] [--seed N] [--keep] [--json]
  civilflow bench    [--quick] [--concurrency 1,16,32] [--rate 20,30] [--repetitions 3] [--cpuprofile FILE] [--json]

Run "civilflow COMMAND -h" for the flags of a command.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "token":
		err = token(os.Args[2:], os.Stdout)
	case "deadline":
		err = deadline(os.Args[2:], os.Stdout)
	case "audit":
		err = audit(os.Args[2:], os.Stdout)
	case "calendar":
		err = calendarCmd(os.Args[2:], os.Stdout)
	case "trial":
		err = trialCmd(os.Args[2:], os.Stdout)
	case "bench":
		err = benchCmd(os.Args[2:], os.Stdout)
	case "user":
		err = user(os.Args[2:], os.Stdin, os.Stdout)
	case "-h", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "civilflow: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "civilflow:", err)
		os.Exit(1)
	}
}

// temporalAPIKeyEnv supplies --temporal-api-key without putting the key on
// the command line.
const temporalAPIKeyEnv = "CIVILFLOW_TEMPORAL_API_KEY"

// oidcSecretEnv and oidcClientIDEnv supply the identity provider's client
// credentials without putting them on the command line.
const (
	oidcSecretEnv   = "CIVILFLOW_OIDC_CLIENT_SECRET"
	oidcClientIDEnv = "CIVILFLOW_OIDC_CLIENT_ID"
)

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "./data", "where cases, the registry and the embedded Temporal data live")
	listen := fs.String("listen", "127.0.0.1:8080", "API address")
	temporalAddr := fs.String("temporal-address", "", "external Temporal frontend host:port; empty starts the embedded server")
	embeddedAddr := fs.String("embedded-temporal-address", "127.0.0.1:7233", "frontend address of the embedded Temporal server")
	namespace := fs.String("namespace", "civilflow", "Temporal namespace")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	calDir := fs.String("calendar-dir", "", "extra legal-calendar data files (*.yaml), e.g. a newly published year")
	procDir := fs.String("procedures-dir", "", "extra procedure definitions (*.yaml) to load at start, validated like the built-in ones")
	webhookURL := fs.String("webhook-url", "", "deliver every notification once to this http(s) endpoint (POST JSON with an Idempotency-Key)")
	checkpoints := fs.String("audit-checkpoints", "", "file the audit chain's head is appended to (default <data-dir>/audit-checkpoints.jsonl); keep it out of reach of the database's writers")
	tlsCert := fs.String("temporal-tls-cert", "", "client certificate (PEM) for mutual TLS to the external Temporal cluster")
	tlsKey := fs.String("temporal-tls-key", "", "key (PEM) of --temporal-tls-cert")
	tlsCA := fs.String("temporal-tls-ca", "", "CA bundle (PEM) the external cluster's server certificate must chain to (default: system roots)")
	tlsServerName := fs.String("temporal-tls-server-name", "", "name to check in the external cluster's server certificate (default: the host of --temporal-address)")
	apiKey := fs.String("temporal-api-key", "", "API key for the external Temporal cluster (default $"+temporalAPIKeyEnv+"; prefer the variable: flags show in ps)")
	checkpointEvery := fs.Duration("audit-checkpoint-every", 10*time.Minute, "how often the audit chain's head is checkpointed when it moved")
	oidcIssuer := fs.String("oidc-issuer", "", "OpenID Connect issuer URL of the identity provider; empty offers local accounts only")
	oidcClientID := fs.String("oidc-client-id", "", "client ID registered at the identity provider (default $"+oidcClientIDEnv+")")
	oidcSecret := fs.String("oidc-client-secret", "", "client secret (default $"+oidcSecretEnv+"; prefer the variable: flags show in ps)")
	oidcClaim := fs.String("oidc-subject-claim", "sub", "ID token claim holding the subject the staff directory knows (for residents, the ID number)")
	publicURL := fs.String("public-url", "", "the API's address as clients reach it (e.g. https://civilflow.example.gov.cn), for the $schema links of answers; empty gives links relative to the host")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *apiKey == "" {
		// Read after parsing, so that -h never prints the key as a default.
		*apiKey = os.Getenv(temporalAPIKeyEnv)
	}
	if *oidcSecret == "" {
		*oidcSecret = os.Getenv(oidcSecretEnv)
	}
	if *oidcClientID == "" {
		*oidcClientID = os.Getenv(oidcClientIDEnv)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	began := time.Now()
	a, err := app.Start(ctx, app.Config{
		DataDir: *dataDir, Listen: *listen, TemporalAddress: *temporalAddr,
		EmbeddedAddress: *embeddedAddr, Namespace: *namespace, CalendarDir: *calDir, ProceduresDir: *procDir, WebhookURL: *webhookURL,
		AuditCheckpointFile: *checkpoints, AuditCheckpointEvery: *checkpointEvery, Logger: log, PublicURL: *publicURL,
		TemporalCredentials: app.ExternalTemporal{CertFile: *tlsCert, KeyFile: *tlsKey, CAFile: *tlsCA,
			ServerName: *tlsServerName, APIKey: *apiKey},
		OIDC: api.OIDCConfig{Issuer: *oidcIssuer, ClientID: *oidcClientID, ClientSecret: *oidcSecret, SubjectClaim: *oidcClaim},
	})
	if err != nil {
		return err
	}
	log.Info("civilflow is ready",
		"console", a.URL()+"/", "api", a.URL()+"/v1", "docs", a.URL()+"/docs", "openapi", a.URL()+"/openapi.json",
		"data", *dataDir, "temporal", a.TemporalAddress, "namespace", *namespace,
		"startup", time.Since(began).Round(time.Millisecond))
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return a.Stop(sctx)
}

// roleFlags collects repeated --role flags.
type roleFlags []policies.Grant

// String shows the roles given so far.
func (r *roleFlags) String() string { return fmt.Sprint(*r) }

// Set adds one role:division.
func (r *roleFlags) Set(s string) error {
	g, err := policies.ParseGrant(s)
	if err != nil {
		return err
	}
	*r = append(*r, g)
	return nil
}

func token(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	subject := fs.String("subject", "", "who the token is for; for an applicant, the resident ID number")
	name := fs.String("name", "", "the person's name")
	dataDir := fs.String("data-dir", "./data", "data directory holding the signing key (or set "+auth.KeyEnv+")")
	ttl := fs.Duration("ttl", auth.DefaultMaxTTL, "how long the token is valid; at most "+auth.DefaultMaxTTL.String()+" unless "+auth.MaxTTLEnv+" says otherwise")
	var roles roleFlags
	fs.Var(&roles, "role", "a role held in a jurisdiction, e.g. registrar:110105 (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*subject) == "" || strings.TrimSpace(*name) == "" {
		return errors.New("token: --subject and --name are required")
	}
	// The same ceiling the server applies: a longer token would be refused.
	maxTTL, err := auth.MaxTTL()
	if err != nil {
		return err
	}
	if *ttl > maxTTL {
		return fmt.Errorf("token: --ttl %v exceeds the ceiling of %v (%s)", *ttl, maxTTL, auth.MaxTTLEnv)
	}
	key, err := auth.LoadOrCreateKey(*dataDir)
	if err != nil {
		return err
	}
	tok, err := auth.Sign(key, auth.Principal{Subject: *subject, Name: *name, Grants: roles}, time.Now(), *ttl)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, tok)
	return err
}

func deadline(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("deadline", flag.ContinueOnError)
	from := fs.String("from", "", "the triggering day (YYYY-MM-DD); counting starts the next day")
	n := fs.Int("days", 0, "length of the period")
	working := fs.Bool("working-days", false, "count working days (Administrative Licensing Law 82)")
	months := fs.Bool("months", false, "count months (Civil Code 202)")
	calDir := fs.String("calendar-dir", "", "extra calendar data files (*.yaml) to load")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := calendar.ParseDate(*from)
	if err != nil {
		return fmt.Errorf("deadline: --from: %w", err)
	}
	unit := calendar.CalendarDays
	switch {
	case *working && *months:
		return errors.New("deadline: choose --working-days or --months, not both")
	case *working:
		unit = calendar.WorkingDays
	case *months:
		unit = calendar.Months
	}
	cal := calendar.Default()
	if *calDir != "" {
		if cal, err = calendar.LoadDir(*calDir); err != nil {
			return err
		}
	}
	dl, err := cal.Count(d, *n, unit)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "%s\n%s\ncalendar %s\n", dl.Last, dl.Rule, dl.CalendarVersion)
	return err
}
