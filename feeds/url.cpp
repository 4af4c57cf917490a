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

// IRIs (RFC 3987) carry raw non-ASCII characters that a URI parser rejects:
// they are percent-encoded for resolution and decoded again afterwards.
bool has_non_ascii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::string encode_non_ascii(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string decode_non_ascii(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 8 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Well-formed UTF-8 (Unicode §3.9 Table 3-7).
bool is_utf8(std::string_view s) {
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [](unsigned char b) { return (b & 0xC0) == 0x80; };
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = at(i);
    std::size_t left = s.size() - i;
    if (c < 0x80) {
      i += 1;
    } else if (c >= 0xC2 && c < 0xE0 && left >= 2 && cont(at(i + 1))) {
      i += 2;
    } else if (c >= 0xE0 && c < 0xF0 && left >= 3 && cont(at(i + 1)) && cont(at(i + 2)) &&
               !(c == 0xE0 && at(i + 1) < 0xA0) && !(c == 0xED && at(i + 1) > 0x9F)) {
      i += 3;
    } else if (c >= 0xF0 && c < 0xF5 && left >= 4 && cont(at(i + 1)) && cont(at(i + 2)) &&
               cont(at(i + 3)) && !(c == 0xF0 && at(i + 1) < 0x90) && !(c == 0xF4 && at(i + 1) > 0x8F)) {
      i += 4;
    } else {
      return false;
    }
  }
  return true;
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
  if (scheme == "feed") {
    // "feed:https://..." and "feed://..." are fine; "feed:javascript:..." is not.
    // Browsers drop tabs and newlines inside URLs: judge what they would see.
    std::string inner;
    for (char c : trim(url).substr(scheme.size() + 1)) {
      if (static_cast<unsigned char>(c) > 0x20 && c != 0x7f) inner += c;
    }
    if (inner.starts_with("//")) return true;
    auto inner_scheme = url_scheme(inner);
    return inner_scheme.empty() || inner_scheme == "http" || inner_scheme == "https";
  }
  return std::find(kSafe.begin(), kSafe.end(), scheme) != kSafe.end();
}

std::string resolve_url(std::string_view base, std::string_view ref) {
  ref = trim(ref);
  if (base.empty()) return std::string(ref);
  if (has_non_ascii(base) || has_non_ascii(ref)) {
    std::string r = resolve_url(encode_non_ascii(trim(base)), encode_non_ascii(ref));
    std::string decoded = decode_non_ascii(r);
    // Escapes that were in the input may decode to bytes that are not UTF-8.
    if (!is_utf8(decoded)) return r;
    return decoded;
  }
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
