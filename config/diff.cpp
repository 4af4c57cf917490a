#include "config/diff.h"

#include <map>

namespace tributary::config {
namespace {

// A feed's settings without its position in the file.
FeedConfig settings(FeedConfig f) {
  f.line = 0;
  f.column = 0;
  return f;
}

std::map<std::string, const FeedConfig*> enabled_feeds(const Config& c) {
  std::map<std::string, const FeedConfig*> out;
  for (const auto& f : c.feeds) {
    if (f.enabled) out.emplace(f.url, &f);
  }
  return out;
}

}  // namespace

ConfigDiff diff(const Config& before, const Config& after) {
  ConfigDiff d;
  auto old_feeds = enabled_feeds(before);
  auto new_feeds = enabled_feeds(after);
  // Report in the new file's order (removed ones in the old file's order).
  for (const auto& f : after.feeds) {
    auto now = new_feeds.find(f.url);
    if (now == new_feeds.end() || now->second != &f) continue;
    auto was = old_feeds.find(f.url);
    if (was == old_feeds.end()) {
      d.added.push_back(f.url);
    } else if (settings(*was->second) == settings(f)) {
      d.unchanged.push_back(f.url);
    } else {
      d.changed.push_back(f.url);
      if (was->second->title != f.title || was->second->tags != f.tags) d.outputs_changed = true;
    }
  }
  for (const auto& f : before.feeds) {
    auto was = old_feeds.find(f.url);
    if (was != old_feeds.end() && was->second == &f && !new_feeds.contains(f.url)) {
      d.removed.push_back(f.url);
    }
  }
  if (!d.added.empty() || !d.removed.empty() || before.outputs != after.outputs) {
    d.outputs_changed = true;
  }
  d.retention_changed = before.retention != after.retention;
  if (before.daemon.state_dir != after.daemon.state_dir) d.needs_restart.push_back("state_dir");
  if (before.daemon.output_dir != after.daemon.output_dir) d.needs_restart.push_back("output_dir");
  if (before.daemon.listen != after.daemon.listen) d.needs_restart.push_back("listen");
  if (before.daemon.socket != after.daemon.socket) d.needs_restart.push_back("socket");
  if (before.daemon.public_url != after.daemon.public_url) d.needs_restart.push_back("public_url");
  if (before.daemon.allow_private != after.daemon.allow_private) {
    d.needs_restart.push_back("allow_private");
  }
  return d;
}

}  // namespace tributary::config
