// Package temporalserver runs an embedded, single-process Temporal server whose
// state lives in one SQLite file, so civilflow can run without an external
// Temporal cluster (development, demos, small single-node installations).
//
// It is the only package of civilflow that imports go.temporal.io/server.
// Everything listens on loopback only, and nothing but civilflow may talk to
// it: the frontend and the internal services (history, matching, worker)
// demand mutual TLS with certificates of a private CA kept in the data dir,
// and the frontend's authorizer refuses every call whose client certificate
// does not chain to that CA, so another local process can neither read a
// case's history nor send an update.
package temporalserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	tlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/common/searchattribute/sadefs"
	"go.temporal.io/server/temporal"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

const (
	// DefaultAddress is the frontend address used when Config.Address is empty;
	// it is Temporal's well-known port, so the CLI finds it without an
	// address flag (it still needs the client certificate, see ClientTLS).
	DefaultAddress = "127.0.0.1:7233"
	// DefaultRetention is the namespace retention used when Config.Retention is
	// zero: approval case files must stay inspectable for years.
	DefaultRetention = 3650 * 24 * time.Hour

	dbFileName        = "temporal.db"
	serverLogFileName = "temporal-server.log"
	lockFileName      = "temporal.lock"

	clusterName = "active"
	storeName   = "sqlite-default"

	// The server rejects shorter retentions for local namespaces
	// (system.namespaceMinRetentionLocal) and silently caps longer ones.
	minRetention = time.Hour
	maxRetention = 100 * 365 * 24 * time.Hour

	// nsRefreshInterval is how often every service's namespace registry re-reads
	// the namespaces table (SQL stores cannot push changes). It is set
	// explicitly so that waitSearchAttributes can rely on it.
	nsRefreshInterval = 2 * time.Second

	pollInterval = 50 * time.Millisecond
)

// Config configures an embedded Temporal server.
type Config struct {
	// DataDir holds the SQLite database (DataDir/temporal.db, created with the
	// schema if missing), the server's own log, a lock file and the private
	// CA with the server and client certificates (DataDir/tls, 0700; created
	// on first start, renewed when near expiry). It is created if it does not
	// exist.
	DataDir string
	// Namespace is created if missing.
	Namespace string
	// Address is the frontend gRPC host:port. The host must be a loopback
	// address. Default DefaultAddress; port 0 picks a free port (tests).
	Address string
	// Retention is the namespace's workflow-execution retention. Default
	// DefaultRetention. It is applied on creation and updated on every start if
	// the stored value differs.
	Retention time.Duration
	// SearchAttributes are custom search attributes of the namespace. They are
	// registered at creation and added (idempotently) on every later start.
	// Removing one here does not remove it from the namespace.
	SearchAttributes map[string]enums.IndexedValueType
	// Logger receives this package's logs. Default slog.Default(). The
	// server's own logs go to DataDir/temporal-server.log at warn level
	// (errors logged during shutdown are normal there).
	Logger *slog.Logger
}

// Server is a running embedded Temporal server.
type Server struct {
	address string
	ports   servicePorts
	logger  *slog.Logger
	server  temporal.Server
	pki     *pki
	logFile *os.File
	lock    *os.File

	stopOnce sync.Once
	stopErr  error
}

