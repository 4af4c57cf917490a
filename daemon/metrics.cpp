#include "daemon/metrics.h"

#include <cassert>
#include <cmath>

#include <fmt/format.h>

namespace tributary::daemon {
namespace {

struct Declaration {
  const char* name;
  const char* type;
  const char* help;
};

// Every metric tributary exports. Counters end in _total.
constexpr Declaration kFamilies[] = {
    {"tributary_polls_total", "counter", "Feed polls finished, by outcome (ok, not_modified, error)."},
    {"tributary_poll_errors_total", "counter",
     "Failed polls by kind (network, timeout, http_status, parse, not_a_feed, empty, gone, rate_limited, store)."},
    {"tributary_fetched_bytes_total", "counter", "Bytes received for feeds, as sent on the wire."},
    {"tributary_items_total", "counter",
     "Items seen in polled feeds, by result: new (stored), duplicate (merged into an item from "
     "another feed), known (already stored from this feed)."},
    {"tributary_extractions_total", "counter",
     "Full-text extractions of article pages, by outcome (ok, failed, skipped)."},
    {"tributary_queue_size", "gauge", "Work waiting, by queue (fetch, store, extract)."},
    {"tributary_domain_wait_seconds_total", "counter",
     "Seconds requests waited for the per-domain politeness limit, by registrable domain."},
    {"tributary_domain_waits_total", "counter",
     "Requests that waited for the per-domain politeness limit, by registrable domain."},
    {"tributary_feeds", "gauge", "Configured feeds, by state (enabled, disabled, failing)."},
    {"tributary_store_items", "gauge", "Items in the store."},
    {"tributary_retention_deleted_total", "counter", "Items deleted by retention rules."},
    {"tributary_config_reloads_total", "counter", "Config reloads, by result (ok, rejected)."},
    {"tributary_config_generation", "gauge", "Successful config loads since start (1 = the first)."},
    {"tributary_renders_total", "counter", "Output renders."},
    {"tributary_http_responses_total", "counter", "HTTP responses sent, by status code."},
    {"tributary_http_connections", "gauge", "Open HTTP connections (TCP and Unix socket)."},
    {"tributary_watchdog_pings_total", "counter", "WATCHDOG=1 messages sent to systemd."},
    {"tributary_start_time_seconds", "gauge", "Unix time the daemon started."},
};

std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

}  // namespace

std::string metric_labels(MetricLabels labels) {
  if (labels.size() == 0) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += fmt::format("{}=\"{}\"", k, escape(v));
  }
  out += '}';
  return out;
}

Metrics::Metrics() {
  for (const auto& d : kFamilies) {
    order_.emplace_back(d.name);
    families_.emplace(d.name, Family{d.help, d.type, {}});
  }
}

Metrics::Family& Metrics::family(std::string_view name) {
  auto it = families_.find(name);
  assert(it != families_.end() && "undeclared metric family");
  return it->second;
}

void Metrics::add(std::string_view name, MetricLabels labels, double by) {
  std::string key = metric_labels(labels);
  std::lock_guard lock(mutex_);
  family(name).samples[key] += by;
}

void Metrics::set(std::string_view name, MetricLabels labels, double value) {
  std::string key = metric_labels(labels);
  std::lock_guard lock(mutex_);
  family(name).samples[key] = value;
}

void Metrics::clear(std::string_view name) {
  std::lock_guard lock(mutex_);
  family(name).samples.clear();
}

double Metrics::value(std::string_view name, MetricLabels labels) const {
  std::string key = metric_labels(labels);
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto s = it->second.samples.find(key);
  return s == it->second.samples.end() ? 0 : s->second;
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& name : order_) {
    const Family& f = families_.find(name)->second;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name, f.type);
    // A family with no samples yet still shows 0, so dashboards see it.
    if (f.samples.empty() && name.find("_total") != std::string::npos) {
      out += name + " 0\n";
    }
    for (const auto& [labels, v] : f.samples) out += name + labels + " " + number(v) + "\n";
  }
  return out;
}

}  // namespace tributary::daemon
