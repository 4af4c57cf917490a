// Atom 1.0 (RFC 4287) writer. What the grammar (Appendix B) does not say
// and the writer makes sure of:
//   §4.1.1  the feed has an author unless every entry has one;
//   §4.1.1  at most one rel="alternate" link per (type, hreflang);
//   §4.1.2  an entry without atom:content has a rel="alternate" link;
//   §4.2.6  atom:id is an absolute IRI;
//   §3.3    dates are RFC 3339 in UTC with upper-case T and Z.

#include <set>
#include <utility>

#include "feeds/date.h"
#include "feeds/url.h"
#include "feeds/writer.h"
#include "feeds/xml_writer.h"

namespace tributary::feeds {
namespace {

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// atom:id must be an absolute IRI; an id without a scheme (a bare GUID from
// RSS) is turned into a stable URN.
std::string atom_id(std::string_view id) {
  if (!url_scheme(id).empty() && id.find_first_of(" \t\r\n") == std::string_view::npos) {
    return std::string(id);
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::uint64_t h = fnv1a(id);
  std::string out = "urn:tributary:id:";
  for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(h >> shift) & 0xF];
  return out;
}

class AtomWriter {
 public:
  explicit AtomWriter(const OutputFeed& feed) : feed_(feed) {}

  std::string write() {
    x_.out.reserve(4096 + feed_.entries.size() * 4096);
    x_.out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    x_.open_start("feed");
    x_.attribute("xmlns", "http://www.w3.org/2005/Atom");
    if (is_language_tag(feed_.language)) x_.attribute("xml:lang", feed_.language);
    x_.end_start();
    x_.out += '\n';
    x_.element("id", atom_id(feed_.id.empty() ? feed_.self_url : feed_.id));
    x_.element("title", feed_.title.empty() ? std::string_view("tributary") : feed_.title);
    x_.optional_element("subtitle", feed_.subtitle);
    x_.element("updated", format_rfc3339(feed_.updated));
    // An empty feed names its author too (validators read §4.1.1 that way).
    bool every_entry_has_author = !feed_.entries.empty();
    for (const auto& oe : feed_.entries) {
      if (!has_author(oe)) every_entry_has_author = false;
    }
    if (!every_entry_has_author) person("author", Person{"tributary", "", ""});
    x_.open_start("generator");
    x_.attribute("uri", "https://github.com/tributary/tributary");
    x_.end_start();
    x_.out += "tributary";
    x_.close("generator");
    link(Link{"self", feed_.self_url, "application/atom+xml", "", "", {}});
    link(Link{"alternate", feed_.alternate_url, "text/html", "", "", {}});
    link(Link{"hub", feed_.hub, "", "", "", {}});
    for (const auto& oe : feed_.entries) entry(oe);
    x_.close("feed");
    return std::move(x_.out);
  }

 private:
  static bool has_author(const OutputEntry& oe) {
    for (const auto& p : oe.entry.authors) {
      if (!p.name.empty() || !p.email.empty()) return true;
    }
    return false;
  }

