#include "feeds/json_feed.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "feeds/date.h"
#include "feeds/html/sanitize.h"
#include "feeds/url.h"

namespace tributary::feeds::detail {
namespace {

namespace json = boost::json;

std::string str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return {};
  if (it->value().is_string()) return std::string(it->value().get_string());
  if (it->value().is_int64()) return std::to_string(it->value().get_int64());
  if (it->value().is_uint64()) return std::to_string(it->value().get_uint64());
  return {};
}

const json::object* obj(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

const json::array* arr(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().get_array() : nullptr;
}

class JsonReader {
 public:
  explicit JsonReader(std::string base) : base_(std::move(base)) {}

  std::string url(std::string_view ref) const {
    if (ref.empty()) return {};
    return resolve_url(base_, ref);
  }

  std::vector<Person> authors(const json::object& o) const {
    std::vector<Person> out;
    auto add = [&](const json::object& a) {
      Person p{str(a, "name"), "", url(str(a, "url"))};
      if (p.url.starts_with("mailto:")) {
        p.email = p.url.substr(7);
        p.url.clear();
      }
      if (!p.name.empty() || !p.url.empty() || !p.email.empty()) out.push_back(std::move(p));
    };
    if (const json::array* list = arr(o, "authors")) {
      for (const auto& v : *list) {
        if (v.is_object()) add(v.get_object());
      }
    } else if (const json::object* a = obj(o, "author")) {
      add(*a);
    }
    return out;
  }

  Entry item(const json::object& o) const {
    Entry e;
    e.id = str(o, "id");
    if (std::string t = str(o, "title"); !t.empty()) e.title = Text{std::move(t), kTextPlain};
    if (std::string u = url(str(o, "url")); !u.empty()) {
      e.link = u;
      e.links.push_back(Link{"alternate", std::move(u), kTextHtml, "", "", std::nullopt});
    }
    if (std::string u = url(str(o, "external_url")); !u.empty()) {
      e.links.push_back(Link{"related", std::move(u), "", "", "", std::nullopt});
    }
    if (std::string h = str(o, "content_html"); !h.empty()) {
      e.content = Text{html::sanitize(h, base_), kTextHtml};
    } else if (std::string t = str(o, "content_text"); !t.empty()) {
      e.content = Text{std::move(t), kTextPlain};
    }
    if (std::string s = str(o, "summary"); !s.empty()) {
      e.summary = Text{std::move(s), kTextPlain};
    } else if (e.content) {
      e.summary = e.content;
    }
    e.published = parse_date(str(o, "date_published"));
    e.updated = parse_date(str(o, "date_modified"));
    e.authors = authors(o);
    if (const json::array* tags = arr(o, "tags")) {
      for (const auto& t : *tags) {
        if (t.is_string()) e.categories.push_back(Category{std::string(t.get_string()), "", ""});
      }
    }
    e.language = str(o, "language");
    if (std::string img = url(str(o, "image")); !img.empty()) {
      e.image = Image{std::move(img), "", "", std::nullopt, std::nullopt};
    }
    if (const json::array* atts = arr(o, "attachments")) {
      for (const auto& a : *atts) {
        if (!a.is_object()) continue;
        const json::object& x = a.get_object();
        Enclosure enc{url(str(x, "url")), str(x, "mime_type"), std::nullopt};
        if (auto it = x.find("size_in_bytes"); it != x.end() && it->value().is_number()) {
          enc.length = it->value().to_number<std::int64_t>();
        }
        if (enc.url.empty()) continue;
        e.links.push_back(Link{"enclosure", enc.url, enc.type, str(x, "title"), "", enc.length});
        e.enclosures.push_back(std::move(enc));
      }
    }
    return e;
  }

 private:
  std::string base_;
};

}  // namespace

bool looks_like_json(std::string_view text) {
  auto p = text.find_first_not_of(" \t\r\n");
  return p != std::string_view::npos && text[p] == '{';
}

std::optional<Feed> parse_json_feed(std::string_view utf8, const std::string& base) {
  boost::system::error_code ec;
  json::value v = json::parse(utf8, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.get_object();
  std::string version = str(o, "version");
  if (!version.starts_with("https://jsonfeed.org/version/") &&
      !version.starts_with("http://jsonfeed.org/version/")) {
    return std::nullopt;
  }
  Feed feed;
  feed.format = version.ends_with("/1.1") ? Format::json11 : Format::json1;
  feed.encoding = "utf-8";
  std::string feed_url = str(o, "feed_url");
  JsonReader r(base.empty() ? feed_url : base);
  FeedMeta& m = feed.meta;
  if (std::string t = str(o, "title"); !t.empty()) m.title = Text{std::move(t), kTextPlain};
  if (std::string d = str(o, "description"); !d.empty()) {
    m.subtitle = Text{std::move(d), kTextPlain};
  }
  if (std::string home = r.url(str(o, "home_page_url")); !home.empty()) {
    m.link = home;
    m.links.push_back(Link{"alternate", std::move(home), kTextHtml, "", "", std::nullopt});
  }
  if (!feed_url.empty()) {
    m.links.push_back(
        Link{"self", r.url(feed_url), "application/feed+json", "", "", std::nullopt});
  }
  m.language = str(o, "language");
  m.authors = r.authors(o);
  if (std::string icon = r.url(str(o, "icon")); !icon.empty()) {
    m.image = Image{std::move(icon), "", "", std::nullopt, std::nullopt};
  }
  m.icon = r.url(str(o, "favicon"));
  if (const json::array* items = arr(o, "items")) {
    for (const auto& it : *items) {
      if (it.is_object()) feed.entries.push_back(r.item(it.get_object()));
    }
  }
  return feed;
}

}  // namespace tributary::feeds::detail
