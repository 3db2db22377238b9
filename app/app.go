// Package app wires civilflow together: the store, the embedded Temporal
// server (or a connection to an external one), the worker and the API.
// The command and the integration tests start the same App.
package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"civilflow/activities"
	"civilflow/api"
	"civilflow/auth"
	"civilflow/calendar"
	"civilflow/divisions"
	"civilflow/policies"
	"civilflow/procedures"
	"civilflow/store"
	"civilflow/temporalserver"
	"civilflow/web"
	"civilflow/webhook"
	"civilflow/worker"
	"civilflow/workflows"
)

// Config is how civilflow serve is run.
type Config struct {
	DataDir         string        // store, embedded Temporal data, JWT key
	Listen          string        // API address, e.g. 127.0.0.1:8080 (port 0 picks one)
	TemporalAddress string        // external Temporal; empty starts the embedded server
	EmbeddedAddress string        // frontend address of the embedded server (default 127.0.0.1:7233)
	Namespace       string        // Temporal namespace
	CalendarDir     string        // extra legal-calendar data files; empty uses the built-in years
	ProceduresDir   string        // extra procedure definitions (*.yaml), validated like the built-in ones
	Retention       time.Duration // namespace retention of the embedded server
	Logger          *slog.Logger
	Now             func() time.Time // API clock; tests may replace it
	// AuditCheckpointFile receives the audit chain's head as JSON lines;
	// empty is <DataDir>/audit-checkpoints.jsonl. Keep a copy out of reach
	// of the database's writers.
	AuditCheckpointFile string
	// AuditCheckpointEvery is how often the head is checkpointed when it
	// moved (default 10 minutes); once more at stop.
	AuditCheckpointEvery time.Duration
	// WebhookURL, when set, receives every notification once (POST, JSON,
	// with an Idempotency-Key); messages are readable through the API either way.
	WebhookURL string
	// Limits bound token lifetimes and request rates; zero fields are
	// defaults, and a zero MaxTokenTTL is read from CIVILFLOW_MAX_TOKEN_TTL.
	Limits api.Limits
	// PublicURL is the API's address as clients reach it, for the $schema
	// links of answers (empty: links relative to the host).
	PublicURL string
	// TemporalCredentials are how civilflow authenticates to an external Temporal
	// cluster (TemporalAddress set). The embedded server needs none of it:
	// civilflow uses the client certificate the server issued.
	TemporalCredentials ExternalTemporal
	// OIDC, when its issuer is set, offers sign-in through that OpenID
	// Connect provider beside the local accounts.
	OIDC api.OIDCConfig
}

// ExternalTemporal are the credentials for an external Temporal cluster.
type ExternalTemporal struct {
	// CertFile and KeyFile are a client certificate and key (PEM) for
	// mutual TLS; both or neither.
	CertFile, KeyFile string
	// CAFile is the PEM bundle the server certificate must chain to; empty
	// uses the system roots.
	CAFile string
	// ServerName overrides the name checked in the server certificate
	// (default: the host of TemporalAddress).
	ServerName string
	// APIKey is sent as a bearer credential on every call (Temporal Cloud
	// API keys, or a cluster's own authorizer); it implies TLS.
	APIKey string
}

// App is a running civilflow.
type App struct {
	cfg      Config
	temporal *temporalserver.Server
	client   client.Client
	worker   sdkworker.Worker
	store    *store.DB
	http     *http.Server
	listener net.Listener
	served   chan error
	// checkpoints appends the audit chain head to the checkpoint file;
	// stopCheckpoints ends its loop and checkpointsDone reports it ended.
	checkpoints     *store.Checkpointer
	stopCheckpoints context.CancelFunc
	checkpointsDone chan struct{}
	// stopWebhook ends webhook delivery; webhookDone reports it ended.
	stopWebhook context.CancelFunc
	webhookDone chan struct{}
	// JWTKey signs and verifies bearer tokens.
	JWTKey []byte
	// ActionKey signs the actions the API sends to case workflows, which
	// verify it (workflows.Cases).
	ActionKey []byte
	// TemporalAddress is the frontend address in use.
	TemporalAddress string
}

// SearchAttributes are registered on the embedded server's namespace.
var SearchAttributes = map[string]enums.IndexedValueType{
	workflows.SearchProcedure: enums.INDEXED_VALUE_TYPE_KEYWORD,
	workflows.SearchStage:     enums.INDEXED_VALUE_TYPE_KEYWORD,
	workflows.SearchOffice:    enums.INDEXED_VALUE_TYPE_KEYWORD,
	workflows.SearchDueAt:     enums.INDEXED_VALUE_TYPE_DATETIME,
}

// Roles are the roles the policy knows; definitions may name them.
var Roles = []string{policies.RoleRegistrar, policies.RoleSupervisor, policies.RoleAdmin, policies.RoleApprover, policies.RoleAssessor}

