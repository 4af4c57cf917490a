#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Counters and gauges for /metrics, in the Prometheus text exposition format
// (version 0.0.4). Families are declared in metrics.cpp's table with their
// help text and type; samples are created on first use. Thread-safe: the io
// thread, the pool and the store strand all record.
namespace tributary::daemon {

using MetricLabels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class Metrics {
 public:
  Metrics();

  // Adds `by` to a counter (or gauge). `family` must be a declared name.
  void add(std::string_view family, MetricLabels labels = {}, double by = 1);
  // Sets a gauge.
  void set(std::string_view family, MetricLabels labels, double value);
  void set(std::string_view family, double value) { set(family, {}, value); }
  // Drops every sample of `family` (before setting a gauge's new label set,
  // e.g. per-domain waits).
  void clear(std::string_view family);

  // The current value (0 when never recorded), for tests and /healthz.
  double value(std::string_view family, MetricLabels labels = {}) const;

  // Every family with its HELP and TYPE lines, samples sorted by labels.
  std::string render() const;

 private:
  struct Family {
    std::string help;
    std::string type;  // "counter" or "gauge"
    std::map<std::string, double> samples;  // rendered label set -> value
  };
  Family& family(std::string_view name);

  mutable std::mutex mutex_;
  std::vector<std::string> order_;
  std::map<std::string, Family, std::less<>> families_;
};

// `{a="x",b="y"}` with Prometheus escaping of \, " and newlines; "" when empty.
std::string metric_labels(MetricLabels labels);

}  // namespace tributary::daemon
