package temporalserver

import (
	"database/sql"
	"fmt"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"google.golang.org/protobuf/types/known/durationpb"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, also used by the server's plugin
)

// sqlConfig describes the database file to the server. WAL with
// synchronous=NORMAL doubled throughput over the default rollback journal and
// stays crash-safe (only the last commits can be lost on power failure, not on
// a process kill). One connection: the plugin shares it between all services,
// and more connections only add writer contention.
func sqlConfig(path string) *config.SQL {
	return &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: path,
		ConnectAttributes: map[string]string{
			"mode":         "rwc",
			"journal_mode": "wal",
			"synchronous":  "NORMAL",
		},
		MaxConns:     1,
		MaxIdleConns: 1,
	}
}

// Objects that exist only in a completely set-up database: the first table of
// the execution schema and the last statement of the visibility schema.
const (
	schemaFirstTable  = "namespaces"
	schemaLastTrigger = "executions_visibility_au"
)

// prepareSchema creates the Temporal schema in the database at path if the
// database is empty (or missing) and reports whether it did. The schema is
// created in one transaction, so a crash during the first start cannot leave a
// half-created schema behind that later starts would take for a complete one.
func prepareSchema(path string) (fresh bool, err error) {
	// A private connection rather than the server's plugin, which never closes
	// its connections and cannot run the schema in a transaction. mode=rw (not
	// ro) lets SQLite recover a hot WAL left behind by a killed process.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rwc&_pragma=journal_mode%3Dwal&_pragma=synchronous%3DNORMAL")
	if err != nil {
		return false, fmt.Errorf("temporalserver: open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	var objects, markers int
	err = db.QueryRow(`SELECT count(*),
		count(CASE WHEN (type = 'table' AND name = ?) OR (type = 'trigger' AND name = ?) THEN 1 END)
		FROM sqlite_master`, schemaFirstTable, schemaLastTrigger).Scan(&objects, &markers)
	if err != nil {
		return false, fmt.Errorf("temporalserver: inspect %s: %w", path, err)
	}
	switch {
	case objects == 0:
	case markers == 2:
		return false, nil
	default:
		return false, fmt.Errorf("temporalserver: %s is not a complete Temporal SQLite database", path)
	}

	tx, err := db.Begin()
	if err != nil {
		return false, fmt.Errorf("temporalserver: create schema in %s: %w", path, err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	if err := sqliteschema.SetupSchemaOnDB(txSchemaDB{tx: tx}); err != nil {
		return false, fmt.Errorf("temporalserver: create schema in %s: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("temporalserver: create schema in %s: %w", path, err)
	}
	return true, nil
}

// txSchemaDB runs the server's schema statements inside tx. SetupSchemaOnDB
// only calls Exec; the embedded nil interface makes any other call panic
// loudly instead of silently bypassing the transaction.
type txSchemaDB struct {
	sqlplugin.AdminDB
	tx *sql.Tx
}

// Exec runs one schema statement inside the transaction.
func (d txSchemaDB) Exec(stmt string, args ...any) error {
	_, err := d.tx.Exec(stmt, args...)
	return err
}

// createNamespace inserts the namespace record, with its retention and search
// attributes, unless a namespace of that name exists. Writing it before the
// server starts makes the attributes usable immediately; the frontend's
// RegisterNamespace would not accept search attributes.
func createNamespace(sqlCfg *config.SQL, cfg Config) error {
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, cfg.Namespace, false, cfg.SearchAttributes)
	if err != nil {
		return fmt.Errorf("temporalserver: namespace %q: %w", cfg.Namespace, err)
	}
	// NewNamespaceConfig hard-codes 24 h.
	ns.Detail.Config.Retention = durationpb.New(cfg.Retention)
	if err := sqliteschema.CreateNamespaces(sqlCfg, ns); err != nil {
		return fmt.Errorf("temporalserver: create namespace %q: %w", cfg.Namespace, err)
	}
	return nil
}