// Start starts an embedded Temporal server on cfg.DataDir. It returns once the
// frontend answers DescribeNamespace for cfg.Namespace, its retention equals
// cfg.Retention and all cfg.SearchAttributes can be used by clients and
// workflows. ctx bounds the preparation and the readiness wait; it does not
// affect the server after Start returns.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	begin := time.Now()
	cfg, host, port, err := normalize(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("temporalserver: create data dir: %w", err)
	}

	s := &Server{logger: cfg.Logger}
	ok := false
	defer func() {
		if !ok {
			_ = s.release()
		}
	}()

	// Two servers on one database would fight over the history shard; fail
	// clearly instead.
	if s.lock, err = lockDir(filepath.Join(cfg.DataDir, lockFileName)); err != nil {
		return nil, fmt.Errorf("temporalserver: data dir %s: %w", cfg.DataDir, err)
	}

	if s.pki, err = ensurePKI(filepath.Join(cfg.DataDir, tlsDirName), time.Now()); err != nil {
		return nil, err
	}
	if s.pki.createdCA || s.pki.renewedServer || s.pki.renewedClient {
		s.logger.Info("temporal server certificates issued", "ca", s.pki.createdCA,
			"server", s.pki.renewedServer, "client", s.pki.renewedClient)
	}

	dbPath := filepath.Join(cfg.DataDir, dbFileName)
	fresh, err := prepareSchema(dbPath)
	if err != nil {
		return nil, err
	}
	sqlCfg := sqlConfig(dbPath)
	if err := createNamespace(sqlCfg, cfg); err != nil {
		return nil, err
	}

	s.logFile, err = os.OpenFile(filepath.Join(cfg.DataDir, serverLogFileName), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: open server log: %w", err)
	}

	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("temporalserver: before starting: %w", err)
	}
	// As late as possible: the ports are only reserved once the server listens.
	ports, err := choosePorts(host, port)
	if err != nil {
		return nil, err
	}
	s.address = net.JoinHostPort(host, fmt.Sprint(ports.frontend))
	s.ports = ports
	srv, err := temporal.NewServer(
		temporal.WithConfig(serverConfig(sqlCfg, host, ports, s.pki)),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(staticHosts(host, ports)),
		temporal.WithLogger(serverLogger(s.logFile)),
		temporal.WithAuthorizer(authorization.NewDefaultAuthorizer()),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper {
			return &claimMapper{roots: s.pki.roots}
		}),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			dynamicconfig.NamespaceCacheRefreshInterval.Key(): nsRefreshInterval,
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: create server: %w", err)
	}
	if err := srv.Start(); err != nil {
		// Best effort: services that did start must not keep running.
		_ = srv.Stop()
		return nil, fmt.Errorf("temporalserver: start server: %w", err)
	}
	s.server = srv

	if err := s.awaitReady(ctx, cfg); err != nil {
		return nil, err
	}
	ok = true
	s.logger.Info("temporal server ready",
		"address", s.address, "namespace", cfg.Namespace, "db", dbPath,
		"fresh", fresh, "took", time.Since(begin).Round(time.Millisecond))
	return s, nil
}

// Address returns the frontend host:port the server is bound to.
func (s *Server) Address() string { return s.address }

// InternalAddresses returns the host:port of the history, matching and
// worker services, keyed by service name. Only the frontend is meant for
// clients; these are exposed so that a check can confirm they refuse
// anyone without the server's own certificate too.
func (s *Server) InternalAddresses() map[string]string {
	addr := func(port int) string { return net.JoinHostPort("127.0.0.1", fmt.Sprint(port)) }
	return map[string]string{
		string(primitives.HistoryService):  addr(s.ports.history),
		string(primitives.MatchingService): addr(s.ports.matching),
		string(primitives.WorkerService):   addr(s.ports.worker),
	}
}

// ClientTLS returns the TLS configuration civilflow's client dials the
// frontend with: it trusts only the data dir's CA and presents the client
// certificate the frontend's authorizer accepts. Each call returns a copy.
func (s *Server) ClientTLS() *tls.Config { return s.pki.clientTLS() }

// Stop stops the server gracefully and releases the data directory. Calling
// it again returns the first result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		begin := time.Now()
		s.stopErr = s.release()
		s.logger.Info("temporal server stopped", "address", s.address, "took", time.Since(begin).Round(time.Millisecond))
	})
	return s.stopErr
}

// release stops whatever Start got running; it is also Start's cleanup path.
func (s *Server) release() error {
	var errs []error
	if s.server != nil {
		if err := s.server.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("temporalserver: stop server: %w", err))
		}
	}
	if s.logFile != nil {
		_ = s.logFile.Close()
	}
	if s.lock != nil {
		_ = s.lock.Close() // closing releases the lock
	}
	return errors.Join(errs...)
}

