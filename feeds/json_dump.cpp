#include "feeds/json_dump.h"

#include <string_view>

#include "feeds/byte_scan.h"
#include "feeds/date.h"

namespace tributary::feeds {
namespace {

namespace json = boost::json;

json::value str(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

json::value date(const std::optional<Time>& t) {
  if (!t) return nullptr;
  return json::value(format_rfc3339(*t));
}

template <class T>
json::value opt_int(const std::optional<T>& v) {
  if (!v) return nullptr;
  return json::value(static_cast<std::int64_t>(*v));
}

void text(json::object& o, const char* key, const std::optional<Text>& t) {
  std::string type_key = std::string(key) + "_type";
  if (t) {
    o[key] = t->value;
    o[type_key] = t->type;
  } else {
    o[key] = nullptr;
    o[type_key] = nullptr;
  }
}

json::array persons(const std::vector<Person>& v) {
  json::array a;
  for (const auto& p : v) a.push_back(json::object{{"name", str(p.name)}, {"email", str(p.email)}, {"url", str(p.url)}});
  return a;
}

json::array links(const std::vector<Link>& v) {
  json::array a;
  for (const auto& l : v) {
    a.push_back(json::object{{"rel", str(l.rel)},       {"href", str(l.href)},
                             {"type", str(l.type)},     {"title", str(l.title)},
                             {"hreflang", str(l.hreflang)}, {"length", opt_int(l.length)}});
  }
  return a;
}

json::array categories(const std::vector<Category>& v) {
  json::array a;
  for (const auto& c : v) {
    a.push_back(json::object{{"term", str(c.term)}, {"scheme", str(c.scheme)}, {"label", str(c.label)}});
  }
  return a;
}

json::value image(const std::optional<Image>& img) {
  if (!img) return nullptr;
  return json::object{{"url", str(img->url)},         {"title", str(img->title)},
                      {"link", str(img->link)},       {"width", opt_int(img->width)},
                      {"height", opt_int(img->height)}};
}

json::object meta(const FeedMeta& m, bool with_ttl) {
  json::object o;
  text(o, "title", m.title);
  text(o, "subtitle", m.subtitle);
  text(o, "rights", m.rights);
  o["link"] = str(m.link);
  o["links"] = links(m.links);
  o["id"] = str(m.id);
  o["language"] = str(m.language);
  o["updated"] = date(m.updated);
  o["published"] = date(m.published);
  o["authors"] = persons(m.authors);
  o["contributors"] = persons(m.contributors);
  o["categories"] = categories(m.categories);
  o["image"] = image(m.image);
  o["icon"] = str(m.icon);
  if (with_ttl) o["ttl"] = opt_int(m.ttl);
  return o;
}

json::object entry_object(const Entry& e) {
  json::object o;
  o["id"] = str(e.id);
  text(o, "title", e.title);
  o["link"] = str(e.link);
  o["links"] = links(e.links);
  o["published"] = date(e.published);
  o["updated"] = date(e.updated);
  o["authors"] = persons(e.authors);
  o["contributors"] = persons(e.contributors);
  text(o, "summary", e.summary);
  text(o, "content", e.content);
  text(o, "rights", e.rights);
  o["categories"] = categories(e.categories);
  json::array enclosures;
  for (const auto& enc : e.enclosures) {
    enclosures.push_back(json::object{{"url", str(enc.url)}, {"type", str(enc.type)}, {"length", opt_int(enc.length)}});
  }
  o["enclosures"] = std::move(enclosures);
  o["comments"] = str(e.comments);
  o["language"] = str(e.language);
  o["image"] = image(e.image);
  o["source"] = e.source ? json::value(meta(*e.source, false)) : json::value(nullptr);
  return o;
}

// ---- reading back --------------------------------------------------------

std::string get_str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return std::string(it->value().get_string());
}

template <class T>
std::optional<T> get_int(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_int64()) return std::nullopt;
  return static_cast<T>(it->value().get_int64());
}

std::optional<Time> get_date(const json::object& o, std::string_view key) {
  auto s = get_str(o, key);
  if (s.empty()) return std::nullopt;
  return parse_date(s);
}

std::optional<Text> get_text(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  return Text{std::string(it->value().get_string()), get_str(o, std::string(key) + "_type")};
}

const json::array* get_array(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_array()) return nullptr;
  return &it->value().get_array();
}

