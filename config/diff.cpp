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
  const DaemonConfig& was = before.daemon;
  const DaemonConfig& now = after.daemon;
  const std::pair<bool, const char*> start_only[] = {
      {was.state_dir != now.state_dir, "[daemon] state_dir"},
      {was.output_dir != now.output_dir, "[daemon] output_dir"},
      {was.listen != now.listen, "[daemon] listen"},
      {was.socket != now.socket, "[daemon] socket"},
      {was.public_url != now.public_url, "[daemon] public_url"},
      {was.allow_private != now.allow_private, "[daemon] allow_private"},
      {was.websub_hub != now.websub_hub, "[daemon] websub_hub"},
      {was.max_connections != now.max_connections, "[daemon] max_connections"},
      {was.domain_connections != now.domain_connections, "[daemon] domain_connections"},
      {was.domain_spacing != now.domain_spacing, "[daemon] domain_spacing"},
      {was.reload_on_change != now.reload_on_change, "[daemon] reload_on_change"},
      {before.full_text.site_rules != after.full_text.site_rules, "[full_text] site_rules"},
      {before.full_text.workers != after.full_text.workers, "[full_text] workers"},
      {before.dedup != after.dedup, "[dedup]"},
  };
  for (const auto& [changed, key] : start_only) {
    if (changed) d.needs_restart.push_back(key);
  }
  return d;
}

}  // namespace tributary::config
