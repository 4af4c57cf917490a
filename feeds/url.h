#pragma once

#include <string>
#include <string_view>

namespace tributary::feeds {

// Resolves the reference `ref` against the absolute URI `base` (RFC 3986 §5).
// Leading and trailing whitespace of `ref` is ignored. IRIs (RFC 3987) work
// too: raw non-ASCII characters stay as they are. Returns `ref` unchanged
// when `base` is empty or not absolute, or when `ref` cannot be parsed.
std::string resolve_url(std::string_view base, std::string_view ref);

// True when `url` is absolute and its scheme is one a reader may follow from
// a feed: http, https, ftp, mailto, news, ... (not javascript:, data:, ...).
bool is_safe_url(std::string_view url);

// The scheme of an absolute URL in lower case, or "" when it has none.
std::string url_scheme(std::string_view url);

}  // namespace tributary::feeds
