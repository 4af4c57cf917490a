#include "feeds/dedup/url_canon.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "feeds/html/entities.h"

namespace tributary::feeds::dedup {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Character classes of RFC 3986 (§2.2, §2.3), one table lookup each.
enum CharClass : std::uint8_t {
  kAlnum = 1,
  kUnreservedMark = 2,   // - . _ ~
  kSubDelim = 4,         // ! $ & ' ( ) * + , ; =
  kPathMark = 8,         // : @ /, allowed in paths beside the above
  kQuestion = 16,        // ?, allowed in queries and fragments
  kPercent = 32,
  // Bytes that may not appear raw anywhere in a URI (§2): controls, space,
  // non-ASCII and the "unwise" set. Feeds publish them anyway.
  kNeedsEscape = 64,
};
constexpr std::uint8_t kHostChar = kAlnum | kUnreservedMark | kSubDelim;
constexpr std::uint8_t kPathChar = kHostChar | kPathMark;

constexpr std::array<std::uint8_t, 256> kCharClasses = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = kAlnum;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = kAlnum;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = kAlnum;
  for (char c : std::string_view("-._~")) t[static_cast<unsigned char>(c)] = kUnreservedMark;
  for (char c : std::string_view("!$&'()*+,;=")) t[static_cast<unsigned char>(c)] = kSubDelim;
  for (char c : std::string_view(":@/")) t[static_cast<unsigned char>(c)] = kPathMark;
  t['?'] = kQuestion;
  t['%'] = kPercent;
  for (int c = 0; c <= 0x20; ++c) t[static_cast<std::size_t>(c)] = kNeedsEscape;
  for (int c = 0x7f; c <= 0xff; ++c) t[static_cast<std::size_t>(c)] = kNeedsEscape;
  for (char c : std::string_view("\"<>\\^`{|}")) t[static_cast<unsigned char>(c)] = kNeedsEscape;
  return t;
}();

std::uint8_t char_class(char c) { return kCharClasses[static_cast<unsigned char>(c)]; }
bool is_alnum(char c) { return (char_class(c) & kAlnum) != 0; }
bool needs_escape(unsigned char c) { return (kCharClasses[c] & kNeedsEscape) != 0; }

void append_escape(std::string& out, unsigned char c) {
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// RFC 3986 §6.2.2.2: decode escapes of unreserved characters, upper-case the
// others, escape what must not appear raw. A '%' not followed by two hex
// digits is a literal percent sign.
void append_normalized_pct(std::string& out, std::string_view in) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    // Runs of plain characters are copied whole.
    std::size_t run = i;
    while (run < in.size() && (char_class(in[run]) & (kPercent | kNeedsEscape)) == 0) ++run;
    if (run > i) {
      out.append(in, i, run - i);
      i = run;
      if (i == in.size()) break;
    }
    auto c = static_cast<unsigned char>(in[i]);
    if (c == '%') {
      int hi = i + 2 < in.size() ? hex_value(in[i + 1]) : -1;
      int lo = hi >= 0 ? hex_value(in[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        auto v = static_cast<unsigned char>(hi * 16 + lo);
        if (is_unreserved(v)) {
          out += static_cast<char>(v);
        } else {
          append_escape(out, v);
        }
        i += 2;
      } else {
        out += "%25";
      }
    } else if (needs_escape(c)) {
      append_escape(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
}

// Percent-decodes and lower-cases a query parameter name for matching,
// into `out` (replacing its contents).
void decoded_name(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
        hex_value(in[i + 2]) >= 0) {
      out += ascii_lower(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 2;
    } else {
      out += ascii_lower(in[i]);
    }
  }
}

// RFC 3986 §5.2.4 on an already normalized absolute path; also collapses
// empty segments ("a//b"), which servers treat like one slash.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t pos = 1;  // path starts with '/'
  bool trailing_slash = false;
  while (pos <= path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    std::string_view seg = path.substr(pos, next - pos);
    trailing_slash = false;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      trailing_slash = true;
    } else if (seg == ".") {
      trailing_slash = true;
    } else if (!seg.empty()) {
      segments.push_back(seg);
    } else {
      trailing_slash = next == path.size();
    }
    pos = next + 1;
  }
  std::string out;
  for (auto seg : segments) {
    out += '/';
    out += seg;
  }
  if (out.empty() || trailing_slash) out += '/';
  return out;
}