template <class T, class F>
std::vector<T> read_array(const json::object& o, std::string_view key, F&& read) {
  std::vector<T> out;
  if (const json::array* a = get_array(o, key)) {
    for (const auto& v : *a) {
      if (v.is_object()) out.push_back(read(v.get_object()));
    }
  }
  return out;
}

Person read_person(const json::object& o) {
  return Person{get_str(o, "name"), get_str(o, "email"), get_str(o, "url")};
}

Link read_link(const json::object& o) {
  return Link{get_str(o, "rel"),   get_str(o, "href"),     get_str(o, "type"),
              get_str(o, "title"), get_str(o, "hreflang"), get_int<std::int64_t>(o, "length")};
}

Category read_category(const json::object& o) {
  return Category{get_str(o, "term"), get_str(o, "scheme"), get_str(o, "label")};
}

std::optional<Image> read_image(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_object()) return std::nullopt;
  const auto& i = it->value().get_object();
  return Image{get_str(i, "url"), get_str(i, "title"), get_str(i, "link"), get_int<int>(i, "width"),
               get_int<int>(i, "height")};
}

FeedMeta read_meta(const json::object& o) {
  FeedMeta m;
  m.title = get_text(o, "title");
  m.subtitle = get_text(o, "subtitle");
  m.rights = get_text(o, "rights");
  m.link = get_str(o, "link");
  m.links = read_array<Link>(o, "links", read_link);
  m.id = get_str(o, "id");
  m.language = get_str(o, "language");
  m.updated = get_date(o, "updated");
  m.published = get_date(o, "published");
  m.authors = read_array<Person>(o, "authors", read_person);
  m.contributors = read_array<Person>(o, "contributors", read_person);
  m.categories = read_array<Category>(o, "categories", read_category);
  m.image = read_image(o, "image");
  m.icon = get_str(o, "icon");
  m.ttl = get_int<int>(o, "ttl");
  return m;
}

}  // namespace

boost::json::object to_json(const Entry& entry) { return entry_object(entry); }

Entry entry_from_json(const boost::json::object& o) {
  Entry e;
  e.id = get_str(o, "id");
  e.title = get_text(o, "title");
  e.link = get_str(o, "link");
  e.links = read_array<Link>(o, "links", read_link);
  e.published = get_date(o, "published");
  e.updated = get_date(o, "updated");
  e.authors = read_array<Person>(o, "authors", read_person);
  e.contributors = read_array<Person>(o, "contributors", read_person);
  e.summary = get_text(o, "summary");
  e.content = get_text(o, "content");
  e.rights = get_text(o, "rights");
  e.categories = read_array<Category>(o, "categories", read_category);
  e.enclosures = read_array<Enclosure>(o, "enclosures", [](const json::object& x) {
    return Enclosure{get_str(x, "url"), get_str(x, "type"), get_int<std::int64_t>(x, "length")};
  });
  e.comments = get_str(o, "comments");
  e.language = get_str(o, "language");
  e.image = read_image(o, "image");
  if (auto it = o.find("source"); it != o.end() && it->value().is_object()) {
    e.source = read_meta(it->value().get_object());
  }
  return e;
}

boost::json::object to_json(const Feed& feed) {
  json::object o;
  o["format"] = format_name(feed.format);
  o["encoding"] = feed.encoding;
  o["bozo"] = feed.bozo;
  o["bozo_reason"] = str(feed.bozo_reason);
  o["feed"] = meta(feed.meta, true);
  json::array entries;
  entries.reserve(feed.entries.size());
  for (const auto& e : feed.entries) entries.push_back(entry_object(e));
  o["entries"] = std::move(entries);
  return o;
}


// ---- direct writer ------------------------------------------------------------

