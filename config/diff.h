#pragma once

#include <string>
#include <vector>

#include "config/config.h"

// What a reload changes: the running config against a newly loaded one.
namespace tributary::config {

struct ConfigDiff {
  // Feeds are matched by their URL exactly as written (the store keys a
  // feed's state by it). Disabled feeds count as absent.
  std::vector<std::string> added;      // start polling
  std::vector<std::string> removed;    // stop polling
  std::vector<std::string> changed;    // same URL, other settings: keep state, apply settings
  std::vector<std::string> unchanged;  // keep schedule and state
  bool outputs_changed = false;        // outputs or feed tags/titles: render again
  bool retention_changed = false;
  // Keys read only when the daemon starts, named as "[daemon] listen", in
  // this order: [daemon] state_dir, output_dir, listen, socket, public_url,
  // allow_private, websub_hub, max_connections, domain_connections,
  // domain_spacing, reload_on_change; [full_text] site_rules, workers;
  // [dedup] (any of its keys).
  std::vector<std::string> needs_restart;

  bool feeds_changed() const { return !added.empty() || !removed.empty() || !changed.empty(); }
};

// Compares two configs. The order of feeds in the file does not matter; the
// line a feed table starts on is not a setting.
ConfigDiff diff(const Config& before, const Config& after);

}  // namespace tributary::config
