#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/result.h"

namespace tributary::config {

using Seconds = std::chrono::seconds;

// Polling never goes below this, whatever the file says.
inline constexpr Seconds kMinInterval{5 * 60};
inline constexpr Seconds kDefaultInterval{30 * 60};
inline constexpr const char* kDefaultListen = "127.0.0.1:8080";
inline constexpr int kDefaultOutputLimit = 100;

struct FeedConfig {
  std::string url;
  std::string title;                // "" = the feed's own title
  std::vector<std::string> tags;
  std::optional<Seconds> interval;  // nullopt = [daemon] interval
  bool full_text = true;
  bool enabled = true;
  std::string user_agent;           // "" = the daemon's
  std::vector<std::string> headers; // extra request headers, "Name: value"
  std::string auth_header;          // value of an Authorization header, "" = none;
                                    // sent to the feed's own origin only
  std::string site_rule;            // absolute path of an ftr-site-config file for
                                    // full-text extraction, "" = look it up by host
  int line = 0;                     // where the [[feed]] table starts
  int column = 0;
  friend bool operator==(const FeedConfig&, const FeedConfig&) = default;
};

struct OutputConfig {
  std::string name;
  std::string title;                 // "" = a title made from the name
  std::vector<std::string> tags;     // empty = every feed
  std::vector<std::string> formats;  // atom, rss, json
  int limit = kDefaultOutputLimit;
  std::vector<std::string> feeds;    // feed URLs to take, besides `tags` (both empty = every feed)
  friend bool operator==(const OutputConfig&, const OutputConfig&) = default;
};

struct DaemonConfig {
  std::string state_dir;   // absolute after loading
  std::string output_dir;  // absolute after loading
  std::string listen = kDefaultListen;  // "HOST:PORT", or "" to serve nothing
  Seconds interval = kDefaultInterval;
  std::vector<std::string> allow_private;  // origins, e.g. "http://127.0.0.1:8787"
  std::string user_agent;                  // "" = built-in identifying UA
  // Polling and politeness (daemon/schedule.h, daemon/politeness.h).
  Seconds min_interval = kMinInterval;  // the poll floor; below 5 min only for test setups
  int max_connections = 32;             // transfers at once, all servers together
  int domain_connections = 1;           // transfers at once per registrable domain
  Seconds domain_spacing{0};            // between the starts of two requests to one domain
  bool reload_on_change = true;            // watch the file and reload when it changes
  std::string public_url;  // base URL readers reach the server at, no trailing slash
                           // ("" = "http://" + listen); outputs link to themselves with it
  std::string websub_hub;  // WebSub hub URL to announce and ping on change ("" = none)
  std::string socket;      // Unix socket path for a front proxy, absolute after loading ("" = none)
  friend bool operator==(const DaemonConfig&, const DaemonConfig&) = default;
};

inline constexpr Seconds kDefaultMaxAge{180 * 86400};
inline constexpr int kDefaultMaxItemsPerFeed = 1000;

// Store hygiene, applied after refreshes. An item is deleted when it is older
// than `max_age` (by publication date, else first-seen time) or beyond the
// newest `max_items_per_feed` of every feed it came from -- unless
// `keep_in_outputs` and it is currently listed in an output.
struct RetentionConfig {
  Seconds max_age = kDefaultMaxAge;  // 0 = keep forever
  int max_items_per_feed = kDefaultMaxItemsPerFeed;  // 0 = no limit
  bool keep_in_outputs = true;
  friend bool operator==(const RetentionConfig&, const RetentionConfig&) = default;
};

inline constexpr Seconds kDefaultFullTextMaxAge{3 * 86400};
inline constexpr int kDefaultFullTextPerPoll = 10;
inline constexpr int kDefaultFullTextWorkers = 2;

// Full-text extraction of feeds with `full_text = true` ([full_text]).
// Only items published (else first seen) within `max_age` get their page
// fetched, at most `per_poll` of them per feed per poll (newest first; the
// rest stay pending for later polls), with at most `workers` extractions
// running at once. `site_rules` is a directory of ftr-site-config files
// looked up by host (a feed's own `site_rule` file comes first).
struct FullTextConfig {
  std::string site_rules;  // absolute after loading ("" = none)
  int site_rules_line = 0;    // where the file sets it, for diagnostics
  int site_rules_column = 0;
  Seconds max_age = kDefaultFullTextMaxAge;
  int per_poll = kDefaultFullTextPerPoll;
  int workers = kDefaultFullTextWorkers;
  friend bool operator==(const FullTextConfig&, const FullTextConfig&) = default;
};

// Duplicate detection (feeds/dedup, daemon/dedup_index.h), on by default.
// `stories`: the granularity of story clusters ("also covered by"): "story"
// (one developing story), "event" (one event, reworded) or "off".
// `representative`: which copy of a merged item the outputs show:
// "original" (the un-prefixed original, earliest first), "first" (the copy
// stored first) or "latest". `window`: titles join copies published this
// close together (links and agreeing texts join whenever). `memory`: copies
// that arrived this recently, at most `memory_copies` of them (the newest),
// are matched in memory, stories included; older ones only by their link,
// GUID and exact title (indexed in the store).
struct DedupConfig {
  bool enabled = true;
  std::string stories = "story";
  std::string representative = "original";
  Seconds window{72 * 3600};
  Seconds memory{7 * 86400};
  std::int64_t memory_copies = 20000;
  friend bool operator==(const DedupConfig&, const DedupConfig&) = default;
};

struct Config {
  std::string path;  // the file it came from
  DaemonConfig daemon;
  std::vector<FeedConfig> feeds;
  std::vector<OutputConfig> outputs;  // always starts with `all`
  RetentionConfig retention;
  FullTextConfig full_text;
  DedupConfig dedup;
  friend bool operator==(const Config&, const Config&) = default;
};

// One problem found in a config file, printed as "FILE:LINE:COL: message".
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  std::string to_string() const;
};

// Values the environment supplies when the file leaves them out.
struct Defaults {
  std::string state_dir;   // e.g. $STATE_DIRECTORY or ~/.local/state/tributary
};

// Parses the TOML text of a feeds file. `path` names the file in messages
// and anchors relative paths (pass it absolute to get absolute directories). Every problem found is reported, not just the
// first; on any error the result holds the full list.
tl::expected<Config, std::vector<Diagnostic>> parse(std::string_view text, std::string_view path,
                                                    const Defaults& defaults);

// Why `url` cannot be a feed URL ("must be an http://, https:// or file://
// URL", "has no host", ...), or "" when it can.
std::string feed_url_problem(std::string_view url);

// The form of a feed URL used to spot duplicates: scheme and host in lower
// case, percent-encoding and dot segments normalized, default port and
// fragment removed, an empty path written "/". Unparseable input comes back
// unchanged.
std::string feed_identity(std::string_view url);

// Parses "90s", "15m", "1h30m", "2d" (or a bare number of seconds).
std::optional<Seconds> parse_duration(std::string_view text);

// The feed's effective poll interval: its own or the daemon's, never below
// the daemon's min_interval.
Seconds effective_interval(const DaemonConfig& daemon, const FeedConfig& feed);

// The base URL outputs link to themselves with: `public_url`, else
// "http://" + listen when that is an address readers can reach, else "" (no
// self links). A wildcard listen address (0.0.0.0, [::]) or port 0 names no
// such place: a reader sent to http://0.0.0.0:8080/ reaches its own machine.
std::string base_url(const DaemonConfig& daemon);

}  // namespace tributary::config
