#include "feeds/parse.h"

#include <algorithm>

#include <pugixml.hpp>

#include "feeds/date.h"
#include "feeds/decode.h"
#include "feeds/parse_context.h"
#include "feeds/url.h"
#include "feeds/xml.h"

namespace tributary::feeds {

const char* format_name(Format f) {
  switch (f) {
    case Format::unknown: return "";
    case Format::rss090: return "rss090";
    case Format::rss091n: return "rss091n";
    case Format::rss091u: return "rss091u";
    case Format::rss092: return "rss092";
    case Format::rss093: return "rss093";
    case Format::rss094: return "rss094";
    case Format::rss20: return "rss20";
    case Format::rss10: return "rss10";
    case Format::rss: return "rss";
    case Format::atom01: return "atom01";
    case Format::atom02: return "atom02";
    case Format::atom03: return "atom03";
    case Format::atom10: return "atom10";
    case Format::atom: return "atom";
    case Format::cdf: return "cdf";
    case Format::json1: return "json1";
    case Format::json11: return "json11";
  }
  return "";
}

namespace {

using detail::ParseContext;
using pugi::xml_node;

std::optional<Time> date_of(xml_node node) {
  return parse_date(xml::trim(xml::text(node)));
}

void set_once(std::optional<Time>& slot, xml_node node) {
  if (!slot) slot = date_of(node);
}

// ---- RSS 0.9x / 1.0 / 2.0 -------------------------------------------------

Link rss_link(const ParseContext& ctx, xml_node node) {
  Link l;
  l.rel = "alternate";
  l.type = "text/html";
  l.href = ctx.resolve(node, xml::text(node));
  return l;
}

// Fields common to RSS channels and items. Returns true when `child` was used.
template <class Target>
bool rss_common(const ParseContext& ctx, xml_node child, std::string_view name, Target& t) {
  if (name == "title" || name == "dc:title") {
    if (!t.title) t.title = ctx.text_construct(child, kTextPlain);
  } else if (name == "link") {
    Link l = rss_link(ctx, child);
    if (!l.href.empty()) {
      if (t.link.empty()) t.link = l.href;
      t.links.push_back(std::move(l));
    }
  } else if (name == "atom:link") {
    Link l;
    l.rel = child.attribute("rel").as_string("alternate");
    l.href = ctx.resolve(child, child.attribute("href").value());
    l.type = child.attribute("type").value();
    l.title = child.attribute("title").value();
    l.hreflang = child.attribute("hreflang").value();
    l.length = detail::to_int(child.attribute("length").value());
    if (l.rel == "alternate" && t.link.empty()) t.link = l.href;
    t.links.push_back(std::move(l));
  } else if (name == "author" || name == "dc:creator" || name == "dc:author" ||
             name == "itunes:author" || name == "managingEditor") {
    Person p = ParseContext::person_from_text(xml::text(child));
    if (!p.name.empty() || !p.email.empty()) t.authors.push_back(std::move(p));
  } else if (name == "dc:contributor") {
    t.contributors.push_back(ParseContext::person_from_text(xml::text(child)));
  } else if (name == "category" || name == "dc:subject") {
    Category c;
    c.term = xml::trim(xml::text(child));
    c.scheme = child.attribute("domain").value();
    if (!c.term.empty()) t.categories.push_back(std::move(c));
  } else if (name == "pubDate" || name == "dcterms:issued") {
    set_once(t.published, child);
  } else if (name == "dc:date" || name == "lastBuildDate" || name == "dcterms:modified" ||
             name == "atom:updated") {
    set_once(t.updated, child);
  } else if (name == "copyright" || name == "dc:rights") {
    if (!t.rights) t.rights = ctx.text_construct(child, kTextPlain);
  } else if (name == "language" || name == "dc:language") {
    if (t.language.empty()) t.language = xml::trim(xml::text(child));
  } else {
    return false;
  }
  return true;
}

Entry rss_item(const ParseContext& ctx, xml_node item) {
  Entry e;
  // Table of "which element wins" for content: the first present is used.
  static constexpr std::string_view kContent[] = {"content:encoded", "xhtml:body", "body",
                                                  "fullitem"};
  for (xml_node child : item.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (rss_common(ctx, child, name, e)) continue;
    if (name == "guid") {
      std::string id(xml::trim(xml::text(child)));
      if (e.id.empty()) e.id = id;
      std::string_view permalink = child.attribute("isPermaLink").value();
      if (permalink != "false" && e.link.empty() && !id.empty()) {
        std::string resolved = ctx.resolve(child, id);
        if (is_safe_url(resolved)) e.link = resolved;
      }
    } else if (name == "description" || name == "itunes:summary") {
      if (!e.summary) e.summary = ctx.text_construct(child, kTextHtml);
    } else if (std::find(std::begin(kContent), std::end(kContent), name) != std::end(kContent)) {
      if (!e.content) e.content = ctx.text_construct(child, kTextHtml);
    } else if (name == "enclosure") {
      Enclosure enc;
      enc.url = ctx.resolve(child, child.attribute("url").value());
      enc.type = child.attribute("type").value();
      enc.length = detail::to_int(child.attribute("length").value());
      if (!enc.url.empty()) {
        e.links.push_back(Link{"enclosure", enc.url, enc.type, "", "", enc.length});
        e.enclosures.push_back(std::move(enc));
      }
    } else if (name == "comments") {
      e.comments = ctx.resolve(child, xml::text(child));
    } else if (name == "source") {
      FeedMeta s;
      s.title = ctx.text_construct(child, kTextPlain);
      std::string url = child.attribute("url").value();
      if (!url.empty()) {
        s.link = ctx.resolve(child, url);
        s.links.push_back(Link{"alternate", s.link, "", "", "", std::nullopt});
      }
      e.source = std::move(s);
    }
  }
  if (e.id.empty()) {
    if (const char* about = item.attribute("rdf:about").value(); *about) e.id = about;
  }
  // The contract: with no summary, the first content doubles as the summary.
  if (!e.summary && e.content) e.summary = e.content;
  return e;
}

void rss_channel(const ParseContext& ctx, xml_node channel, Feed& feed) {
  for (xml_node child : channel.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (rss_common(ctx, child, name, feed.meta)) continue;
    if (name == "description" || name == "itunes:subtitle") {
      if (!feed.meta.subtitle) feed.meta.subtitle = ctx.text_construct(child, kTextHtml);
    } else if (name == "ttl") {
      if (auto v = detail::to_int(xml::text(child)); v && *v >= 0 && *v < 1'000'000) {
        feed.meta.ttl = static_cast<int>(*v);
        feed.hints.ttl_minutes = feed.meta.ttl;
      }
    } else if (name == "sy:updatePeriod") {
      feed.hints.sy_period = xml::trim(xml::text(child));
    } else if (name == "sy:updateFrequency") {
      if (auto v = detail::to_int(xml::text(child)); v && *v > 0 && *v < 100000) {
        feed.hints.sy_frequency = static_cast<int>(*v);
      }
    } else if (name == "image") {
      Image img;
      img.url = ctx.resolve(child, xml::text(child.child("url")));
      img.title = xml::trim(xml::text(child.child("title")));
      img.link = ctx.resolve(child, xml::text(child.child("link")));
      if (auto w = detail::to_int(xml::text(child.child("width")))) img.width = static_cast<int>(*w);
      if (auto h = detail::to_int(xml::text(child.child("height")))) img.height = static_cast<int>(*h);
      if (!feed.meta.image) feed.meta.image = std::move(img);
    } else if (name == "item") {
      feed.entries.push_back(rss_item(ctx, child));
    }
  }
}

Format rss_format(xml_node root, const xml::NamespaceInfo& ns) {
  std::string_view name = root.name();
  if (name == "rdf:RDF") {
    if (ns.rss10) return Format::rss10;
    if (ns.rss090) return Format::rss090;
    return Format::rss;
  }
  std::string_view version = xml::trim(root.attribute("version").value());
  if (version == "2.0" || version == "2") return Format::rss20;
  if (version == "0.91") return Format::rss091u;
  if (version == "0.92") return Format::rss092;
  if (version == "0.93") return Format::rss093;
  if (version == "0.94") return Format::rss094;
  return Format::rss;
}

void parse_rss(const ParseContext& ctx, xml_node root, Feed& feed) {
  if (xml_node channel = root.child("channel")) rss_channel(ctx, channel, feed);
  // RSS 0.90/1.0: items are siblings of the channel.
  for (xml_node item : root.children("item")) feed.entries.push_back(rss_item(ctx, item));
  if (xml_node image = root.child("image"); image && !feed.meta.image) {
    Image img;
    img.url = ctx.resolve(image, xml::text(image.child("url")));
    img.title = xml::trim(xml::text(image.child("title")));
    img.link = ctx.resolve(image, xml::text(image.child("link")));
    feed.meta.image = std::move(img);
  }
}

// ---- Atom 1.0 / 0.3 -------------------------------------------------------

Person atom_person(const ParseContext& ctx, xml_node node) {
  Person p;
  p.name = xml::trim(xml::text(node.child("atom:name")));
  p.email = xml::trim(xml::text(node.child("atom:email")));
  xml_node uri = node.child("atom:uri");
  if (!uri) uri = node.child("atom:url");
  if (uri) p.url = ctx.resolve(uri, xml::text(uri));
  return p;
}

template <class Target>
bool atom_common(const ParseContext& ctx, xml_node child, std::string_view name, Target& t) {
  if (name == "atom:title") {
    if (!t.title) t.title = ctx.text_construct(child, kTextPlain);
  } else if (name == "atom:link") {
    Link l;
    l.rel = child.attribute("rel").as_string("alternate");
    l.href = ctx.resolve(child, child.attribute("href").value());
    l.type = child.attribute("type").value();
    l.title = child.attribute("title").value();
    l.hreflang = child.attribute("hreflang").value();
    l.length = detail::to_int(child.attribute("length").value());
    if (l.rel == "alternate" && t.link.empty()) t.link = l.href;
    t.links.push_back(std::move(l));
  } else if (name == "atom:id") {
    if (t.id.empty()) t.id = xml::trim(xml::text(child));
  } else if (name == "atom:updated" || name == "atom:modified") {
    set_once(t.updated, child);
  } else if (name == "atom:published" || name == "atom:issued") {
    set_once(t.published, child);
  } else if (name == "atom:author") {
    t.authors.push_back(atom_person(ctx, child));
  } else if (name == "atom:contributor") {
    t.contributors.push_back(atom_person(ctx, child));
  } else if (name == "atom:category") {
    Category c;
    c.term = child.attribute("term").value();
    c.scheme = child.attribute("scheme").value();
    c.label = child.attribute("label").value();
    t.categories.push_back(std::move(c));
  } else if (name == "atom:rights" || name == "atom:copyright") {
    if (!t.rights) t.rights = ctx.text_construct(child, kTextPlain);
  } else {
    return false;
  }
  return true;
}

FeedMeta atom_source(const ParseContext& ctx, xml_node node) {
  FeedMeta s;
  for (xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (atom_common(ctx, child, name, s)) continue;
    if (name == "atom:subtitle" || name == "atom:tagline") {
      if (!s.subtitle) s.subtitle = ctx.text_construct(child, kTextPlain);
    } else if (name == "atom:icon") {
      s.icon = ctx.resolve(child, xml::text(child));
    } else if (name == "atom:logo") {
      s.image = Image{ctx.resolve(child, xml::text(child)), "", "", std::nullopt, std::nullopt};
    }
  }
  return s;
}

Entry atom_entry(const ParseContext& ctx, xml_node node) {
  Entry e;
  for (xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (atom_common(ctx, child, name, e)) continue;
    if (name == "atom:summary") {
      if (!e.summary) e.summary = ctx.text_construct(child, kTextPlain);
    } else if (name == "atom:content") {
      if (e.content) continue;
      if (const char* src = child.attribute("src").value(); *src) {
        e.links.push_back(Link{"alternate", ctx.resolve(child, src),
                               child.attribute("type").value(), "", "", std::nullopt});
        continue;
      }
      e.content = ctx.text_construct(child, kTextPlain);
    } else if (name == "atom:source") {
      e.source = atom_source(ctx, child);
    }
  }
  for (const Link& l : e.links) {
    if (l.rel == "enclosure") e.enclosures.push_back(Enclosure{l.href, l.type, l.length});
  }
  if (!e.summary && e.content &&
      (e.content->type == kTextPlain || e.content->type == kTextHtml ||
       e.content->type == kXhtml)) {
    e.summary = e.content;
  }
  return e;
}

void parse_atom(const ParseContext& ctx, xml_node root, Feed& feed) {
  feed.meta = atom_source(ctx, root);
  for (xml_node entry : root.children("atom:entry")) {
    feed.entries.push_back(atom_entry(ctx, entry));
  }
}

}  // namespace

Result<Feed> parse(std::string_view bytes, const Source& source) {
  Feed feed;
  Decoded decoded = decode_xml(bytes, source.content_type);
  feed.encoding = decoded.encoding;
  feed.bozo = decoded.bozo;
  feed.bozo_reason = decoded.bozo_reason;

  pugi::xml_document doc;
  // No DTD processing: pugixml never expands external or custom entities.
  constexpr unsigned kOptions = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol |
                                pugi::parse_wconv_attribute | pugi::parse_ws_pcdata;
  pugi::xml_parse_result r = doc.load_buffer(decoded.text.data(), decoded.text.size(), kOptions,
                                             pugi::encoding_utf8);
  if (!r) {
    feed.bozo = true;
    feed.bozo_reason = std::string("xml: ") + r.description() + " at offset " +
                       std::to_string(r.offset);
    if (!doc.document_element()) return fail(Errc::invalid_input, feed.bozo_reason);
  }
  xml::NamespaceInfo ns = xml::canonicalize_names(doc);
  if (ns.undeclared_prefix && !feed.bozo) {
    feed.bozo = true;
    feed.bozo_reason = "xml: undeclared namespace prefix";
  }

  std::string base = source.url;
  if (!source.content_location.empty()) {
    std::string loc = resolve_url(base, source.content_location);
    if (is_safe_url(loc)) base = std::move(loc);
  }
  ParseContext ctx(base);

  xml_node root = doc.document_element();
  std::string_view name = root.name();
  if (name == "rss" || name == "rdf:RDF") {
    feed.format = rss_format(root, ns);
    parse_rss(ctx, root, feed);
  } else if (name == "atom:feed") {
    feed.format = ns.atom10 ? Format::atom10 : ns.atom03 ? Format::atom03 : Format::atom;
    parse_atom(ctx, root, feed);
  } else {
    return fail(Errc::unsupported_format,
                "parse: not a feed (root element <" + std::string(name) + ">)");
  }
  if (feed.meta.language.empty()) {
    if (const char* lang = root.attribute("xml:lang").value(); *lang) {
      feed.meta.language = lang;
    } else {
      feed.meta.language = source.content_language;
    }
  }
  return feed;
}

}  // namespace tributary::feeds
