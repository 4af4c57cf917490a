// RSS 2.0 writer (https://www.rssboard.org/rss-specification), following the
// RSS Advisory Board's best practices profile where the spec is loose:
// titles are plain text HTML-escaped only where HTML needs it (an & that
// would start a reference, <), <author> only with an
// e-mail address (dc:creator otherwise), one <enclosure> per item,
// atom:link rel="self".

#include <algorithm>
#include <set>

#include "feeds/date.h"
#include "feeds/writer.h"
#include "feeds/xml_writer.h"

namespace tributary::feeds {
namespace {

// Whether feedparser reads `email` back whole from "email (Name)". Its
// pattern takes a top-level label of 2-4 letters or 1-3 digits and cuts a
// longer one: from "ed@news.example (Ed)" it reads the address
// "ed@news.exam" and the name "ple (Ed". Such addresses stay out of RSS.
bool reads_back_whole(std::string_view email) {
  const std::size_t at = email.find('@');
  const std::size_t dot = email.rfind('.');
  if (at == 0 || at == std::string_view::npos || dot == std::string_view::npos || dot < at + 2) return false;
  auto in = [](char c, std::string_view extra) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  };
  for (char c : email.substr(0, at)) {
    if (!in(c, "_-.+")) return false;
  }
  const std::string_view labels = email.substr(at + 1, dot - at);  // "news.", with the dot
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == '.' ? i == 0 || labels[i - 1] == '.' : !in(labels[i], "-")) return false;
  }
  const std::string_view top = email.substr(dot + 1);
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return (top.size() >= 2 && top.size() <= 4 && std::all_of(top.begin(), top.end(), letter)) ||
         (!top.empty() && top.size() <= 3 && std::all_of(top.begin(), top.end(), digit));
}

class RssWriter {
 public:
  explicit RssWriter(const OutputFeed& feed) : feed_(feed) {}

  std::string write() {
    x_.out.reserve(4096 + feed_.entries.size() * 4096);
    x_.out +=
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
        "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n";
    x_.open("channel");
    std::string_view title = feed_.title.empty() ? std::string_view("tributary") : feed_.title;
    x_.html_text_element("title", title);
    // <link> is required: the human-readable page, else the feed itself.
    auto link = writable_url(feed_.alternate_url);
    if (!link) link = writable_url(feed_.self_url);
    if (!link) link = writable_url(feed_.id);
    if (link) x_.element("link", *link);
    x_.html_text_element("description", feed_.subtitle.empty() ? title : feed_.subtitle);
    if (is_language_tag(feed_.language)) x_.element("language", feed_.language);
    x_.element("lastBuildDate", format_rfc822(feed_.updated));
    x_.element("generator", "tributary");
    x_.element("docs", "https://www.rssboard.org/rss-specification");
    if (feed_.ttl_minutes && *feed_.ttl_minutes > 0) {
      x_.element("ttl", std::to_string(*feed_.ttl_minutes));
    }
    atom_link(Link{"self", feed_.self_url, "application/rss+xml", "", "", {}});
    atom_link(Link{"hub", feed_.hub, "", "", "", {}});
    for (const auto& oe : feed_.entries) item(oe);
    x_.close("channel");
    x_.close("rss");
    return std::move(x_.out);
  }

