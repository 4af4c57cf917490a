#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "daemon/http_server.h"
#include "daemon/metrics.h"
#include "daemon/pipeline.h"
#include "daemon/store.h"

// What the daemon's event loop reports about itself: poll outcomes as
// metrics, and the /metrics and /healthz endpoints.
namespace tributary::daemon {

// The kind of a failed poll, for tributary_poll_errors_total{kind}: gone,
// rate_limited, http_status, timeout, parse, not_a_feed, empty, store,
// network. "" when the poll did not fail.
std::string_view poll_error_kind(const PollResult& result);

// Counts one finished poll: its outcome, bytes, items by result and, when it
// failed, its error kind.
void record_poll(Metrics& metrics, const PollResult& result, const SaveStats& saved);

// The state /healthz reports; `ok` false makes it a 503.
struct Health {
  bool ok = true;
  std::string text;  // one line
};

// Serves GET /metrics (Prometheus text format 0.0.4; `refresh` updates the
// gauges first, on the server's thread) and GET /healthz (`health`).
void add_ops_routes(HttpServer& server, Metrics& metrics, std::function<void()> refresh,
                    std::function<Health()> health);

}  // namespace tributary::daemon
