#include "daemon/publisher.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include "daemon/config_file.h"
#include "daemon/log.h"
#include "feeds/date.h"
#include "feeds/dedup/title.h"

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;

// Outputs are served at /feeds/FILE and written to output_dir/FILE.
constexpr std::string_view kFeedsPrefix = "/feeds/";

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string html_escaped(std::string_view s) {
  std::string out;
  feeds::append_html_escaped(out, s);
  return out;
}

// The bytes of `path` and its modification time, if it is a readable file.
std::optional<std::pair<std::string, std::int64_t>> file_and_mtime(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream data;
  data << in.rdbuf();
  return std::pair{data.str(), static_cast<std::int64_t>(st.st_mtime)};
}

// A source's feed URL as the public outputs may show it. The configured URL
// may be a secret: "https://user:password@host/...", or a token in the query
// (GitHub's ?token=, GitLab's ?feed_token=, Reddit's ?feed=...&user=...), in
// parameters no list of names would catch. Such a URL becomes an opaque id
// of its own, distinct per feed and never a link.
std::string public_feed_id(const std::string& url) {
  auto u = boost::urls::parse_uri_reference(url);
  if (u && !u->has_userinfo() && !u->has_query()) return url;
  return fmt::format("urn:tributary:feed:{:016x}", fnv1a(url));
}

// Sources and related stories named by feed URLs the outputs may show.
void hide_private_feed_urls(feeds::OutputEntry& oe) {
  for (auto& s : oe.sources) s.id = public_feed_id(s.id);
  for (auto& r : oe.related) {
    std::string id = public_feed_id(r.source_id);
    if (r.source_title == r.source_id) r.source_title = id == r.source_id ? id : std::string();
    r.source_id = std::move(id);
  }
}

}  // namespace

const std::vector<OutputFormat>& output_formats() {
  static const std::vector<OutputFormat> kFormats = {
      {"atom", "atom", "application/atom+xml; charset=utf-8", "application/atom+xml", "Atom",
       &feeds::write_atom},
      {"rss", "rss", "application/rss+xml; charset=utf-8", "application/rss+xml", "RSS",
       &feeds::write_rss},
      {"json", "json", "application/feed+json; charset=utf-8", "application/feed+json", "JSON Feed",
       &feeds::write_json_feed},
  };
  return kFormats;
}

std::string gzip(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper rather than zlib's.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return {};
  return out;
}

std::string entity_tag(std::string_view body, std::string_view suffix) {
  return fmt::format("\"{:016x}-{:x}{}\"", fnv1a(body), body.size(), suffix);
}

std::vector<std::int64_t> output_feed_ids(const config::OutputConfig& output, const config::Config& config,
                                          const std::map<std::string, std::int64_t>& feed_ids) {
  std::set<std::string> listed;
  for (const auto& u : output.feeds) listed.insert(config::feed_identity(u));
  std::vector<std::int64_t> ids;
  for (const auto& f : config.feeds) {
    if (!f.enabled) continue;
    bool take = output.tags.empty() && output.feeds.empty();
    take = take || std::any_of(f.tags.begin(), f.tags.end(), [&](const std::string& t) {
             return std::find(output.tags.begin(), output.tags.end(), t) != output.tags.end();
           });
    take = take || listed.contains(config::feed_identity(f.url));
    if (!take) continue;
    if (auto it = feed_ids.find(f.url); it != feed_ids.end()) ids.push_back(it->second);
  }
  return ids;
}

std::string index_page(std::string_view title, const std::vector<IndexEntry>& entries) {
  std::string t = html_escaped(title);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      t + "</title>\n";
  for (const auto& e : entries) {
    out += fmt::format("<link rel=\"alternate\" type=\"{}\" title=\"{}\" href=\"{}\">\n",
                       html_escaped(e.type), html_escaped(e.title + " (" + e.label + ")"),
                       html_escaped(e.href));
  }
  out += "</head>\n<body>\n<h1>" + t + "</h1>\n<ul>\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (i == 0 || e.title != entries[i - 1].title) {
      if (i > 0) out += "</li>\n";
      out += "<li>" + html_escaped(e.title) + ":";
    }
    out += fmt::format(" <a href=\"{}\" type=\"{}\">{}</a>", html_escaped(e.href),
                       html_escaped(e.type), html_escaped(e.label));
  }
  if (!entries.empty()) out += "</li>\n";
  out += "</ul>\n</body>\n</html>\n";
  return out;
}

namespace {

// Everything but the modification time.
void fill_document(Document& d, std::string body, std::string_view content_type, std::string cache_control) {
  d.last_modified = feeds::format_http_date(feeds::Time{std::chrono::seconds{d.modified}});
  d.content_type = std::string(content_type);
  d.cache_control = std::move(cache_control);
  d.etag = entity_tag(body);
  d.gzip_body = gzip(body);
  if (!d.gzip_body.empty()) d.gzip_etag = entity_tag(d.gzip_body, "-gz");
  d.body = std::move(body);
}

}  // namespace

std::shared_ptr<const Document> Publisher::document(const config::Config& config, const std::string& path,
                                                    const std::string& file, std::string body,
                                                    std::string_view content_type,
                                                    std::string cache_control, std::int64_t now,
                                                    bool topic, std::string file_body) {
  auto previous = last_.find(path);
  if (previous != last_.end() && previous->second->body == body &&
      previous->second->cache_control == cache_control) {
    return previous->second;
  }
  std::string target = (fs::path(config.daemon.output_dir) / file).string();
  auto d = std::make_shared<Document>();
  d->modified = now;
  bool on_disk = false;
  if (previous == last_.end()) {
    // First render since start: the same bytes on disk keep their time.
    if (auto existing = file_and_mtime(target);
        existing && existing->first == (file_body.empty() ? body : file_body)) {
      d->modified = std::min(existing->second, now);
      on_disk = true;
    }
  }
  fill_document(*d, std::move(body), content_type, std::move(cache_control));
  if (!on_disk) {
    // Atomic, and under a temporary name of its own: a `run --once` beside
    // the daemon writes the same folder.
    if (auto w = write_file_atomically(target, file_body.empty() ? d->body : file_body); !w) {
      log::error("{}", w.error().message);
    }
    bool changed = previous == last_.end() || previous->second->body != d->body;
    if (topic && changed && !public_url_.empty()) changed_topics_.push_back(public_url_ + path);
  }
  return d;
}

