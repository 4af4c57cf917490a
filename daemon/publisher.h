#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "daemon/document.h"
#include "daemon/store.h"
#include "feeds/result.h"

namespace tributary::daemon {

// Renders the configured outputs from the store, writes each atomically into
// the output directory (temp file, fsync, rename, fsync of the directory) and
// keeps them for the HTTP server. A document whose bytes did not change keeps
// its ETag and Last-Modified, and its file is not rewritten.
class Publisher {
 public:
  explicit Publisher(std::string public_url) : public_url_(std::move(public_url)) {}

  // Renders every output of `config`. `feed_ids` maps configured feed URLs
  // to store ids. Returns the documents by URL path. Errors writing one file
  // are logged and do not stop the others.
  Result<std::shared_ptr<const DocumentMap>> render(Store& store, const config::Config& config,
                                                    const std::map<std::string, std::int64_t>& feed_ids,
                                                    std::int64_t now);

 private:
  std::string public_url_;  // "http://127.0.0.1:8080" (for rel="self"), may be ""
  std::map<std::string, std::shared_ptr<const Document>, std::less<>> last_;
};

// Writes `data` to `path` atomically: a temporary file in the same folder,
// fsync, rename over `path`, fsync of the folder.
Result<void> write_file_atomically(const std::string& path, std::string_view data);

}  // namespace tributary::daemon
