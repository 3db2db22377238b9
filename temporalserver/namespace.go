package temporalserver

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	enums "go.temporal.io/api/enums/v1"
	namespacepb "go.temporal.io/api/namespace/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"
)

// ensureRetention waits until the frontend serves the namespace and sets its
// retention to cfg.Retention if it differs (namespaces created by older
// versions or other tools carry other values).
func ensureRetention(ctx context.Context, c client.Client, cfg Config, logger *slog.Logger) error {
	var desc *workflowservice.DescribeNamespaceResponse
	err := retry(ctx, func() error {
		var err error
		desc, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: cfg.Namespace})
		return err
	})
	if err != nil {
		return fmt.Errorf("temporalserver: describe namespace %q: %w", cfg.Namespace, err)
	}
	if state := desc.GetNamespaceInfo().GetState(); state != enums.NAMESPACE_STATE_REGISTERED {
		return fmt.Errorf("temporalserver: namespace %q is in state %v", cfg.Namespace, state)
	}
	current := desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration()
	if current == cfg.Retention {
		return nil
	}
	_, err = c.WorkflowService().UpdateNamespace(ctx, &workflowservice.UpdateNamespaceRequest{
		Namespace: cfg.Namespace,
		Config:    &namespacepb.NamespaceConfig{WorkflowExecutionRetentionTtl: durationpb.New(cfg.Retention)},
	})
	if err != nil {
		return fmt.Errorf("temporalserver: set retention of namespace %q to %v: %w", cfg.Namespace, cfg.Retention, err)
	}
	logger.Info("namespace retention updated", "namespace", cfg.Namespace, "from", current, "to", cfg.Retention)
	return nil
}

// ensureSearchAttributes adds the configured search attributes that the
// namespace lacks and waits until they are usable. An existing attribute of
// another type is an error: changing the type would reinterpret stored values.
func ensureSearchAttributes(ctx context.Context, c client.Client, cfg Config, logger *slog.Logger) error {
	if len(cfg.SearchAttributes) == 0 {
		return nil
	}
	list, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: cfg.Namespace})
	if err != nil {
		return fmt.Errorf("temporalserver: list search attributes of namespace %q: %w", cfg.Namespace, err)
	}
	missing := map[string]enums.IndexedValueType{}
	for name, want := range cfg.SearchAttributes {
		have, ok := list.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing[name] = want
		case have != want:
			return fmt.Errorf("temporalserver: search attribute %q of namespace %q has type %v, configured %v", name, cfg.Namespace, have, want)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        cfg.Namespace,
		SearchAttributes: missing,
	})
	if err != nil {
		return fmt.Errorf("temporalserver: add search attributes to namespace %q: %w", cfg.Namespace, err)
	}
	added := time.Now()
	names := slices.Sorted(maps.Keys(missing))
	logger.Info("search attributes added", "namespace", cfg.Namespace, "names", names)
	if err := waitSearchAttributes(ctx, c, cfg.Namespace, names, added); err != nil {
		return fmt.Errorf("temporalserver: wait for search attributes %v of namespace %q: %w", names, cfg.Namespace, err)
	}
	return nil
}

// waitSearchAttributes waits until new search attribute aliases, written at
// added, are in every service's namespace registry. The frontend (which
// validates StartWorkflow) is observed directly through a weakly consistent
// DescribeNamespace; the history service (which validates upserts from
// workflows) cannot be observed, so the wait also lasts until each registry
// has completed a refresh that began after the write. The alternative,
// ForceSearchAttributesCacheRefreshOnRead (used by temporaltest), would read
// the namespace from SQLite on every search-attribute use and is documented
// as not for production.
func waitSearchAttributes(ctx context.Context, c client.Client, namespace string, names []string, added time.Time) error {
	const refreshMargin = 500 * time.Millisecond // covers the duration of a refresh
	allRefreshed := added.Add(nsRefreshInterval + refreshMargin)
	return retry(ctx, func() error {
		desc, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{
			Namespace:       namespace,
			WeakConsistency: true,
		})
		if err != nil {
			return err
		}
		aliases := map[string]bool{}
		for _, alias := range desc.GetConfig().GetCustomSearchAttributeAliases() {
			aliases[alias] = true
		}
		for _, name := range names {
			if !aliases[name] {
				return fmt.Errorf("frontend does not know %q yet", name)
			}
		}
		if wait := time.Until(allRefreshed); wait > 0 {
			return fmt.Errorf("other services may not know them for another %v", wait.Round(time.Millisecond))
		}
		return nil
	})
}
