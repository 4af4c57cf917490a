#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "daemon/document.h"
#include "daemon/store.h"
#include "feeds/result.h"
#include "feeds/writer.h"

namespace tributary::daemon {

// One output format: its config name, file extension and media type.
struct OutputFormat {
  std::string_view name;          // "atom", as in [[output]] formats
  std::string_view extension;     // "atom": /feeds/NAME.atom, output_dir/NAME.atom
  std::string_view content_type;  // with charset
  std::string_view link_type;     // for <link rel="alternate" type=...>
  std::string_view label;         // "Atom"
  std::string (*write)(const feeds::OutputFeed&);
};

// Atom, RSS 2.0 and JSON Feed, in that order.
const std::vector<OutputFormat>& output_formats();

// Renders the configured outputs from the store, writes each atomically into
// the output directory (temp file, fsync, rename, fsync of the directory) and
// keeps them for the HTTP server, with a gzip variant compressed once here.
// A document whose bytes did not change keeps its ETag and Last-Modified and
// its file is not rewritten; after a restart, a file on disk with the same
// bytes gives its modification time as Last-Modified.
//
// Documents: /feeds/NAME.EXT for each output and format, and "/", an HTML
// page listing them with <link rel="alternate"> for auto-discovery (also
// written as output_dir/index.html, linking the files next to it, and
// served so at "/feeds/").
class Publisher {
 public:
  // `public_url`: the base URL readers reach the server at, without a
  // trailing slash ("" = unknown: no self links). `hub`: the WebSub hub
  // ("" = none).
  explicit Publisher(std::string public_url, std::string hub = {})
      : public_url_(std::move(public_url)), hub_(std::move(hub)) {}

  // Renders every output of `config`. `feed_ids` maps configured feed URLs
  // to store ids. A feed's `title` in the config names it as the source of
  // its items (else the feed's own title). Returns the documents by URL path. Errors writing one file
  // are logged and do not stop the others.
  Result<std::shared_ptr<const DocumentMap>> render(Store& store, const config::Config& config,
                                                    const std::map<std::string, std::int64_t>& feed_ids,
                                                    std::int64_t now);

  // The public URLs of the feed documents whose bytes changed in the last
  // render: the topics to announce to a WebSub hub.
  const std::vector<std::string>& changed_topics() const { return changed_topics_; }

 private:
  std::shared_ptr<const Document> document(const config::Config& config, const std::string& path,
                                           const std::string& file, std::string body,
                                           std::string_view content_type, std::string cache_control,
                                           std::int64_t now, bool topic, std::string file_body = {});

  std::string public_url_;
  std::string hub_;
  std::map<std::string, std::shared_ptr<const Document>, std::less<>> last_;
  std::vector<std::string> changed_topics_;
  std::map<std::string, feeds::Time> empty_since_;  // output name -> since when it has no entries
};

// The store ids of the feeds `output` takes: those with one of its tags or
// listed in its `feeds`; every configured feed when it names neither.
// Disabled feeds and feeds without a store id are left out.
std::vector<std::int64_t> output_feed_ids(const config::OutputConfig& output, const config::Config& config,
                                          const std::map<std::string, std::int64_t>& feed_ids);

// The gzip encoding (RFC 1952) of `data` at the best compression level.
std::string gzip(std::string_view data);

// A strong entity tag for `body`: "\"<64-bit hash hex>-<size hex><suffix>\"".
std::string entity_tag(std::string_view body, std::string_view suffix = {});

// One link of the index page.
struct IndexEntry {
  std::string title;  // the output's title
  std::string href;   // relative to the page, e.g. "feeds/all.atom"
  std::string type;   // "application/atom+xml"
  std::string label;  // "Atom"
};

// The HTML page served at "/": every output with its formats, each also as
// <link rel="alternate"> in the head so readers can auto-discover them.
std::string index_page(std::string_view title, const std::vector<IndexEntry>& entries);

}  // namespace tributary::daemon
