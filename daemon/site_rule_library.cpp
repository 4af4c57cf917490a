#include "daemon/site_rule_library.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;
using feeds::html::SiteRules;

// Rule files are a few KiB; anything far larger is not one.
constexpr std::uintmax_t kMaxRuleFile = 1u << 20;
// Hosts remembered before the caches start over (a daemon sees a bounded
// set of article hosts, but never trust "bounded" for ever).
constexpr std::size_t kMaxCachedHosts = 4096;

bool read_small_file(const fs::path& path, std::string& out) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  auto size = fs::file_size(path, ec);
  if (ec || size > kMaxRuleFile) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = std::move(s).str();
  return !in.bad();
}

}  // namespace

SiteRuleLibrary::SiteRuleLibrary(std::string dir, Warn warn) : dir_(std::move(dir)), warn_(std::move(warn)) {}

std::shared_ptr<const SiteRules> SiteRuleLibrary::file(const std::string& path) {
  if (auto it = files_.find(path); it != files_.end()) return it->second;
  std::shared_ptr<const SiteRules> rules;
  std::string text;
  if (read_small_file(path, text)) {
    auto parsed = std::make_shared<SiteRules>(feeds::html::parse_site_rules(text));
    if (warn_) {
      for (const auto& w : parsed->warnings) warn_(path + ": " + w);
    }
    rules = std::move(parsed);
  }
  files_.emplace(path, rules);
  return rules;
}

std::shared_ptr<const SiteRules> SiteRuleLibrary::rules_for(const std::string& url,
                                                            const std::string& feed_rule) {
  std::string host = feeds::html::url_host(url);
  std::string key = feed_rule + '\n' + host;
  std::lock_guard lock(mutex_);
  if (auto it = combined_.find(key); it != combined_.end()) return it->second;
  if (combined_.size() >= kMaxCachedHosts) {
    combined_.clear();
    files_.clear();
  }

  std::shared_ptr<const SiteRules> own;
  if (!feed_rule.empty()) {
    own = file(feed_rule);
    if (!own && warn_) warn_(feed_rule + ": cannot read the site rule file");
  } else if (!dir_.empty() && !host.empty()) {
    for (const auto& name : feeds::html::site_rule_file_names(host)) {
      if ((own = file((fs::path(dir_) / name).string()))) break;
    }
  }
  std::shared_ptr<const SiteRules> global =
      dir_.empty() ? nullptr : file((fs::path(dir_) / "global.txt").string());

  std::shared_ptr<const SiteRules> result;
  if (own && global) {
    auto merged = std::make_shared<SiteRules>(*own);
    feeds::html::merge_site_rules(*merged, *global);
    result = std::move(merged);
  } else {
    result = own ? own : global;
  }
  combined_.emplace(std::move(key), result);
  return result;
}

void SiteRuleLibrary::clear() {
  std::lock_guard lock(mutex_);
  files_.clear();
  combined_.clear();
}

}  // namespace tributary::daemon
