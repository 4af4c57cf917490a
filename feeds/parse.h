#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feeds/model.h"
#include "feeds/result.h"

namespace tributary::feeds {

// Where a document came from: the inputs that decide its base URI and charset.
struct Source {
  std::string url;               // where it was fetched from ("" if unknown)
  std::string content_type;      // HTTP Content-Type, with charset
  std::string content_location;  // HTTP Content-Location (resolved against url)
  std::string content_language;  // HTTP Content-Language (default language)
};

// Parses a feed document from its raw bytes: RSS 0.9x/1.0/2.0, Atom 0.3/1.0
// (and whatever else `Format` lists). Charset detection and conversion,
// relative-URI resolution (xml:base, then Content-Location, then url) and
// HTML sanitizing of text constructs are done here. A document that needed
// recovery still parses, with `bozo` set. Fails with Errc::unsupported_format
// when the bytes are not a feed, and Errc::invalid_input when they are too
// broken to recover anything.
Result<Feed> parse(std::string_view bytes, const Source& source);

}  // namespace tributary::feeds
