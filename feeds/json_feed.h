#pragma once

// Internal to the feed parsers (feeds/parse.cpp): JSON Feed 1.0 and 1.1.

#include <optional>
#include <string>
#include <string_view>

#include "feeds/model.h"

namespace tributary::feeds::detail {

// True when the first non-blank character of `text` is '{'.
bool looks_like_json(std::string_view text);

// Reads a JSON Feed (https://jsonfeed.org/version/1.1, also 1.0). Relative
// URLs resolve against `base` (else the feed's own feed_url); content_html
// is sanitized; a missing summary copies the content. nullopt when `utf8`
// is not JSON or has no JSON Feed `version`.
std::optional<Feed> parse_json_feed(std::string_view utf8, const std::string& base);

}  // namespace tributary::feeds::detail