namespace {

// Index of the first byte at or after `i` that put_string must escape.
std::size_t next_escape(std::string_view s, std::size_t i) {
  return find_escapable(s, i, '"', '\\', '"', '"', /*controls=*/true);
}

// JSON string escaping as Boost.JSON's serializer does it: '"', '\\' and
// the control characters (\b \f \n \r \t short forms, others \u00XX).
void put_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t start = 0;
  for (std::size_t i = next_escape(s, 0); i < s.size(); i = next_escape(s, i + 1)) {
    auto c = static_cast<unsigned char>(s[i]);
    out.append(s, start, i - start);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    start = i + 1;
  }
  out.append(s, start, std::string_view::npos);
  out += '"';
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void key(std::string_view k) {
    if (!first_) out_ += ',';
    first_ = false;
    put_string(out_, k);
    out_ += ':';
  }
  void str(std::string_view k, const std::string& v) {
    key(k);
    if (v.empty()) {
      out_ += "null";
    } else {
      put_string(out_, v);
    }
  }
  template <class T>
  void opt_int(std::string_view k, const std::optional<T>& v) {
    key(k);
    out_ += v ? std::to_string(static_cast<std::int64_t>(*v)) : std::string("null");
  }
  void date(std::string_view k, const std::optional<Time>& t) {
    key(k);
    if (t) {
      put_string(out_, format_rfc3339(*t));
    } else {
      out_ += "null";
    }
  }
  void text(std::string_view k, const std::optional<Text>& t) {
    key(k);
    if (t) {
      put_string(out_, t->value);
    } else {
      out_ += "null";
    }
    key(std::string(k) + "_type");
    if (t) {
      put_string(out_, t->type);
    } else {
      out_ += "null";
    }
  }
  void open_object() {
    out_ += '{';
    first_ = true;
  }
  void close_object() {
    out_ += '}';
    first_ = false;
  }
  void open_array(std::string_view k) {
    key(k);
    out_ += '[';
    first_ = true;
  }
  void element() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void close_array() {
    out_ += ']';
    first_ = false;
  }
  void null(std::string_view k) {
    key(k);
    out_ += "null";
  }

  void persons(std::string_view k, const std::vector<Person>& v) {
    open_array(k);
    for (const auto& p : v) {
      element();
      open_object();
      str("name", p.name);
      str("email", p.email);
      str("url", p.url);
      close_object();
    }
    close_array();
  }
  void links(const std::vector<Link>& v) {
    open_array("links");
    for (const auto& l : v) {
      element();
      open_object();
      str("rel", l.rel);
      str("href", l.href);
      str("type", l.type);
      str("title", l.title);
      str("hreflang", l.hreflang);
      opt_int("length", l.length);
      close_object();
    }
    close_array();
  }
  void categories(const std::vector<Category>& v) {
    open_array("categories");
    for (const auto& c : v) {
      element();
      open_object();
      str("term", c.term);
      str("scheme", c.scheme);
      str("label", c.label);
      close_object();
    }
    close_array();
  }
  void image(const std::optional<Image>& img) {
    if (!img) return null("image");
    key("image");
    open_object();
    str("url", img->url);
    str("title", img->title);
    str("link", img->link);
    opt_int("width", img->width);
    opt_int("height", img->height);
    close_object();
  }
  void meta(const FeedMeta& m, bool with_ttl) {
    open_object();
    text("title", m.title);
    text("subtitle", m.subtitle);
    text("rights", m.rights);
    str("link", m.link);
    links(m.links);
    str("id", m.id);
    str("language", m.language);
    date("updated", m.updated);
    date("published", m.published);
    persons("authors", m.authors);
    persons("contributors", m.contributors);
    categories(m.categories);
    image(m.image);
    str("icon", m.icon);
    if (with_ttl) opt_int("ttl", m.ttl);
    close_object();
  }
  void entry(const Entry& e) {
    open_object();
    str("id", e.id);
    text("title", e.title);
    str("link", e.link);
    links(e.links);
    date("published", e.published);
    date("updated", e.updated);
    persons("authors", e.authors);
    persons("contributors", e.contributors);
    text("summary", e.summary);
    text("content", e.content);
    text("rights", e.rights);
    categories(e.categories);
    open_array("enclosures");
    for (const auto& enc : e.enclosures) {
      element();
      open_object();
      str("url", enc.url);
      str("type", enc.type);
      opt_int("length", enc.length);
      close_object();
    }
    close_array();
    str("comments", e.comments);
    str("language", e.language);
    image(e.image);
    if (e.source) {
      key("source");
      meta(*e.source, false);
    } else {
      null("source");
    }
    close_object();
  }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace

void append_json_string(std::string& out, std::string_view s) { put_string(out, s); }

void append_json(std::string& out, const Feed& feed) {
  Writer w(out);
  w.open_object();
  w.key("format");
  put_string(out, format_name(feed.format));
  w.key("encoding");
  put_string(out, feed.encoding);
  w.key("bozo");
  out += feed.bozo ? "true" : "false";
  w.str("bozo_reason", feed.bozo_reason);
  w.key("feed");
  w.meta(feed.meta, true);
  w.open_array("entries");
  for (const auto& e : feed.entries) {
    w.element();
    w.entry(e);
  }
  w.close_array();
  w.close_object();
}

}  // namespace tributary::feeds
