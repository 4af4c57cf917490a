#include "daemon/ops_metrics.h"

#include <array>
#include <utility>

namespace tributary::daemon {
namespace {

// Failed polls by the start of their message (pipeline.cpp and store
// errors), first match wins; then the HTTP status, then timeouts. The
// parser's "not a feed" comes after "parse error: ".
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kByPrefix = {{
    {"parse error: parse: not a feed", "not_a_feed"},
    {"parse error", "parse"},
    {"empty response", "empty"},
    {"store:", "store"},
}};

}  // namespace

std::string_view poll_error_kind(const PollResult& r) {
  switch (r.outcome) {
    case PollOutcome::fetched:
    case PollOutcome::not_modified:
      return r.error.empty() ? std::string_view{} : std::string_view{"store"};
    case PollOutcome::gone: return "gone";
    case PollOutcome::rate_limited: return "rate_limited";
    case PollOutcome::failed: break;
  }
  for (const auto& [prefix, kind] : kByPrefix) {
    if (r.error.starts_with(prefix)) return kind;
  }
  if (r.http_status >= 300) return "http_status";
  if (r.error.find("timed out") != std::string::npos || r.error.find("timeout") != std::string::npos) {
    return "timeout";
  }
  return "network";
}

void record_poll(Metrics& metrics, const PollResult& r, const SaveStats& saved) {
  std::string_view kind = poll_error_kind(r);
  std::string_view outcome = !kind.empty() ? "error"
                             : r.outcome == PollOutcome::not_modified ? "not_modified"
                                                                      : "ok";
  metrics.add("tributary_polls_total", {{"outcome", outcome}});
  if (!kind.empty()) metrics.add("tributary_poll_errors_total", {{"kind", kind}});
  metrics.add("tributary_fetched_bytes_total", {}, static_cast<double>(r.wire_bytes));
  if (saved.added) metrics.add("tributary_items_total", {{"result", "new"}}, saved.added);
  if (saved.merged + saved.bridged) {
    metrics.add("tributary_items_total", {{"result", "duplicate"}}, saved.merged + saved.bridged);
  }
  if (saved.unchanged + saved.retired) {
    metrics.add("tributary_items_total", {{"result", "known"}}, saved.unchanged + saved.retired);
  }
  // Merging two stored items into one (bridged) leaves one fewer.
  metrics.add("tributary_store_items", {}, saved.added - saved.bridged);
}

void add_ops_routes(HttpServer& server, Metrics& metrics, std::function<void()> refresh,
                    std::function<Health()> health) {
  server.route("/metrics", [&metrics, refresh = std::move(refresh)](const Request&) {
    if (refresh) refresh();
    return Response{200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(), "no-store"};
  });
  server.route("/healthz", [health = std::move(health)](const Request&) {
    Health h = health();
    return Response{h.ok ? 200u : 503u, "text/plain; charset=utf-8", h.text + "\n", "no-store"};
  });
}

}  // namespace tributary::daemon