// Whether a path has a "/." or "//" (one pass; most have neither).
bool has_dot_or_empty_segment(std::string_view path) {
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    if (path[i] == '/' && (path[i + 1] == '.' || path[i + 1] == '/')) return true;
  }
  return false;
}

// Canonical path: normalized escapes, no dot segments, no "/amp" view suffix,
// no trailing slash.
void append_canonical_path(std::string& out, std::string_view encoded) {
  std::size_t start = out.size();
  out += '/';
  append_normalized_pct(out, encoded.starts_with('/') ? encoded.substr(1) : encoded);
  std::string_view path = std::string_view(out).substr(start);
  if (has_dot_or_empty_segment(path)) {
    std::string clean = remove_dot_segments(path);
    out.resize(start);
    out += clean;
    path = std::string_view(out).substr(start);
  }
  if (path.size() > 1 && path.back() == '/') out.pop_back();
  path = std::string_view(out).substr(start);
  if (path == "/amp") {
    out.resize(start + 1);
  } else if (path.ends_with("/amp")) {
    out.resize(out.size() - 4);
  }
}

// Appends "?" and the parameters of `encoded` that do not track the reader,
// escapes normalized, sorted by name then value; nothing when none is left.
void append_canonical_query(std::string& out, std::string_view encoded) {
  // Each kept parameter is appended right away; `value` starts right after
  // the name ("=..." or empty).
  struct Param {
    std::size_t name, value, end;
  };
  boost::container::small_vector<Param, 8> kept;
  std::string decoded;
  const std::size_t start = out.size();
  std::size_t pos = 0;
  while (pos <= encoded.size()) {
    auto amp = encoded.find('&', pos);
    if (amp == std::string_view::npos) amp = encoded.size();
    std::string_view param = encoded.substr(pos, amp - pos);
    pos = amp + 1;
    if (param.empty()) continue;
    auto eq = param.find('=');
    std::string_view name = param.substr(0, eq);
    if (name.empty()) continue;
    decoded_name(name, decoded);
    if (is_tracking_parameter(decoded)) continue;
    out += kept.empty() ? '?' : '&';
    Param p{out.size(), 0, 0};
    append_normalized_pct(out, name);
    p.value = out.size();
    if (eq != std::string_view::npos) {
      out += '=';
      append_normalized_pct(out, param.substr(eq + 1));
    }
    p.end = out.size();
    kept.push_back(p);
  }
  // Sorted as (name, value) pairs, which is not the order of the joined
  // text ("a=x" sorts before "a1").
  auto less = [](std::string_view text, std::size_t base) {
    return [text, base](const Param& a, const Param& b) {
      auto part = [&](std::size_t from, std::size_t to) { return text.substr(from - base, to - from); };
      return std::pair(part(a.name, a.value), part(a.value, a.end)) < std::pair(part(b.name, b.value), part(b.value, b.end));
    };
  };
  if (std::is_sorted(kept.begin(), kept.end(), less(out, 0))) return;
  std::string text = out.substr(start);
  std::sort(kept.begin(), kept.end(), less(text, start));
  out.resize(start);
  for (const Param& p : kept) {
    out += out.size() == start ? '?' : '&';
    out.append(text, p.name - start, p.end - p.name);
  }
}

