#include "daemon/refresh.h"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>

#include "feeds/url.h"

namespace tributary::daemon {
namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

std::string item_key(const feeds::Entry& e) {
  if (!e.id.empty()) return "id:" + e.id;
  if (!e.link.empty()) return "link:" + e.link;
  std::string title = e.title ? e.title->value : "";
  std::string body = e.content ? e.content->value : e.summary ? e.summary->value : "";
  if (title.empty() && body.empty()) return {};
  return fmt::format("sha:{:016x}", fnv1a(body, fnv1a(title)));
}

std::string canonical_link(std::string_view link) {
  auto scheme = feeds::url_scheme(link);
  if (scheme != "http" && scheme != "https") return {};
  auto parsed = boost::urls::parse_uri(link);
  if (!parsed) return {};
  boost::urls::url u(*parsed);
  u.normalize();
  u.remove_fragment();
  if ((u.scheme() == "http" && u.port() == "80") || (u.scheme() == "https" && u.port() == "443")) {
    u.remove_port();
  }
  std::string out(u.buffer());
  if (u.encoded_path().empty()) {
    // "http://host" and "http://host/" are the same resource (RFC 3986 §6.2.3).
    auto authority_end = out.find_first_of("?#", u.scheme().size() + 3);
    out.insert(authority_end == std::string::npos ? out.size() : authority_end, 1, '/');
  }
  return out;
}

std::vector<NewItem> new_items(const feeds::Feed& feed) {
  std::vector<NewItem> items;
  items.reserve(feed.entries.size());
  for (const auto& e : feed.entries) {
    std::string key = item_key(e);
    if (key.empty()) continue;
    items.push_back(NewItem{std::move(key), canonical_link(e.link), e});
  }
  return items;
}

}  // namespace tributary::daemon
