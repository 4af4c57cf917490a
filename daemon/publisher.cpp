#include "daemon/publisher.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "daemon/log.h"
#include "feeds/date.h"
#include "feeds/writer.h"

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

Error io_error(std::string_view what, const std::string& path) {
  return Error{Errc::io, fmt::format("output: {} {}: {}", what, path, std::strerror(errno))};
}

struct Format {
  const char* name;
  const char* extension;
  const char* content_type;
};

constexpr Format kFormats[] = {
    {"atom", "atom", "application/atom+xml; charset=utf-8"},
};

}  // namespace

Result<void> write_file_atomically(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return tl::unexpected(io_error("cannot create", tmp));
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto e = io_error("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return tl::unexpected(e);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto e = io_error("cannot fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return tl::unexpected(e);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = io_error("cannot rename onto", path);
    ::unlink(tmp.c_str());
    return tl::unexpected(e);
  }
  std::string dir = fs::path(path).parent_path().string();
  if (int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Result<std::shared_ptr<const DocumentMap>> Publisher::render(
    Store& store, const config::Config& config, const std::map<std::string, std::int64_t>& feed_ids,
    std::int64_t now) {
  auto docs = std::make_shared<DocumentMap>();
  std::error_code ec;
  fs::create_directories(config.daemon.output_dir, ec);
  if (ec) {
    return fail(Errc::io, fmt::format("output: cannot create {}: {}", config.daemon.output_dir, ec.message()));
  }
  for (const auto& output : config.outputs) {
    std::vector<std::int64_t> ids;
    if (!output.tags.empty()) {
      for (const auto& f : config.feeds) {
        bool tagged = std::any_of(f.tags.begin(), f.tags.end(), [&](const std::string& t) {
          return std::find(output.tags.begin(), output.tags.end(), t) != output.tags.end();
        });
        if (!tagged) continue;
        if (auto it = feed_ids.find(f.url); it != feed_ids.end()) ids.push_back(it->second);
      }
      if (ids.empty()) ids.push_back(-1);  // no feed matches: an empty output
    }
    auto entries = store.newest(output.limit, ids);
    if (!entries) return tl::unexpected(entries.error());

    feeds::OutputFeed feed;
    feed.title = output.title.empty() ? "tributary: " + output.name : output.title;
    feed.id = "urn:tributary:output:" + output.name;
    feed.updated = feeds::Time{std::chrono::seconds{0}};
    for (const auto& e : *entries) {
      auto t = e.entry.updated.value_or(e.entry.published.value_or(feed.updated));
      feed.updated = std::max(feed.updated, t);
    }
    if (entries->empty()) feed.updated = feeds::Time{std::chrono::seconds{now}};
    feed.entries = std::move(*entries);

    for (const auto& format : kFormats) {
      if (std::find(output.formats.begin(), output.formats.end(), format.name) == output.formats.end()) {
        continue;
      }
      std::string file = fmt::format("{}.{}", output.name, format.extension);
      std::string path = "/feeds/" + file;
      if (!public_url_.empty()) feed.self_url = public_url_ + path;
      std::string body = feeds::write_atom(feed);
      std::shared_ptr<const Document> doc;
      if (auto it = last_.find(path); it != last_.end() && it->second->body == body) {
        doc = it->second;
      } else {
        auto d = std::make_shared<Document>();
        d->etag = fmt::format("\"{:016x}-{:x}\"", fnv1a(body), body.size());
        d->modified = now;
        d->last_modified = feeds::format_http_date(feeds::Time{std::chrono::seconds{now}});
        d->content_type = format.content_type;
        d->body = std::move(body);
        doc = d;
        std::string target = (fs::path(config.daemon.output_dir) / file).string();
        if (auto w = write_file_atomically(target, doc->body); !w) log::error("{}", w.error().message);
      }
      last_[path] = doc;
      (*docs)[path] = doc;
    }
  }
  return std::shared_ptr<const DocumentMap>(std::move(docs));
}

}  // namespace tributary::daemon
