#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "feeds/result.h"

// OPML subscription lists <-> the feeds file. Pure: text in, text out.
namespace tributary::config {

// One subscription of an OPML file.
struct OpmlFeed {
  std::string url;                // xmlUrl
  std::string title;              // "" when the file gives none (or only the URL)
  std::string html_url;           // the site, "" when unknown
  std::vector<std::string> tags;  // enclosing folders, outermost first, then `category`
  friend bool operator==(const OpmlFeed&, const OpmlFeed&) = default;
};

// Parses an OPML 1.0 or 2.0 document (as written by newsboat -e, Feedly,
// Inoreader, Miniflux, FreshRSS, ...). Every <outline> with an xmlUrl is a
// feed, in document order; the titles of the outlines enclosing it (folders)
// and the last segment of each comma-separated `category` path become its
// tags, without duplicates. Outlines whose xmlUrl is not http(s) are skipped.
// Fails with Errc::invalid_input when the text is not XML, the root is not
// <opml> or outlines nest more than 100 levels deep. No DTD or entity
// expansion.
Result<std::vector<OpmlFeed>> parse_opml(std::string_view xml);

// Writes an OPML 2.0 document titled `title`. Feeds are grouped into one
// folder outline per first tag (in first-seen order); untagged feeds come
// first, at the top level. Every tag is also listed in `category` ("/a,/b"),
// so that tags beyond the first survive a round trip.
std::string write_opml(const std::vector<OpmlFeed>& feeds, std::string_view title);

// The feeds of a config as OPML subscriptions (disabled ones included).
std::vector<OpmlFeed> opml_feeds(const Config& config);

struct FeedsAppended {
  std::string text;                   // the new file contents
  std::vector<std::string> added;     // URLs appended, in order
  std::vector<std::string> skipped;   // URLs already in the file (or repeated in the OPML)
  std::vector<std::string> rejected;  // "URL: why", for URLs the config would not accept
};

// Appends a [[feed]] table for each of `feeds` whose URL is a valid feed URL
// (feed_url_problem) that `existing` (the parsed `toml_text`) does not
// already hold (compared by feed_identity), at
// the end of `toml_text`, leaving everything before it byte for byte
// unchanged. The block starts with the comment line `# <comment>` when
// `comment` is not empty. Titles and tags are written as TOML basic strings.
FeedsAppended append_feeds(std::string_view toml_text, const Config& existing,
                           const std::vector<OpmlFeed>& feeds, std::string_view comment);

// `value` as a TOML basic string, quotes included ("a \"b\"").
std::string toml_string(std::string_view value);

}  // namespace tributary::config