 private:
  void item(const OutputEntry& oe) {
    const Entry& e = oe.entry;
    x_.open("item");
    std::string_view title = e.title ? std::string_view(e.title->value) : std::string_view();
    bool has_description = (e.summary && !e.summary->value.empty()) ||
                           (e.content && !e.content->value.empty());
    if (e.title && e.title->is_html()) {
      x_.element("title", title);
    } else if (!title.empty() || !has_description) {
      // An item needs a title or a description; say so rather than be empty.
      x_.html_text_element("title", title.empty() ? std::string_view("(untitled)") : title);
    }
    auto link = writable_url(e.link);
    if (link) x_.element("link", *link);
    if (!e.id.empty()) {
      x_.open_start("guid");
      x_.attribute("isPermaLink", "false");
      x_.end_start();
      append_xml_escaped(x_.out, e.id);
      x_.close("guid");
    }
    if (e.published) {
      x_.element("pubDate", format_rfc822(*e.published));
      if (e.updated && *e.updated != *e.published) {
        x_.element("atom:updated", format_rfc3339(*e.updated));
      }
    } else if (e.updated) {
      x_.element("pubDate", format_rfc822(*e.updated));
    }
    // RSS has one <author>, an e-mail address ("x@y (Name)"): the first
    // author with an address readers take back whole. Everyone else goes
    // in dc:creator by name.
    const Person* with_email = nullptr;
    for (const auto& p : e.authors) {
      if (reads_back_whole(p.email)) {
        with_email = &p;
        x_.element("author", p.name.empty() ? p.email : p.email + " (" + p.name + ")");
        break;
      }
    }
    for (const auto& p : e.authors) {
      if (&p == with_email) continue;
      x_.optional_element("dc:creator", p.name.empty() ? p.email : p.name);
    }
    for (const auto& c : e.categories) {
      if (c.term.empty()) continue;
      x_.open_start("category");
      x_.optional_attribute("domain", c.scheme);
      x_.end_start();
      append_xml_escaped(x_.out, c.term);
      x_.close("category");
    }
    if (e.summary && !e.summary->value.empty()) {
      text("description", *e.summary);
    } else if (e.content && !e.content->value.empty()) {
      text("description", *e.content);
    }
    if (e.content && !e.content->value.empty()) text("content:encoded", *e.content);
    if (auto comments = writable_url(e.comments)) x_.element("comments", *comments);

    // The first enclosure is RSS's own element (it must have a length and a
    // type); the rest are Atom enclosure links.
    bool first_enclosure = true;
    std::set<std::string> written;
    for (const auto& enc : e.enclosures) {
      auto url = writable_url(enc.url);
      if (!url || !written.insert(enc.url).second) continue;
      if (first_enclosure) {
        x_.open_start("enclosure");
        x_.attribute("url", *url);
        x_.attribute("length", std::to_string(enc.length && *enc.length > 0 ? *enc.length : 0));
        x_.attribute("type", is_media_type(enc.type) ? enc.type : "application/octet-stream");
        x_.end_empty();
        first_enclosure = false;
      } else {
        atom_link(Link{"enclosure", enc.url, enc.type, "", "", enc.length});
      }
    }
    for (const auto& l : e.links) {
      if (l.rel == "alternate" || l.rel.empty()) continue;  // <link> carries it
      if (l.rel == "enclosure" && written.contains(l.href)) continue;
      atom_link(l);
    }

    if (!oe.sources.empty()) {
      const FeedMeta& s = oe.sources.front();
      if (auto url = writable_url(s.id)) {
        x_.open_start("source");
        x_.attribute("url", *url);
        x_.end_start();
        if (s.title) append_xml_escaped(x_.out, s.title->value);
        x_.close("source");
      }
    }
    for (const auto& s : oe.sources) {
      atom_link(Link{"via", s.id, "", s.title ? s.title->value : std::string(), "", {}});
    }
    for (const auto& r : oe.related) atom_link(Link{"related", r.link, "text/html", r.title, "", {}});
    x_.close("item");
  }

  // RSS text elements are HTML: markup is written escaped once, plain text
  // is HTML-escaped first where HTML needs it.
  void text(std::string_view name, const Text& t) {
    if (t.is_html()) {
      x_.element(name, t.value);
    } else {
      x_.html_text_element(name, t.value);
    }
  }

  void atom_link(const Link& l) {
    auto href = writable_url(l.href);
    if (!href) return;
    x_.open_start("atom:link");
    x_.attribute("rel", l.rel.empty() ? "alternate" : l.rel);
    x_.attribute("href", *href);
    if (is_media_type(l.type)) x_.attribute("type", l.type);
    if (is_language_tag(l.hreflang)) x_.attribute("hreflang", l.hreflang);
    x_.optional_attribute("title", l.title);
    if (l.length && *l.length >= 0) x_.attribute("length", std::to_string(*l.length));
    x_.end_empty();
  }

  const OutputFeed& feed_;
  detail::XmlWriter x_;
};

}  // namespace

std::string write_rss(const OutputFeed& feed) { return RssWriter(feed).write(); }

}  // namespace tributary::feeds
