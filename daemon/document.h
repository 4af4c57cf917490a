#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace tributary::daemon {

// A rendered output as the HTTP server serves it from memory. Immutable once
// published: a new render makes a new Document.
struct Document {
  std::string body;
  std::string content_type;
  std::string etag;           // strong, quoted: "\"0123abcd...\""
  std::string last_modified;  // HTTP-date
  std::int64_t modified = 0;  // Unix seconds, for If-Modified-Since
  // The gzip variant, compressed once per render ("" = none); it has its own
  // strong ETag because its bytes differ (RFC 9110 §8.8.3).
  std::string gzip_body;
  std::string gzip_etag;
  // Cache-Control of 200 and 304 responses ("" = the server's default).
  std::string cache_control;
};

// URL path ("/feeds/all.atom") -> document. Replaced as a whole after each
// render; readers keep the snapshot they hold.
using DocumentMap = std::map<std::string, std::shared_ptr<const Document>, std::less<>>;

}  // namespace tributary::daemon
