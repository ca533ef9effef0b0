package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMetricsAreScraped: after the run, the scrape shows the queue depth
// (3 + 4 items), the pending tenants, one lag measurement and one attempt
// per delivered trigger, and the backend's pushes.
func TestMetricsAreScraped(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(context.Background(), &out, ""))
	require.Equal(t, `db_client_operation_duration_seconds_count{db_operation_name="RPush",db_system_name="memory"} 7
repos_batch_pending_tenants{repos_batch_service="mailer"} 2
repos_batch_queue_depth{repos_batch_action="send",repos_batch_name="digest",repos_batch_service="mailer"} 7
repos_trigger_attempts_total{repos_trigger_action="remind"} 5
repos_trigger_lag_seconds_count{repos_trigger_action="remind"} 5
`, out.String())
}
