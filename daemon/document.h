#pragma once

#include <map>
#include <memory>
#include <string>

namespace tributary::daemon {

// A rendered output as the HTTP server serves it from memory.
struct Document {
  std::string body;
  std::string content_type;
  std::string etag;           // strong, quoted: "\"0123abcd...\""
  std::string last_modified;  // HTTP-date
  std::int64_t modified = 0;  // Unix seconds, for If-Modified-Since
};

// URL path ("/feeds/all.atom") -> document. Replaced as a whole after each
// render; readers keep the snapshot they hold.
using DocumentMap = std::map<std::string, std::shared_ptr<const Document>, std::less<>>;

}  // namespace tributary::daemon