// awaitReady waits until the frontend serves the namespace, then brings the
// namespace's retention and search attributes in line with cfg.
func (s *Server) awaitReady(ctx context.Context, cfg Config) error {
	var c client.Client
	err := retry(ctx, func() error {
		var err error
		c, err = client.DialContext(ctx, client.Options{
			HostPort:          s.address,
			Namespace:         cfg.Namespace,
			Logger:            sdklog.NewStructuredLogger(s.logger),
			ConnectionOptions: client.ConnectionOptions{TLS: s.pki.clientTLS()},
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("temporalserver: connect to frontend %s: %w", s.address, err)
	}
	defer c.Close()

	if err := ensureRetention(ctx, c, cfg, s.logger); err != nil {
		return err
	}
	return ensureSearchAttributes(ctx, c, cfg, s.logger)
}

// normalize applies defaults and validates cfg; it returns the frontend host
// and port (0: choose one).
func normalize(cfg Config) (Config, string, int, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DataDir == "" {
		return cfg, "", 0, errors.New("temporalserver: DataDir is required")
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return cfg, "", 0, fmt.Errorf("temporalserver: data dir: %w", err)
	}
	// The SQLite plugin builds a "file:<path>?<params>" URI without escaping.
	if strings.ContainsAny(dir, "?#%") {
		return cfg, "", 0, fmt.Errorf("temporalserver: data dir %q must not contain '?', '#' or '%%'", dir)
	}
	cfg.DataDir = dir
	if cfg.Namespace == "" {
		return cfg, "", 0, errors.New("temporalserver: Namespace is required")
	}
	if cfg.Retention == 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Retention < minRetention || cfg.Retention > maxRetention {
		return cfg, "", 0, fmt.Errorf("temporalserver: retention %v is outside [%v, %v]", cfg.Retention, minRetention, maxRetention)
	}
	for name, typ := range cfg.SearchAttributes {
		if name == "" || sadefs.IsReserved(name) {
			return cfg, "", 0, fmt.Errorf("temporalserver: search attribute name %q is empty or reserved", name)
		}
		if _, known := enums.IndexedValueType_name[int32(typ)]; !known || typ == enums.INDEXED_VALUE_TYPE_UNSPECIFIED {
			return cfg, "", 0, fmt.Errorf("temporalserver: search attribute %q has invalid type %v", name, typ)
		}
	}
	if cfg.Address == "" {
		cfg.Address = DefaultAddress
	}
	host, portStr, err := net.SplitHostPort(cfg.Address)
	if err != nil {
		return cfg, "", 0, fmt.Errorf("temporalserver: address %q: %w", cfg.Address, err)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return cfg, "", 0, fmt.Errorf("temporalserver: address %q: host must be a loopback IP", cfg.Address)
	}
	port, err := net.LookupPort("tcp", portStr)
	if err != nil {
		return cfg, "", 0, fmt.Errorf("temporalserver: address %q: %w", cfg.Address, err)
	}
	return cfg, host, port, nil
}

type servicePorts struct {
	frontend, history, matching, worker int
}

// choosePorts checks that the frontend port is free (or picks one) and picks
// free ports for the internal services. The server treats a failed listen as
// fatal and exits the process, so the common case (port already taken) is
// caught here. The ports are released again before the server binds them, a
// small race window; holding all four listeners until all are chosen at least
// keeps the kernel from handing out one port twice.
func choosePorts(host string, frontend int) (servicePorts, error) {
	var p servicePorts
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	listen := func(host string, port int) (int, error) {
		l, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(port)))
		if err != nil {
			return 0, err
		}
		listeners = append(listeners, l)
		return l.Addr().(*net.TCPAddr).Port, nil
	}
	var err error
	if p.frontend, err = listen(host, frontend); err != nil {
		return p, fmt.Errorf("temporalserver: frontend address %s: %w", net.JoinHostPort(host, fmt.Sprint(frontend)), err)
	}
	for _, port := range []*int{&p.history, &p.matching, &p.worker} {
		if *port, err = listen("127.0.0.1", 0); err != nil {
			return p, fmt.Errorf("temporalserver: choose internal port: %w", err)
		}
	}
	return p, nil
}

func serverConfig(sqlCfg *config.SQL, host string, p servicePorts, k *pki) *config.Config {
	frontend := net.JoinHostPort(host, fmt.Sprint(p.frontend))
	service := func(bindIP string, port int) config.Service {
		// No HTTPPort: the HTTP API stays off; only gRPC is served.
		return config.Service{RPC: config.RPC{GRPCPort: port, BindOnIP: bindIP}}
	}
	return &config.Config{
		Global: config.Global{TLS: tlsConfig(k)},
		Persistence: config.Persistence{
			DefaultStore:    storeName,
			VisibilityStore: storeName,
			// Fixed when the database is created; one shard suits one SQLite
			// connection (more shards measured slower).
			NumHistoryShards: 1,
			DataStores:       map[string]config.DataStore{storeName: {SQL: sqlCfg}},
		},
		ClusterMetadata: &cluster.Config{
			EnableGlobalNamespace:    false,
			FailoverVersionIncrement: 10,
			MasterClusterName:        clusterName,
			CurrentClusterName:       clusterName,
			ClusterInformation: map[string]cluster.ClusterInformation{
				clusterName: {
					Enabled:                true,
					InitialFailoverVersion: 1,
					RPCAddress:             frontend,
					// Only used when the cluster record is first written to
					// the database; afterwards the stored ID wins, so it is
					// stable across restarts without keeping it elsewhere.
					ClusterID: uuid.NewString(),
				},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services: map[string]config.Service{
			string(primitives.FrontendService): service(host, p.frontend),
			string(primitives.HistoryService):  service("127.0.0.1", p.history),
			string(primitives.MatchingService): service("127.0.0.1", p.matching),
			string(primitives.WorkerService):   service("127.0.0.1", p.worker),
		},
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{
			Archival: config.ArchivalNamespaceDefaults{
				History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
				Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
			},
		},
		// The server's internal workers (system workflows) dial this; without it
		// the server panics with "Client must be created with client.Dial()".
		PublicClient: config.PublicClient{HostPort: frontend},
	}
}

// staticHosts replaces ringpop membership: no gossip ports, no join delay.
func staticHosts(host string, p servicePorts) map[primitives.ServiceName]static.Hosts {
	local := func(h string, port int) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort(h, fmt.Sprint(port)))
	}
	return map[primitives.ServiceName]static.Hosts{
		primitives.FrontendService: local(host, p.frontend),
		primitives.HistoryService:  local("127.0.0.1", p.history),
		primitives.MatchingService: local("127.0.0.1", p.matching),
		primitives.WorkerService:   local("127.0.0.1", p.worker),
	}
}

// serverLogger writes the server's logs to f at warn level. Fatal messages
// are also copied to stderr because the server exits the process right after
// logging them, and nobody would look in the file first.
func serverLogger(f *os.File) tlog.Logger {
	enc := zapcore.NewJSONEncoder(tlog.DefaultZapEncoderConfig)
	core := zapcore.NewTee(
		zapcore.NewCore(enc, zapcore.AddSync(f), zapcore.WarnLevel),
		zapcore.NewCore(enc.Clone(), zapcore.Lock(os.Stderr), zapcore.DPanicLevel),
	)
	// Goroutines that log after Stop hit a closed file; zap would report that
	// on stderr.
	return tlog.NewZapLogger(zap.New(core, zap.ErrorOutput(zapcore.AddSync(io.Discard))))
}

// retry calls f every pollInterval until it succeeds or ctx ends.
func retry(ctx context.Context, f func() error) error {
	for {
		err := f()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(pollInterval):
		}
	}
}

// tlsConfig demands mutual TLS everywhere: the frontend (civilflow and the
// system worker present the client certificate) and between the internal
// services (each presents the server certificate, which serves as client
// certificate too). A certificate of another CA, or none, fails the handshake.
func tlsConfig(k *pki) config.RootTLS {
	server := config.ServerTLS{
		CertFile: k.serverCert, KeyFile: k.serverKey,
		ClientCAFiles: []string{k.caCert}, RequireClientAuth: true,
	}
	client := config.ClientTLS{ServerName: ServerName, RootCAFiles: []string{k.caCert}}
	return config.RootTLS{
		Internode: config.GroupTLS{Server: server, Client: client},
		Frontend:  config.GroupTLS{Server: server, Client: client},
		SystemWorker: config.WorkerTLS{
			CertFile: k.clientCert, KeyFile: k.clientKey, Client: client,
		},
	}
}