// Start brings civilflow up and returns once the API accepts requests.
// On error everything already started is stopped again.
func Start(ctx context.Context, cfg Config) (a *App, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "civilflow"
	}
	log := cfg.Logger
	a = &App{cfg: cfg, served: make(chan error, 1)}
	defer func() {
		if err != nil {
			a.Stop(context.Background())
			a = nil
		}
	}()

	if err := prepareDataDir(cfg.DataDir, log); err != nil {
		return a, err
	}
	procs, err := procedures.LoadWithDir(activities.Catalog(Roles), cfg.ProceduresDir)
	if err != nil {
		return a, err
	}
	divs, err := divisions.Default()
	if err != nil {
		return a, err
	}
	policy, err := policies.New()
	if err != nil {
		return a, err
	}
	if a.JWTKey, err = auth.LoadOrCreateKey(cfg.DataDir); err != nil {
		return a, err
	}
	if cfg.Limits.MaxTokenTTL == 0 {
		if cfg.Limits.MaxTokenTTL, err = auth.MaxTTL(); err != nil {
			return a, err
		}
	}
	if a.ActionKey, err = api.LoadOrCreateActionKey(cfg.DataDir); err != nil {
		return a, err
	}
	if a.store, err = store.Open(ctx, filepath.Join(cfg.DataDir, "civilflow.db")); err != nil {
		return a, err
	}
	if n, err := a.store.SealLegacyAudit(ctx); err != nil {
		return a, err
	} else if n > 0 {
		log.Info("sealed audit entries written before the audit chain", "entries", n)
	}
	a.startCheckpoints()

	a.TemporalAddress = cfg.TemporalAddress
	opts := client.Options{
		HostPort: a.TemporalAddress, Namespace: cfg.Namespace,
		Logger: sdklog.NewStructuredLogger(slog.New(quieter{log.Handler()})),
	}
	if a.TemporalAddress != "" {
		if err := externalCredentials(&opts, cfg.TemporalCredentials); err != nil {
			return a, err
		}
	} else {
		if cfg.TemporalCredentials != (ExternalTemporal{}) {
			return a, errors.New("the Temporal TLS and API key settings are for an external cluster (set the Temporal address)")
		}
		a.temporal, err = temporalserver.Start(ctx, temporalserver.Config{
			DataDir: filepath.Join(cfg.DataDir, "temporal"), Namespace: cfg.Namespace,
			Address: cfg.EmbeddedAddress, Retention: cfg.Retention,
			SearchAttributes: SearchAttributes, Logger: log,
		})
		if err != nil {
			return a, fmt.Errorf("embedded temporal: %w", err)
		}
		a.TemporalAddress = a.temporal.Address()
		opts.HostPort = a.TemporalAddress
		// The embedded server accepts nobody but the holder of this
		// certificate.
		opts.ConnectionOptions.TLS = a.temporal.ClientTLS()
	}
	a.client, err = client.DialContext(ctx, opts)
	if err != nil {
		return a, fmt.Errorf("connect to temporal at %s: %w", a.TemporalAddress, err)
	}

	cal := calendar.Default()
	if cfg.CalendarDir != "" {
		if cal, err = calendar.LoadDir(cfg.CalendarDir); err != nil {
			return a, err
		}
	}
	// The notices of 2008–2024, for migrated cases and past statistics; a
	// data directory that has one of those years keeps its own.
	if past, err := cal.WithPastYears(); err == nil {
		cal = past
	} else {
		log.Warn("legal calendar: the built-in past years are left out", "err", err)
	}
	// A year without a notice is counted provisionally and recounted when
	// its notice is loaded into the database, by any process (M21).
	if cal, err = calendar.NewLive(ctx, cal.Provisional(), a.store); err != nil {
		return a, fmt.Errorf("legal calendar: %w", err)
	}
	log.Info("legal calendar", "version", cal.Version(), "years", cal.CoveredYears())
	acts := &activities.Activities{Store: a.store, Calendar: cal, Logger: log}
	a.worker = worker.New(a.client, acts, a.ActionKey)
	if err := a.worker.Start(); err != nil {
		return a, fmt.Errorf("start worker: %w", err)
	}

	var provider *api.OIDC
	if cfg.OIDC.Issuer != "" {
		if provider, err = api.NewOIDC(ctx, cfg.OIDC); err != nil {
			return a, err
		}
	}
	a.hintFirstAdmin(ctx)
	handler := api.NewHandler(&api.Deps{
		Temporal: a.client, Store: a.store, Procedures: procs, Policy: policy,
		Divisions: divs, Calendar: cal, JWTKey: a.JWTKey, ActionKey: a.ActionKey, Logger: log, Now: cfg.Now,
		AuditCheckpoints: a.checkpoints.Path, Limits: cfg.Limits, PublicURL: cfg.PublicURL,
		Console: web.Dist, OIDC: provider,
	})
	a.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	a.watchCalendar(cal)
	if a.listener, err = net.Listen("tcp", cfg.Listen); err != nil {
		return a, fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	go func() { a.served <- a.http.Serve(a.listener) }()
	if cfg.WebhookURL != "" {
		if err := a.startWebhook(cfg.WebhookURL); err != nil {
			return a, err
		}
	}
	return a, nil
}

