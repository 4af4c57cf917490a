#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "feeds/html/site_rules.h"

namespace tributary::daemon {

// The ftr-site-config rules that full-text extraction applies to a page,
// read from disk on first use and kept (a rule directory holds thousands of
// small files; a daemon needs a few dozen). Thread-safe.
//
// Lookup for a page at `url`:
//   1. the feed's own rule file (`[[feed]] site_rule`), when given;
//   2. else the first file of feeds::html::site_rule_file_names(host) that
//      exists in the directory ("example.com.txt", ".example.com.txt", ...);
// either followed by the directory's global.txt, when it has one.
class SiteRuleLibrary {
 public:
  // Called once per rule file that has problems, with "FILE: line N: ...".
  using Warn = std::function<void(const std::string&)>;

  // `dir` may be "" (no directory: only per-feed files apply).
  explicit SiteRuleLibrary(std::string dir, Warn warn = {});

  // The rules for `url`, or nullptr when no file applies (extraction then
  // uses its heuristics alone). `feed_rule` is a path to a rule file, or "".
  std::shared_ptr<const feeds::html::SiteRules> rules_for(const std::string& url,
                                                          const std::string& feed_rule = {});

  // Forgets everything read (after rule files changed on disk).
  void clear();

  const std::string& dir() const { return dir_; }

 private:
  // A parsed file, or nullptr when it does not exist.
  std::shared_ptr<const feeds::html::SiteRules> file(const std::string& path);

  std::string dir_;
  Warn warn_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const feeds::html::SiteRules>> files_;    // by path
  std::map<std::string, std::shared_ptr<const feeds::html::SiteRules>> combined_;  // by feed rule + host
};

}  // namespace tributary::daemon
