#include "feeds/parse.h"

#include <algorithm>

#include <pugixml.hpp>

#include "feeds/decode.h"
#include "feeds/parse_context.h"
#include "feeds/url.h"
#include "feeds/json_feed.h"
#include "feeds/recover.h"
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

// The document's base URI: Content-Location resolved against the URL it
// was fetched from, when that gives a safe absolute URI; else the URL.
std::string document_base(const Source& source) {
  if (!source.content_location.empty()) {
    std::string loc = resolve_url(source.url, xml::trim(source.content_location));
    if (is_safe_url(loc)) return loc;
  }
  return source.url;
}

// pugixml reads what the repaired text holds: CDATA as text, character
// references, line ends normalized (XML 1.0 §2.11), attribute whitespace
// normalized (§3.3.3), and whitespace-only text kept (it matters inside
// inline XHTML). It never expands DTD entities; DOCTYPEs, comments and
// processing instructions are skipped.
constexpr unsigned kPugiOptions = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol |
                                  pugi::parse_wconv_attribute | pugi::parse_ws_pcdata;

// Reads `text` strictly. Returns false, leaving `feed` as it was, when
// pugixml rejects the document (pugixml parses in place: `text` is then
// spoiled and must be rebuilt for the tolerant reader).
bool read_strict(std::string& text, std::span<const std::string_view> cdata, const Source& source,
                 const ParseOptions& options, bool netscape, Feed& feed) {
  pugi::xml_document doc;
  pugi::xml_parse_result r =
      doc.load_buffer_inplace(text.data(), text.size(), kPugiOptions, pugi::encoding_utf8);
  if (!r || !doc.document_element()) {
    feed.bozo = true;
    if (feed.bozo_reason.empty() || feed.bozo_reason.starts_with("decode:")) {
      feed.bozo_reason =
          std::string("xml: ") + r.description() + " at offset " + std::to_string(r.offset);
    }
    return false;
  }
  detail::ParseContext ctx(document_base(source), source.content_language, true);
  ctx.set_text_is_stable(true);  // `doc` outlives ctx.finish()
  ctx.set_text_is_valid_utf8(true);  // decode_xml's output, references checked by repair_xml
  ctx.set_max_entries(options.max_entries);
  xml::walk(doc, ctx, cdata);
  if (ctx.undeclared_prefix() && !feed.bozo) {
    feed.bozo = true;
    feed.bozo_reason = "xml: undeclared namespace prefix";
  }
  ctx.finish(feed);
  if (netscape && feed.format != Format::unknown) feed.format = Format::rss091n;
  return true;
}

void read_tolerant(std::string_view text, const Source& source, const ParseOptions& options, bool netscape,
                   Feed& feed) {
  detail::ParseContext ctx(document_base(source), source.content_language, true);
  ctx.set_max_entries(options.max_entries);
  recover::parse_tolerant(text, ctx);
  ctx.finish(feed);
  if (netscape && feed.format != Format::unknown) feed.format = Format::rss091n;
}

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

Feed parse_document(std::string_view bytes, const Source& source, const ParseOptions& options) {
  std::string_view unbommed = bytes.starts_with(kUtf8Bom) ? bytes.substr(3) : bytes;
  if (source.content_type.find("json") != std::string::npos ||
      detail::looks_like_json(unbommed)) {
    if (is_valid_utf8(unbommed)) {
      if (auto json = detail::parse_json_feed(unbommed, document_base(source))) {
        json->entries_dropped = detail::keep_newest(json->entries, options.max_entries, [](const Entry& e) {
          return e.published ? e.published : e.updated;
        });
        return std::move(*json);
      }
    }
  }

  Feed feed;
  // UTF-8 input is read where it is: the pre-pass copies it anyway when it
  // repairs something or moves CDATA out, else it is copied below.
  Decoded decoded = decode_xml(bytes, source.content_type, /*borrow=*/true);
  feed.encoding = decoded.encoding;
  feed.bozo = decoded.bozo;
  feed.bozo_reason = decoded.bozo_reason;

  // Long CDATA sections (feeds' HTML content) are moved out of the text
  // pugixml parses and handed to the walk as views of the decoded text (or
  // of `bytes`), which pugixml then never touches: no byte-by-byte scan of
  // content that has no markup.
  recover::Repaired repaired = recover::repair_xml(decoded.utf8(), /*extract_cdata=*/true);
  if (repaired.bozo) {
    feed.bozo = true;
    if (feed.bozo_reason.empty()) feed.bozo_reason = repaired.reason;
  }
  const bool bozo = feed.bozo;
  const std::string bozo_reason = feed.bozo_reason;
  if (!repaired.changed && decoded.borrowed) decoded.text.assign(decoded.borrowed_text);  // pugixml writes
  std::string& text = repaired.changed ? repaired.text : decoded.text;
  if (!read_strict(text, repaired.cdata, source, options, repaired.netscape_doctype, feed)) {
    // Rare: decode and repair again rather than copy every document. The
    // strict reading is repeated on the text without moved sections, so
    // that the error reported is the one at its offset in the document.
    Decoded again = decode_xml(bytes, source.content_type);
    recover::Repaired re = recover::repair_xml(again.text);
    if (!repaired.cdata.empty()) {
      feed.bozo = bozo;
      feed.bozo_reason = bozo_reason;
      if (read_strict(re.changed ? re.text : again.text, {}, source, options, re.netscape_doctype, feed)) {
        return feed;
      }
      again = decode_xml(bytes, source.content_type);
      re = recover::repair_xml(again.text);
    }
    read_tolerant(re.changed ? re.text : again.text, source, options, re.netscape_doctype, feed);
  }
  return feed;
}

Result<Feed> parse(std::string_view bytes, const Source& source, const ParseOptions& options) {
  Feed feed = parse_document(bytes, source, options);
  if (feed.format == Format::unknown && feed.entries.empty()) {
    return fail(Errc::unsupported_format, "parse: not a feed" +
                                              (feed.bozo_reason.empty() ? std::string()
                                                                        : " (" + feed.bozo_reason + ")"));
  }
  return feed;
}

}  // namespace tributary::feeds