// URL is the base URL of the API.
func (a *App) URL() string { return "http://" + a.listener.Addr().String() }

// Client is the Temporal client in use.
func (a *App) Client() client.Client { return a.client }

// Store is the case store.
func (a *App) Store() *store.DB { return a.store }

// Stop shuts down in the reverse order of Start: no new requests, then the
// worker, then Temporal and the store.
func (a *App) Stop(ctx context.Context) error {
	var errs []error
	if a.http != nil {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		errs = append(errs, a.http.Shutdown(sctx))
		cancel()
		if err := <-a.served; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	if a.worker != nil {
		a.worker.Stop()
	}
	if a.stopWebhook != nil {
		a.stopWebhook()
		<-a.webhookDone
	}
	if a.client != nil {
		a.client.Close()
	}
	if a.temporal != nil {
		errs = append(errs, a.temporal.Stop())
	}
	if a.checkpoints != nil {
		// After the worker: nothing writes entries any more, so this
		// checkpoint holds the final head.
		a.stopCheckpoints()
		<-a.checkpointsDone
		if _, _, err := a.checkpoints.Checkpoint(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if a.store != nil {
		errs = append(errs, a.store.Close())
	}
	return errors.Join(errs...)
}

// startCheckpoints starts appending the audit chain's head to the
// checkpoint file, so that a later rewrite or truncation of the chain
// no longer matches what was recorded outside the database.
func (a *App) startCheckpoints() {
	path := a.cfg.AuditCheckpointFile
	if path == "" {
		path = filepath.Join(a.cfg.DataDir, store.CheckpointFile)
	}
	every := a.cfg.AuditCheckpointEvery
	if every <= 0 {
		every = 10 * time.Minute
	}
	a.checkpoints = &store.Checkpointer{DB: a.store, Path: path, Logger: a.cfg.Logger}
	ctx, cancel := context.WithCancel(context.Background())
	a.stopCheckpoints, a.checkpointsDone = cancel, make(chan struct{})
	go func() {
		defer close(a.checkpointsDone)
		a.checkpoints.Run(ctx, every)
	}()
}

// quieter drops the SDK's info and debug chatter (every poll, every
// worker start) and keeps warnings and errors.
type quieter struct{ slog.Handler }

// Enabled lets warnings and errors through.
func (q quieter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && q.Handler.Enabled(ctx, l)
}

// WithAttrs keeps the filter on derived handlers.
func (q quieter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quieter{q.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the filter on derived handlers.
func (q quieter) WithGroup(name string) slog.Handler { return quieter{q.Handler.WithGroup(name)} }

// startWebhook delivers the notification outbox to url in the background.
func (a *App) startWebhook(url string) error {
	u, err := neturl.Parse(url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("webhook: %q is not an http(s) URL", url)
	}
	w := &webhook.Deliverer{URL: url, Store: a.store, Log: a.cfg.Logger, Every: 2 * time.Second,
		Client: &http.Client{Timeout: 10 * time.Second}}
	ctx, cancel := context.WithCancel(context.Background())
	a.stopWebhook, a.webhookDone = cancel, make(chan struct{})
	go func() {
		defer close(a.webhookDone)
		w.Run(ctx)
	}()
	return nil
}

// externalCredentials sets TLS and an API key for an external cluster.
func externalCredentials(opts *client.Options, x ExternalTemporal) error {
	if (x.CertFile == "") != (x.KeyFile == "") {
		return errors.New("temporal TLS: give both the client certificate and its key, or neither")
	}
	if x.CertFile == "" && x.CAFile == "" && x.ServerName == "" && x.APIKey == "" {
		return nil // plain connection, as before
	}
	t := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: x.ServerName}
	if x.CertFile != "" {
		pair, err := tls.LoadX509KeyPair(x.CertFile, x.KeyFile)
		if err != nil {
			return fmt.Errorf("temporal TLS client certificate: %w", err)
		}
		t.Certificates = []tls.Certificate{pair}
	}
	if x.CAFile != "" {
		pem, err := os.ReadFile(x.CAFile)
		if err != nil {
			return fmt.Errorf("temporal TLS CA: %w", err)
		}
		t.RootCAs = x509.NewCertPool()
		if !t.RootCAs.AppendCertsFromPEM(pem) {
			return fmt.Errorf("temporal TLS CA: %s holds no PEM certificate", x.CAFile)
		}
	}
	opts.ConnectionOptions.TLS = t
	if x.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(x.APIKey)
	}
	return nil
}