  void entry(const OutputEntry& oe) {
    const Entry& e = oe.entry;
    x_.open_start("entry");
    if (is_language_tag(e.language)) x_.attribute("xml:lang", e.language);
    x_.end_start();
    x_.out += '\n';
    x_.element("id", atom_id(e.id));
    // atom:title is required. Titles are plain text in the model; an HTML
    // title (should a source have kept one) stays HTML.
    text("title", e.title.value_or(Text{}), true);
    Time fallback = feed_.updated;
    x_.element("updated", format_rfc3339(e.updated.value_or(e.published.value_or(fallback))));
    if (e.published) x_.element("published", format_rfc3339(*e.published));

    alternates_.clear();
    bool wrote_link = false;
    bool link_listed = false;
    for (const auto& l : e.links) {
      if (l.href == e.link && (l.rel == "alternate" || l.rel.empty())) link_listed = true;
    }
    if (!e.link.empty() && !link_listed) wrote_link |= link(Link{"alternate", e.link, "", "", "", {}});
    std::set<std::string> enclosure_links;
    for (const auto& l : e.links) {
      if (link(l)) {
        wrote_link |= l.rel == "alternate" || l.rel.empty();
        if (l.rel == "enclosure") enclosure_links.insert(l.href);
      }
    }
    for (const auto& enc : e.enclosures) {
      if (enclosure_links.contains(enc.url)) continue;
      link(Link{"enclosure", enc.url, enc.type, "", "", enc.length});
    }
    for (const auto& s : oe.sources) {
      link(Link{"via", s.id, "", s.title ? s.title->value : std::string(), "", {}});
    }
    for (const auto& r : oe.related) link(Link{"related", r.link, "text/html", r.title, "", {}});

    for (const auto& p : e.authors) person("author", p);
    for (const auto& p : e.contributors) person("contributor", p);
    for (const auto& c : e.categories) category(c);
    if (e.rights) text("rights", *e.rights, false);
    if (!oe.sources.empty()) source(oe.sources.front());
    if (e.summary) text("summary", *e.summary, false);
    if (e.content && !e.content->value.empty()) {  // sanitizing may leave nothing
      text("content", *e.content, true);
    } else if (!wrote_link) {
      // §4.1.2: no content and no alternate link; the summary (or nothing)
      // stands in as the content.
      text("content", e.summary.value_or(Text{}), true);
    }
    x_.close("entry");
  }

  // Text constructs: plain text as type="text" (the default), HTML and
  // XHTML-turned-HTML as type="html" (escaped markup).
  void text(std::string_view name, const Text& t, bool even_empty) {
    if (t.value.empty() && !even_empty) return;
    x_.open_start(name);
    if (t.is_html()) x_.attribute("type", "html");
    x_.end_start();
    append_xml_escaped(x_.out, t.value);
    x_.close(name);
  }

  // Writes a link if its href is a writable URL; returns whether it did.
  bool link(const Link& l) {
    auto href = writable_url(l.href);
    if (!href) return false;
    std::string rel = l.rel.empty() ? "alternate" : l.rel;
    std::string type = is_media_type(l.type) ? l.type : std::string();
    std::string hreflang = is_language_tag(l.hreflang) ? l.hreflang : std::string();
    if (rel == "alternate" && !alternates_.emplace(type, hreflang).second) return false;
    x_.open_start("link");
    x_.attribute("rel", rel);
    x_.attribute("href", *href);
    x_.optional_attribute("type", type);
    x_.optional_attribute("hreflang", hreflang);
    x_.optional_attribute("title", l.title);
    if (l.length && *l.length >= 0) x_.attribute("length", std::to_string(*l.length));
    x_.end_empty();
    return true;
  }

  void person(std::string_view name, const Person& p) {
    if (p.name.empty() && p.email.empty()) return;
    x_.open(name);
    // atom:name is required; fall back to the address.
    x_.element("name", p.name.empty() ? p.email : p.name);
    if (p.email.find('@') != std::string::npos) x_.element("email", p.email);
    if (auto uri = writable_url(p.url)) x_.element("uri", *uri);
    x_.close(name);
  }

  void category(const Category& c) {
    if (c.term.empty()) return;
    x_.open_start("category");
    x_.attribute("term", c.term);
    x_.optional_attribute("scheme", c.scheme);
    x_.optional_attribute("label", c.label);
    x_.end_empty();
  }

  void source(const FeedMeta& s) {
    auto saved = std::move(alternates_);
    alternates_.clear();
    x_.open("source");
    if (!s.id.empty()) x_.element("id", atom_id(s.id));
    if (s.title) text("title", *s.title, false);
    bool listed = false;
    for (const auto& l : s.links) {
      if (l.href == s.link) listed = true;
    }
    if (!s.link.empty() && !listed) link(Link{"alternate", s.link, "", "", "", {}});
    for (const auto& l : s.links) link(l);
    if (s.updated) x_.element("updated", format_rfc3339(*s.updated));
    x_.close("source");
    alternates_ = std::move(saved);
  }

  const OutputFeed& feed_;
  detail::XmlWriter x_;
  std::set<std::pair<std::string, std::string>> alternates_;  // (type, hreflang) of this entry
};

}  // namespace

std::string write_atom(const OutputFeed& feed) { return AtomWriter(feed).write(); }

}  // namespace tributary::feeds