void append_canonical_host(std::string& out, std::string_view encoded) {
  if (!encoded.empty() && encoded.back() == '.') encoded.remove_suffix(1);
  static constexpr std::array<std::string_view, 4> kViewLabels = {"www.", "m.", "mobile.", "amp."};
  for (auto label : kViewLabels) {
    if (encoded.size() > label.size() &&
        std::equal(label.begin(), label.end(), encoded.begin(),
                   [](char a, char b) { return a == ascii_lower(b); }) &&
        encoded.find('.', label.size()) != std::string_view::npos) {
      encoded.remove_prefix(label.size());
      break;
    }
  }
  std::size_t start = out.size();
  out += encoded;
  std::transform(out.begin() + static_cast<std::ptrdiff_t>(start), out.end(), out.begin() + static_cast<std::ptrdiff_t>(start), ascii_lower);
}

// The components of an absolute URI with an authority, still encoded.
struct UrlParts {
  std::string_view scheme, host, port, path, query, fragment;
  bool has_port = false, has_query = false, has_fragment = false;
};

// The shape most feed links have -- scheme "://" host [":" port] path
// ["?" query] ["#" fragment], without userinfo or IP-literal, every
// character valid where it stands (RFC 3986 §3) -- split without a general
// parser; nullopt for anything else (the caller then parses with
// Boost.URL, which gives the same parts for these shapes). A URL it splits
// has nothing to escape: every byte is one RFC 3986 allows there, every '%'
// starts an escape.
std::optional<UrlParts> split_common_url(std::string_view url) {
  UrlParts p;
  std::size_t i = 0;
  if (url.empty() || !((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z'))) return std::nullopt;
  while (i < url.size() && (is_alnum(url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.')) ++i;
  if (url.substr(i, 3) != "://") return std::nullopt;
  p.scheme = url.substr(0, i);
  i += 3;
  // Advances over the characters of `allowed` and valid escapes; false at
  // a character that is neither and not one of `stops`.
  auto scan = [&](std::uint8_t allowed, std::string_view stops) {
    while (i < url.size()) {
      std::uint8_t c = char_class(url[i]);
      if ((c & allowed) != 0) {
        ++i;
      } else if (c == kPercent) {
        if (i + 2 >= url.size() || hex_value(url[i + 1]) < 0 || hex_value(url[i + 2]) < 0) return false;
        i += 3;
      } else {
        return stops.find(url[i]) != std::string_view::npos;
      }
    }
    return true;
  };
  // Host: unreserved and sub-delims ('@' of userinfo, '[' of an IP literal
  // and anything invalid stop the fast path).
  std::size_t start = i;
  if (!scan(kHostChar, "/?#:")) return std::nullopt;
  p.host = url.substr(start, i - start);
  if (i < url.size() && url[i] == ':') {
    p.has_port = true;
    start = ++i;
    while (i < url.size() && url[i] >= '0' && url[i] <= '9') ++i;
    p.port = url.substr(start, i - start);
    if (i < url.size() && url[i] != '/' && url[i] != '?' && url[i] != '#') return std::nullopt;
  }
  // Path, query and fragment: pchar, '/', and '?' outside the path.
  start = i;
  if (!scan(kPathChar, "?#")) return std::nullopt;
  p.path = url.substr(start, i - start);
  if (i < url.size() && url[i] == '?') {
    p.has_query = true;
    start = ++i;
    if (!scan(kPathChar | kQuestion, "#")) return std::nullopt;
    p.query = url.substr(start, i - start);
  }
  if (i < url.size() && url[i] == '#') {
    p.has_fragment = true;
    start = ++i;
    if (!scan(kPathChar | kQuestion, "")) return std::nullopt;
    p.fragment = url.substr(start);
  }
  return p;
}

}  // namespace

bool is_tracking_parameter(std::string_view name) {
  // Lower case.
  static constexpr std::array<std::string_view, 52> kNames = {
      "__s", "__twitter_impression", "_ga", "_gl", "_hsenc", "_hsmi", "_openstat", "amp",
      "ceneo_spo", "cmpid", "dclid", "echobox", "fb_ref", "fb_source", "fbclid", "gbraid",
      "gclid", "gclsrc", "gs_l", "hsctatracking", "icid", "igshid", "mc_cid", "mc_eid", "mc_tc",
      "mkt_tok", "msclkid", "mtm", "ncid", "ocid", "os_ehash", "outputtype", "rb_clickid", "ref",
      "ref_", "ref_src", "referrer", "rss", "s_cid", "smid", "spm", "srsltid", "track",
      "tracking_source", "twclid", "utm", "wbraid", "wickedid", "wt_mc", "wtmc", "wtrid", "yclid"};
  static constexpr std::array<std::string_view, 16> kPrefixes = {
      "utm_", "mtm_", "ga_", "otm_", "itm_", "hmb_", "vn_", "pk_", "ns_", "__hs", "fb_action_",
      "action_object_", "action_type_", "action_ref_", "oly_", "vero_"};
  static const boost::unordered_flat_set<std::string_view, std::hash<std::string_view>> kNameSet(kNames.begin(), kNames.end());
  if (kNameSet.contains(name)) return true;
  return std::any_of(kPrefixes.begin(), kPrefixes.end(), [&](std::string_view p) {
    return name.size() > p.size() && name[0] == p[0] && name.starts_with(p);
  });
}

void canonical_url_into(std::string_view url, std::string& out) {
  out.clear();
  url = trim(url);
  if (url.empty()) return;
  std::string decoded;
  if (url.find('&') != std::string_view::npos) {
    decoded = html::decode_entities(url);
    url = decoded;
  }
  std::optional<UrlParts> parts = split_common_url(url);
  std::string escaped;
  if (!parts) {
    // Escape what a strict RFC 3986 parser rejects but feeds publish: raw
    // spaces and non-ASCII bytes, and a '%' that starts no escape.
    auto stray_percent = [&](std::size_t i) {
      return url[i] == '%' && (i + 2 >= url.size() || hex_value(url[i + 1]) < 0 || hex_value(url[i + 2]) < 0);
    };
    bool needs_pass = false;
    for (std::size_t i = 0; i < url.size() && !needs_pass; ++i) {
      needs_pass = needs_escape(static_cast<unsigned char>(url[i])) || stray_percent(i);
    }
    if (needs_pass) {
      for (std::size_t i = 0; i < url.size(); ++i) {
        auto u = static_cast<unsigned char>(url[i]);
        if (needs_escape(u) || stray_percent(i)) {
          append_escape(escaped, u);
        } else {
          escaped += url[i];
        }
      }
      url = escaped;
      parts = split_common_url(url);
    }
  }
  if (!parts) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed || !parsed->has_authority()) {
      out = url;
      return;
    }
    const boost::urls::url_view& u = *parsed;
    parts = UrlParts{u.scheme(),      u.encoded_host(),     u.port(),         u.encoded_path(),
                     u.encoded_query(), u.encoded_fragment(), u.has_port(),     u.has_query(),
                     u.has_fragment()};
  }
  const UrlParts& u = *parts;
  std::string scheme = lower(u.scheme);
  bool web = scheme == "http" || scheme == "https";
  out.reserve(url.size() + 8);
  out += web ? "https" : scheme;
  out += "://";
  append_canonical_host(out, u.host);
  if (u.has_port) {
    std::string_view port = u.port;
    bool default_port = port.empty() || (web && (port == "80" || port == "443")) ||
                        (scheme == "ftp" && port == "21");
    if (!default_port) {
      out += ':';
      out += port;
    }
  }
  append_canonical_path(out, u.path);
  if (u.has_query) append_canonical_query(out, u.query);
  if (u.has_fragment && u.fragment.starts_with('!')) {
    out += '#';
    append_normalized_pct(out, u.fragment);
  }
}

std::string canonical_url(std::string_view url) {
  std::string out;
  canonical_url_into(url, out);
  return out;
}

}  // namespace tributary::feeds::dedup
