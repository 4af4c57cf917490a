#include "feeds/url.h"

#include <algorithm>
#include <array>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace tributary::feeds {
namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

}  // namespace

std::string url_scheme(std::string_view url) {
  url = trim(url);
  std::string scheme;
  for (char c : url) {
    if (c == ':') return scheme;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (!scheme.empty() && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};
    scheme += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return {};
}

bool is_safe_url(std::string_view url) {
  static constexpr std::array<std::string_view, 16> kSafe = {
      "http", "https", "ftp", "ftps", "mailto", "news", "nntp", "gopher", "irc",
      "ircs", "magnet", "tel", "feed", "sftp", "xmpp", "urn"};
  auto scheme = url_scheme(url);
  return std::find(kSafe.begin(), kSafe.end(), scheme) != kSafe.end();
}

std::string resolve_url(std::string_view base, std::string_view ref) {
  ref = trim(ref);
  if (base.empty()) return std::string(ref);
  auto b = boost::urls::parse_uri(trim(base));
  if (!b) return std::string(ref);
  auto r = boost::urls::parse_uri_reference(ref);
  if (!r) return std::string(ref);
  boost::urls::url out;
  if (!boost::urls::resolve(*b, *r, out)) return std::string(ref);
  // RFC 3986 §5.2.4: ".." above the root is dropped ("http://a/../g" is
  // "http://a/g"); Boost.URL 1.81 keeps it.
  std::string_view path = out.encoded_path();
  std::size_t drop = 0;
  while (path.substr(drop).starts_with("/..") &&
         (path.size() == drop + 3 || path[drop + 3] == '/')) {
    drop += 3;
  }
  if (drop > 0) {
    std::string rest(path.substr(drop));
    out.set_encoded_path(rest.empty() ? "/" : rest);
  }
  return std::string(out.buffer());
}

}  // namespace tributary::feeds
