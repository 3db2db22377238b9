// Package metrics is civilflow's Prometheus instrumentation: HTTP requests,
// cases by procedure, stage and office, the Temporal SDK's own metrics and
// the store's connection pool, all on one registry served at /metrics.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"

	"civilflow/store"
)

// Metrics is one process's registry and instruments. Its own registry (not
// the global default) keeps tests and several processes in one binary apart.
type Metrics struct {
	reg *prometheus.Registry
}

// New creates the registry with the Go runtime and process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Metrics{reg: reg}
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Temporal is the SDK's metrics handler (client.Options.MetricsHandler).
// Not implemented yet: nil leaves the SDK's no-op handler in place.
func (m *Metrics) Temporal() client.MetricsHandler { return nil }

// WatchStore adds the store's pool statistics and the case gauges, read
// from the database at each scrape. Not implemented yet.
func (m *Metrics) WatchStore(db *store.DB) {}
