#include "feeds/writer.h"

#include "feeds/date.h"
#include "feeds/html/entities.h"

namespace tributary::feeds {
namespace {

class AtomWriter {
 public:
  std::string out;

  void element(std::string_view name, std::string_view value) {
    if (value.empty()) return;
    out += '<';
    out += name;
    out += '>';
    append_xml_escaped(out, value);
    out += "</";
    out += name;
    out += ">\n";
  }

  void date(std::string_view name, std::optional<Time> t) {
    if (t) element(name, format_rfc3339(*t));
  }

  void text(std::string_view name, const std::optional<Text>& t) {
    if (!t || t->value.empty()) return;
    out += '<';
    out += name;
    out += t->is_html() ? " type=\"html\">" : ">";
    append_xml_escaped(out, t->value);
    out += "</";
    out += name;
    out += ">\n";
  }

  void link(const Link& l) {
    if (l.href.empty()) return;
    out += "<link";
    attribute("rel", l.rel.empty() ? "alternate" : l.rel);
    attribute("href", l.href);
    attribute("type", l.type);
    attribute("title", l.title);
    attribute("hreflang", l.hreflang);
    if (l.length) attribute("length", std::to_string(*l.length));
    out += "/>\n";
  }

  void attribute(std::string_view name, std::string_view value) {
    if (value.empty()) return;
    out += ' ';
    out += name;
    out += "=\"";
    append_xml_escaped(out, value);
    out += '"';
  }

  void person(std::string_view name, const Person& p) {
    out += '<';
    out += name;
    out += '>';
    // atom:name is required; fall back to the address.
    element("name", p.name.empty() ? (p.email.empty() ? std::string_view("unknown") : p.email) : p.name);
    element("email", p.email);
    element("uri", p.url);
    out += "</";
    out += name;
    out += ">\n";
  }

  void category(const Category& c) {
    if (c.term.empty()) return;
    out += "<category";
    attribute("term", c.term);
    attribute("scheme", c.scheme);
    attribute("label", c.label);
    out += "/>\n";
  }

  void source(const FeedMeta& s) {
    out += "<source>\n";
    element("id", s.id);
    text("title", s.title);
    for (const auto& l : s.links) link(l);
    if (s.links.empty() && !s.link.empty()) link(Link{"alternate", s.link, "", "", "", {}});
    date("updated", s.updated);
    out += "</source>\n";
  }
};

}  // namespace

void append_xml_escaped(std::string& out, std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\t': case '\n': case '\r': out += static_cast<char>(c); break;
        default:
          if (c >= 0x20 && c != 0x7F) out += static_cast<char>(c);
      }
      ++p;
      continue;
    }
    int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    char32_t cp = 0;
    bool ok = n > 0 && end - p > n;
    if (ok) {
      cp = c & (0x3F >> n);
      for (int i = 1; i <= n && ok; ++i) {
        ok = (p[i] & 0xC0) == 0x80;
        cp = (cp << 6) | (p[i] & 0x3F);
      }
      ok = ok && !((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
                   cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF));
    }
    if (!ok) {
      html::append_utf8(out, 0xFFFD);
      ++p;
      continue;
    }
    // C1 controls and the non-characters U+FFFE/U+FFFF are not allowed.
    if (!(cp >= 0x80 && cp <= 0x9F) && cp != 0xFFFE && cp != 0xFFFF) {
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n + 1));
    }
    p += n + 1;
  }
}

std::string write_atom(const OutputFeed& feed) {
  AtomWriter w;
  w.out.reserve(4096 + feed.entries.size() * 4096);
  w.out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  w.element("id", feed.id);
  w.element("title", feed.title.empty() ? std::string_view("tributary") : feed.title);
  w.element("updated", format_rfc3339(feed.updated));
  w.out += "<author><name>tributary</name></author>\n";
  w.element("generator", "tributary");
  if (!feed.self_url.empty()) w.link(Link{"self", feed.self_url, "application/atom+xml", "", "", {}});
  if (!feed.alternate_url.empty()) w.link(Link{"alternate", feed.alternate_url, "text/html", "", "", {}});
  if (!feed.hub.empty()) w.link(Link{"hub", feed.hub, "", "", "", {}});
  for (const auto& oe : feed.entries) {
    const Entry& e = oe.entry;
    w.out += "<entry>\n";
    w.element("id", e.id);
    // atom:title is required and plain text here: titles never carry markup.
    std::string title = e.title ? e.title->value : std::string();
    w.out += "<title>";
    append_xml_escaped(w.out, title);
    w.out += "</title>\n";
    w.element("updated", format_rfc3339(e.updated.value_or(e.published.value_or(feed.updated))));
    w.date("published", e.published);
    // Only one alternate link per type and hreflang is allowed (RFC 4287 §4.1.1).
    if (!e.link.empty()) w.link(Link{"alternate", e.link, "text/html", "", "", {}});
    for (const auto& l : e.links) {
      if (l.rel != "alternate") w.link(l);
    }
    for (const auto& p : e.authors) w.person("author", p);
    for (const auto& p : e.contributors) w.person("contributor", p);
    for (const auto& c : e.categories) w.category(c);
    if (!oe.sources.empty()) w.source(oe.sources.front());
    w.text("summary", e.summary);
    w.text("content", e.content);
    w.out += "</entry>\n";
  }
  w.out += "</feed>\n";
  return std::move(w.out);
}

}  // namespace tributary::feeds
