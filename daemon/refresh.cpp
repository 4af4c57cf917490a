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

// The longest prefix of `s` of at most `max` bytes that ends on a UTF-8
// character boundary and, for markup, outside a tag and a reference.
std::string_view cut(std::string_view s, std::size_t max, bool markup) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  std::string_view head = s.substr(0, n);
  if (markup) {
    auto lt = head.rfind('<');
    if (lt != std::string_view::npos && head.find('>', lt) == std::string_view::npos) head = head.substr(0, lt);
    auto amp = head.rfind('&');
    if (amp != std::string_view::npos && head.find(';', amp) == std::string_view::npos) head = head.substr(0, amp);
  }
  return head;
}

bool bound_text(std::optional<feeds::Text>& text, std::size_t max, std::string_view mark) {
  if (!text || text->value.size() <= max) return false;
  std::string_view head = cut(text->value, max - mark.size(), text->is_html());
  std::string out;
  out.reserve(head.size() + mark.size());
  out.append(head).append(mark);
  text->value = std::move(out);  // frees the long value
  return true;
}

bool bound_url(std::string& url) {
  if (url.size() <= kMaxUrlBytes) return false;
  std::string().swap(url);
  return true;
}

}  // namespace

bool bound_entry(feeds::Entry& e) {
  bool cut_any = bound_text(e.title, kMaxTitleBytes, "\u2026");
  cut_any |= bound_text(e.summary, kMaxTextBytes, "");
  cut_any |= bound_text(e.content, kMaxTextBytes, "");
  cut_any |= bound_url(e.id);
  cut_any |= bound_url(e.link);
  cut_any |= bound_url(e.comments);
  if (e.image) cut_any |= bound_url(e.image->url);
  cut_any |= std::erase_if(e.links, [](const feeds::Link& l) { return l.href.size() > kMaxUrlBytes; }) > 0;
  cut_any |= std::erase_if(e.enclosures, [](const feeds::Enclosure& x) { return x.url.size() > kMaxUrlBytes; }) > 0;
  return cut_any;
}

std::string item_key(const feeds::Entry& e) {
  // Absurdly long ids and links (which bound_entry drops) still identify
  // the item, by their hash.
  if (!e.id.empty()) return e.id.size() > kMaxUrlBytes ? fmt::format("id:sha:{:016x}", fnv1a(e.id)) : "id:" + e.id;
  if (!e.link.empty()) {
    return e.link.size() > kMaxUrlBytes ? fmt::format("link:sha:{:016x}", fnv1a(e.link)) : "link:" + e.link;
  }
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
    NewItem& item = items.emplace_back(NewItem{std::move(key), {}, e});
    bound_entry(item.entry);
    item.canonical_url = canonical_link(item.entry.link);
  }
  return items;
}

}  // namespace tributary::daemon