Result<std::shared_ptr<const DocumentMap>> Publisher::render(
    Store& store, const config::Config& config, const std::map<std::string, std::int64_t>& feed_ids,
    std::int64_t now) {
  changed_topics_.clear();
  auto docs = std::make_shared<DocumentMap>();
  std::error_code ec;
  fs::create_directories(config.daemon.output_dir, ec);
  if (ec) {
    return fail(Errc::io, fmt::format("output: cannot create {}: {}", config.daemon.output_dir, ec.message()));
  }
  FeedTitles titles;
  for (const auto& f : config.feeds) {
    if (!f.title.empty()) titles.emplace(f.url, f.title);
  }
  std::vector<IndexEntry> index;
  std::map<std::string, std::shared_ptr<const Document>, std::less<>> current;
  for (const auto& output : config.outputs) {
    auto ids = output_feed_ids(output, config, feed_ids);
    std::vector<feeds::OutputEntry> entries;
    if (!ids.empty()) {
      auto found = store.newest(output.limit, ids, titles);
      if (!found) return tl::unexpected(found.error());
      entries = std::move(*found);
    }

    // Readers may poll as often as the most frequently polled feed changes.
    auto interval = config.daemon.interval;
    bool any = false;
    for (const auto& f : config.feeds) {
      if (auto it = feed_ids.find(f.url); it == feed_ids.end() ||
                                          std::find(ids.begin(), ids.end(), it->second) == ids.end()) {
        continue;
      }
      auto i = config::effective_interval(config.daemon, f);
      interval = any ? std::min(interval, i) : i;
      any = true;
    }

    feeds::OutputFeed feed;
    feed.title = output.title.empty() ? "tributary: " + output.name : output.title;
    feed.subtitle = fmt::format("{} merged by tributary from {} feed{}", output.name, ids.size(),
                                ids.size() == 1 ? "" : "s");
    feed.id = "urn:tributary:output:" + output.name;
    if (!public_url_.empty()) feed.alternate_url = public_url_ + "/";
    feed.hub = hub_;
    feed.ttl_minutes = static_cast<int>((interval.count() + 59) / 60);
    feed.updated = feeds::Time{std::chrono::seconds{0}};
    std::set<std::string> languages;
    for (auto& oe : entries) {
      oe.entry = feeds::publishable(std::move(oe.entry));
      for (auto& r : oe.related) r.title = feeds::dedup::display_title(r.title);
      hide_private_feed_urls(oe);
      feeds::add_provenance(oe);
      auto t = oe.entry.updated.value_or(oe.entry.published.value_or(feed.updated));
      feed.updated = std::max(feed.updated, t);
      languages.insert(oe.entry.language);
    }
    if (languages.size() == 1) feed.language = *languages.begin();
    if (entries.empty()) {
      // Nothing to date it by: keep the date of the last render, so that an
      // empty output does not change at every render.
      feed.updated = empty_since_.try_emplace(output.name, feeds::Time{std::chrono::seconds{now}})
                         .first->second;
    } else {
      empty_since_.erase(output.name);
    }
    feed.entries = std::move(entries);
    std::string cache_control = fmt::format("public, max-age={}", interval.count());

    for (const auto& format : output_formats()) {
      if (std::find(output.formats.begin(), output.formats.end(), format.name) == output.formats.end()) {
        continue;
      }
      std::string file = fmt::format("{}.{}", output.name, format.extension);
      std::string path = std::string(kFeedsPrefix) + file;
      feed.self_url = public_url_.empty() ? std::string() : public_url_ + path;
      auto doc = document(config, path, file, format.write(feed), format.content_type, cache_control,
                          now, true);
      current[path] = doc;
      (*docs)[path] = doc;
      index.push_back(IndexEntry{feed.title, "feeds/" + file, std::string(format.link_type),
                                 std::string(format.label)});
    }
  }
  // output_dir/index.html sits next to the files it links, as /feeds/ does.
  std::vector<IndexEntry> index_in_folder = index;
  for (auto& e : index_in_folder) e.href = e.href.substr(e.href.find('/') + 1);
  std::string folder_page = index_page("tributary", index_in_folder);
  auto page = document(config, "/", "index.html", index_page("tributary", index),
                       "text/html; charset=utf-8", "public, max-age=60", now, false, folder_page);
  current["/"] = page;
  (*docs)["/"] = page;
  auto listing = std::make_shared<Document>();
  listing->modified = page->modified;
  fill_document(*listing, std::move(folder_page), page->content_type, page->cache_control);
  (*docs)[std::string(kFeedsPrefix)] = listing;
  // An output or format dropped from the config leaves the output folder as
  // it leaves the server, so that a reader of the folder does not keep a
  // feed that stopped. Only files this publisher wrote since it started.
  for (const auto& [path, doc] : last_) {
    if (current.contains(path) || !path.starts_with(kFeedsPrefix)) continue;
    fs::remove(fs::path(config.daemon.output_dir) / path.substr(kFeedsPrefix.size()), ec);
  }
  last_ = std::move(current);
  return std::shared_ptr<const DocumentMap>(std::move(docs));
}

}  // namespace tributary::daemon
