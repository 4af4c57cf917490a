#include "feeds/parse_context.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <unordered_map>

#include "feeds/date.h"
#include "feeds/html/entities.h"
#include "feeds/html/sanitize.h"
#include "feeds/html/sanitize_tables.h"
#include "feeds/html/tokenizer.h"
#include "feeds/url.h"

namespace tributary::feeds::detail {

using namespace std::string_view_literals;

// The content types of feeds/model.h as string_views: this file compares
// them with std::strings on every element, which for a const char* means a
// strlen each time.
constexpr std::string_view kTextPlain = feeds::kTextPlain;
constexpr std::string_view kTextHtml = feeds::kTextHtml;
constexpr std::string_view kXhtml = feeds::kXhtml;

namespace {

// ---- namespaces -------------------------------------------------------------

// Canonical prefixes by namespace URI (compared case-insensitively). Atom
// and every RSS namespace map to no prefix: their elements share one table.
struct KnownNamespace {
  std::string_view uri;
  std::string_view prefix;
};

constexpr KnownNamespace kNamespaces[] = {
    {"http://backend.userland.com/rss", ""},
    {"http://blogs.law.harvard.edu/tech/rss", ""},
    {"http://purl.org/rss/1.0/", ""},
    {"http://my.netscape.com/rdf/simple/0.9/", ""},
    {"http://example.com/newformat#", ""},
    {"http://example.com/necho", ""},
    {"http://purl.org/echo/", ""},
    {"uri/of/echo/namespace#", ""},
    {"http://purl.org/pie/", ""},
    {"http://purl.org/atom/ns#", ""},
    {"http://www.w3.org/2005/atom", ""},
    {"http://purl.org/rss/1.0/modules/rss091#", ""},
    {"http://webns.net/mvcb/", "admin"},
    {"http://purl.org/rss/1.0/modules/aggregation/", "ag"},
    {"http://purl.org/rss/1.0/modules/annotate/", "annotate"},
    {"http://media.tangent.org/rss/1.0/", "audio"},
    {"http://backend.userland.com/blogchannelmodule", "blogchannel"},
    {"http://creativecommons.org/ns#license", "cc"},
    {"http://web.resource.org/cc/", "cc"},
    {"http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html", "creativecommons"},
    {"http://backend.userland.com/creativecommonsrssmodule", "creativecommons"},
    {"http://purl.org/rss/1.0/modules/company", "co"},
    {"http://purl.org/rss/1.0/modules/content/", "content"},
    {"http://my.theinfo.org/changed/1.0/rss/", "cp"},
    {"http://purl.org/dc/elements/1.1/", "dc"},
    {"http://purl.org/dc/terms/", "dcterms"},
    {"http://purl.org/rss/1.0/modules/email/", "email"},
    {"http://purl.org/rss/1.0/modules/event/", "ev"},
    {"http://rssnamespace.org/feedburner/ext/1.0", "feedburner"},
    {"http://freshmeat.net/rss/fm/", "fm"},
    {"http://xmlns.com/foaf/0.1/", "foaf"},
    {"http://www.w3.org/2003/01/geo/wgs84_pos#", "geo"},
    {"http://www.georss.org/georss", "georss"},
    {"http://www.opengis.net/gml", "gml"},
    {"http://postneo.com/icbm/", "icbm"},
    {"http://purl.org/rss/1.0/modules/image/", "image"},
    {"http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes"},
    {"http://example.com/dtds/podcast-1.0.dtd", "itunes"},
    {"http://purl.org/rss/1.0/modules/link/", "l"},
    {"http://search.yahoo.com/mrss", "media"},
    {"http://search.yahoo.com/mrss/", "media"},
    {"http://madskills.com/public/xml/rss/module/pingback/", "pingback"},
    {"http://prismstandard.org/namespaces/1.2/basic/", "prism"},
    {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"},
    {"http://www.w3.org/2000/01/rdf-schema#", "rdfs"},
    {"http://purl.org/rss/1.0/modules/reference/", "ref"},
    {"http://purl.org/rss/1.0/modules/richequiv/", "reqv"},
    {"http://purl.org/rss/1.0/modules/search/", "search"},
    {"http://purl.org/rss/1.0/modules/slash/", "slash"},
    {"http://schemas.xmlsoap.org/soap/envelope/", "soap"},
    {"http://purl.org/rss/1.0/modules/servicestatus/", "ss"},
    {"http://hacks.benhammersley.com/rss/streaming/", "str"},
    {"http://purl.org/rss/1.0/modules/subscription/", "sub"},
    {"http://purl.org/rss/1.0/modules/syndication/", "sy"},
    {"http://schemas.pocketsoap.com/rss/mydescmodule/", "szf"},
    {"http://purl.org/rss/1.0/modules/taxonomy/", "taxo"},
    {"http://purl.org/rss/1.0/modules/threading/", "thr"},
    {"http://purl.org/rss/1.0/modules/textinput/", "ti"},
    {"http://madskills.com/public/xml/rss/module/trackback/", "trackback"},
    {"http://wellformedweb.org/commentapi/", "wfw"},
    {"http://purl.org/rss/1.0/modules/wiki/", "wiki"},
    {"http://www.w3.org/1999/xhtml", "xhtml"},
    {"http://www.w3.org/1999/xlink", "xlink"},
    {"http://www.w3.org/xml/1998/namespace", "xml"},
    {"http://podlove.org/simple-chapters", "psc"},
};

constexpr std::string_view kSvgNs = "http://www.w3.org/2000/svg";
constexpr std::string_view kMathNs = "http://www.w3.org/1998/Math/MathML";
constexpr std::string_view kXlinkNs = "http://www.w3.org/1999/xlink";

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

void append_lower(std::string& out, std::string_view s) {
  const std::size_t at = out.size();
  out.append(s);  // in one piece, then lower-cased in place
  for (std::size_t i = at; i < out.size(); ++i) {
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] + 32);
  }
}

std::string lower(std::string_view s) {
  std::string out;
  append_lower(out, s);
  return out;
}

// ---- element table ------------------------------------------------------------

enum class El : std::uint8_t {
  unknown, noop, rss, channel, feed, image, textinput, author, contributor, name, width, height,
  url, email, subtitle, rights, item, language, webmaster, published, updated, created, category,
  itunes_category, media_category, link, guid, title, media_title, description, abstract, info,
  generator, summary, enclosure, source, content, body, content_encoded, newlocation, tags,
  itunes_owner, itunes_keywords, media_keywords, itunes_image, dc_contributor, cc_license,
  creativecommons_license,
};

// "Which element means what", by canonical name: one row per spelling.
const std::unordered_map<std::string_view, El>& element_table() {
  static const std::unordered_map<std::string_view, El> table = {
      {"rss", El::rss},
      {"channel", El::channel},
      {"feed", El::feed},
      {"image", El::image},
      {"textinput", El::textinput},
      {"author", El::author},
      {"managingeditor", El::author},
      {"dc:author", El::author},
      {"dc:creator", El::author},
      {"itunes:author", El::author},
      {"contributor", El::contributor},
      {"name", El::name},
      {"itunes:name", El::name},
      {"width", El::width},
      {"height", El::height},
      {"url", El::url},
      {"homepage", El::url},
      {"uri", El::url},
      {"email", El::email},
      {"itunes:email", El::email},
      {"subtitle", El::subtitle},
      {"tagline", El::subtitle},
      {"itunes:subtitle", El::subtitle},
      {"rights", El::rights},
      {"copyright", El::rights},
      {"dc:rights", El::rights},
      {"item", El::item},
      {"entry", El::item},
      {"language", El::language},
      {"dc:language", El::language},
      {"webmaster", El::webmaster},
      {"dc:publisher", El::webmaster},
      {"published", El::published},
      {"issued", El::published},
      {"pubdate", El::published},
      {"dcterms:issued", El::published},
      {"updated", El::updated},
      {"modified", El::updated},
      {"lastbuilddate", El::updated},
      {"dc:date", El::updated},
      {"dcterms:modified", El::updated},
      {"created", El::created},
      {"dcterms:created", El::created},
      {"expirationdate", El::created},
      {"category", El::category},
      {"keywords", El::category},
      {"dc:subject", El::category},
      {"itunes:category", El::itunes_category},
      {"media:category", El::media_category},
      {"link", El::link},
      {"guid", El::guid},
      {"id", El::guid},
      {"title", El::title},
      {"dc:title", El::title},
      {"media:title", El::media_title},
      {"description", El::description},
      {"dc:description", El::description},
      {"media:description", El::description},
      {"abstract", El::abstract},
      {"info", El::info},
      {"feedburner:browserfriendly", El::info},
      {"generator", El::generator},
      {"summary", El::summary},
      {"itunes:summary", El::summary},
      {"enclosure", El::enclosure},
      {"source", El::source},
      {"content", El::content},
      {"body", El::body},
      {"xhtml:body", El::body},
      {"content:encoded", El::content_encoded},
      {"fullitem", El::content_encoded},
      {"newlocation", El::newlocation},
      {"tags", El::tags},
      {"itunes:owner", El::itunes_owner},
      {"itunes:keywords", El::itunes_keywords},
      {"media:keywords", El::media_keywords},
      {"itunes:image", El::itunes_image},
      {"itunes:link", El::itunes_image},
      {"dc:contributor", El::dc_contributor},
      {"cc:license", El::cc_license},
      {"creativecommons:license", El::creativecommons_license},
      {"media:group", El::noop},
  };
  return table;
}

// What a popped value is stored as (feedparser's element keys).
enum class Key : std::uint8_t {
  other, title, subtitle, rights, summary, description, content, link, id, language, comments,
  icon, logo, ttl, author, href, sy_period, sy_frequency, category, tags, itunes_keywords,
};

Key key_of(std::string_view k) {
  // A short list: comparing lengths first, a scan beats hashing the key.
  static constexpr std::pair<std::string_view, Key> keys[] = {
      {"title", Key::title},       {"subtitle", Key::subtitle},
      {"rights", Key::rights},     {"summary", Key::summary},
      {"description", Key::description},
      {"content", Key::content},   {"link", Key::link},
      {"id", Key::id},             {"language", Key::language},
      {"comments", Key::comments}, {"icon", Key::icon},
      {"logo", Key::logo},         {"ttl", Key::ttl},
      {"author", Key::author},     {"href", Key::href},
      {"sy_updateperiod", Key::sy_period},
      {"sy_updatefrequency", Key::sy_frequency},
      {"category", Key::category}, {"tags", Key::tags},
      {"itunes_keywords", Key::itunes_keywords},
  };
  for (const auto& [name, key] : keys) {
    if (name == k) return key;
  }
  return Key::other;
}

// Keys whose values are URIs to resolve (feedparser's can_be_relative_uri).
bool can_be_relative_uri(std::string_view k) {
  return k == "comments" || k == "docs" || k == "href" || k == "icon" || k == "id" ||
         k == "link" || k == "logo" || k == "url" || k == "wfw_comment" || k == "wfw_commentrss";
}

// Keys whose values may carry markup to sanitize.
bool can_contain_markup(std::string_view k) {
  return k == "content" || k == "copyright" || k == "description" || k == "info" ||
         k == "rights" || k == "subtitle" || k == "summary" || k == "tagline" || k == "title";
}

bool is_void_element(std::string_view name) {
  static constexpr std::string_view kVoid[] = {"area", "base",  "br",    "col",   "embed",
                                               "hr",   "img",   "input", "link",  "meta",
                                               "param", "source", "track", "wbr", "basefont",
                                               "bgsound", "frame", "keygen"};
  for (auto v : kVoid) {
    if (iequals(v, name)) return true;
  }
  return false;
}

std::string map_content_type(std::string_view type) {
  std::string t = lower(type);
  if (t == "text" || t == "plain") return std::string(kTextPlain);
  if (t == "html") return std::string(kTextHtml);
  if (t == "xhtml") return std::string(kXhtml);
  return t;
}

bool is_html_type(std::string_view t) { return t == kTextHtml || t == kXhtml; }

// ---- text repairs applied to every value (as feedparser does) -----------------

// RFC 4648 base64, skipping characters outside the alphabet like Python's
// binascii.a2b_base64. Returns false when the input is not base64.
bool decode_base64(std::string_view in, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  out.clear();
  std::uint32_t acc = 0;
  int bits = 0;
  int count = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = value(c);
    if (v < 0) {
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
      return false;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    ++count;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return count % 4 != 1;
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0 || end - p <= n) return false;
    char32_t cp = c & (0x3F >> n);
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

// Text that was UTF-8, read as ISO-8859-1 and encoded to UTF-8 again
// ("cafÃ©"): when every character is below U+0100 and their bytes form
// valid UTF-8 with multi-byte sequences, those bytes are the real text.
void repair_double_utf8(std::string& s) {
  // First a pass that rebuilds nothing. Each character U+0080..U+00BF (C2 xx)
  // stands for a UTF-8 continuation byte, which must follow another such
  // byte; each U+00C0..U+00FF (C3 xx) for a lead byte, which a continuation
  // byte must follow. A text with a lone "é" or no-break space stops here.
  bool high = false;
  bool after_pair = false;     // the previous character was one of them
  bool need_continue = false;  // ... and stood for a lead byte
  for (std::size_t i = 0; i < s.size(); ++i) {
    while (i + 8 <= s.size()) {  // skip ASCII a word at a time
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ull) break;
      if (need_continue) return;
      after_pair = false;
      i += 8;
    }
    if (i >= s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (need_continue) return;
      after_pair = false;
      continue;
    }
    if (c != 0xC2 && c != 0xC3) return;  // a character above U+00FF
    if (c == 0xC2 ? !after_pair : need_continue) return;
    need_continue = c == 0xC3;
    after_pair = true;
    high = true;
    ++i;
  }
  if (!high || need_continue) return;
  std::string bytes;
  bytes.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      bytes += static_cast<char>(c);
    } else {
      auto next = static_cast<unsigned char>(s[i + 1]);
      bytes += static_cast<char>(((c & 0x1F) << 6) | (next & 0x3F));
      ++i;
    }
  }
  if (valid_utf8(bytes)) s = std::move(bytes);
}

// U+0080..U+009F are windows-1252 characters mislabeled as ISO-8859-1:
// map them to what they meant (feedparser's _cp1252 table).
void repair_c1(std::string& s) {
  static constexpr char32_t kCp1252[32] = {
      0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
  std::size_t p = s.find('\xC2');
  if (p == std::string::npos) return;
  std::string out;
  std::size_t start = 0;
  for (; p != std::string::npos && p + 1 < s.size(); p = s.find('\xC2', p + 1)) {
    auto next = static_cast<unsigned char>(s[p + 1]);
    if (next < 0x80 || next > 0x9F) continue;
    char32_t cp = kCp1252[next - 0x80];
    if (cp == next) continue;
    out.append(s, start, p - start);
    html::append_utf8(out, cp);
    start = p + 2;
  }
  if (start == 0) return;
  out.append(s, start, std::string::npos);
  s = std::move(out);
}

// ---- the model being built ------------------------------------------------------

struct LinkData {
  bool has_href = false;  // an href attribute was given (even empty)
  std::string rel;
  std::string href;
  std::string type;
  std::string title;
  std::string hreflang;
  std::optional<std::int64_t> length;
};

struct ImageData {
  std::string href;
  std::string title;
  std::string link;
  std::optional<int> width;
  std::optional<int> height;
};

// Field slots of an entry whose first value is kept unless a later one is
// at the same depth or shallower (feedparser's property_depth_map).
enum Slot { kSlotTitle, kSlotSummary, kSlotRights, kSlotLink, kSlotId, kSlotLanguage,
            kSlotComments, kSlotAuthor, kSlotOther, kSlotCount };

struct Record {
  std::optional<Text> title, subtitle, rights, summary;
  std::vector<Text> content;
  bool has_link = false;
  bool link_is_guid = false;  // the link so far is a permalink guid
  std::string link;
  std::vector<LinkData> links;
  std::optional<std::string> id, language, comments, icon, logo, author_text;
  std::optional<std::string> ttl, sy_period, sy_frequency;
  std::optional<Time> updated, published;
  std::vector<Person> authors, contributors;
  std::vector<Category> tags;
  std::optional<ImageData> image;
  std::unique_ptr<Record> source;
  std::array<int, kSlotCount> depth{};  // 0 = unset
};

enum class Ctx { feed, entry, source, image, textinput };

// An element being read. Its text is usually one piece (one text node or
// CDATA section) that the DOM keeps alive: then `view` refers to it and
// nothing is copied until the value is stored.
struct StackItem {
  std::string key;
  bool expecting_text = true;
  bool has_view = false;
  std::string_view view;
  std::string text;

  std::string& materialize() {
    if (has_view) {
      text.assign(view);
      has_view = false;
    }
    return text;
  }
  void append(std::string_view piece, bool stable) {
    if (stable && !has_view && text.empty()) {
      view = piece;
      has_view = true;
    } else {
      materialize().append(piece);
    }
  }
};

void trim_in_place(std::string& s) {
  std::string_view t = xml::trim(s);
  if (t.size() == s.size()) return;
  if (t.empty()) {
    s.clear();
    return;
  }
  std::size_t lead = static_cast<std::size_t>(t.data() - s.data());
  s.resize(lead + t.size());
  s.erase(0, lead);
}

// Per open element: what to undo when it closes.
struct OpenElement {
  std::size_t ns_mark;
  std::uint32_t base;
  std::uint32_t lang;
  bool inline_markup = false;  // serialized into the content being read
  bool void_markup = false;    // serialized as <x />: no end tag
  bool skipped_div = false;    // the wrapper <div> of escaped content (typepad)
  El el = El::unknown;
  std::uint32_t pushed_at = UINT32_MAX;  // stack slot an unknown element pushed
};

struct AttrSlot {
  std::string name;  // canonical
  std::string value;
};

struct Binding {
  std::string prefix;
  std::string canonical;  // canonical prefix
  std::string uri;
};

void set_text(std::optional<Text>& slot, std::string&& value, std::string_view type) {
  if (!slot) slot.emplace();
  slot->value = std::move(value);
  slot->type.assign(type);
}

// Email address inside an author string, as feedparser's regular
// expression finds it: local@label.label.tld, optionally followed by
// "?subject=...". Unlike that expression, the top-level label must end the
// domain: "zoe@news.example" is not cut to "zoe@news.exam". The top-level
// label is letters (at least 2) or 1-3 digits; a trailing dot or label that
// doesn't qualify is left out, as the expression's backtracking would.
std::string_view find_email(std::string_view s) {
  auto local_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == '+';
  };
  auto label_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  };
  auto top_label = [](std::string_view t) {
    auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    return (t.size() >= 2 && std::all_of(t.begin(), t.end(), letter)) ||
           (!t.empty() && t.size() <= 3 && std::all_of(t.begin(), t.end(), digit));
  };
  for (std::size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    std::size_t b = at;
    while (b > 0 && local_char(s[b - 1])) --b;
    if (b == at) continue;
    // The domain: labels separated by single dots, as far as they go.
    std::size_t end = at + 1;
    while (end < s.size() && label_char(s[end])) {
      while (end < s.size() && label_char(s[end])) ++end;
      if (end + 1 < s.size() && s[end] == '.' && label_char(s[end + 1])) ++end;
    }
    // The longest part of it whose last label qualifies.
    std::string_view domain = s.substr(at + 1, end - at - 1);
    std::size_t q = std::string_view::npos;
    for (std::size_t dot = domain.rfind('.'); dot != std::string_view::npos && dot > 0;
         dot = domain.rfind('.', dot - 1)) {
      std::size_t label_end = domain.find('.', dot + 1);
      if (label_end == std::string_view::npos) label_end = domain.size();
      if (top_label(domain.substr(dot + 1, label_end - dot - 1))) {
        q = at + 1 + label_end;
        break;
      }
    }
    if (q == std::string_view::npos) continue;
    if (s.substr(q).starts_with("?subject=")) {
      std::size_t e = q + 9;
      while (e < s.size() && s[e] != ' ' && s[e] != '\t' && s[e] != '\n' && s[e] != '\r') ++e;
      if (e > q + 9) q = e;
    }
    return s.substr(b, q - b);
  }
  return {};
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
}

// RSS <link>: "?a=1&b=2" is often written with "&b;" by careless escaping.
std::string fix_link_ampersands(std::string s) {
  replace_all(s, "&amp;", "&");
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      std::size_t j = i + 1;
      while (j < s.size() && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
                              (s[j] >= '0' && s[j] <= '9') || s[j] == '_')) {
        ++j;
      }
      if (j > i + 1 && j < s.size() && s[j] == ';') {
        out.append(s, i, j - i);
        i = j;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

// ---- the state machine -----------------------------------------------------

struct ParseContext::State {
  // Document.
  bool utf8 = true;
  bool stable_text = false;
  bool valid_utf8_text = false;  // set_text_is_valid_utf8
  std::string version;  // feedparser's version string while reading
  bool undeclared = false;
  bool cdf_root = false;
  bool root_seen = false;

  // Output.
  Record feed;
  std::vector<Record> entries;
  std::size_t max_entries = 0;      // 0 = all
  std::size_t entries_dropped = 0;  // by max_entries
  Record sourcedata;
  Record sink;  // textinput and other discarded contexts

  // feedparser's flags.
  int depth = 0;
  bool infeed = false, inentry = false, inimage = false, intextinput = false, inauthor = false,
       incontributor = false, inpublisher = false, insource = false;
  int incontent = 0;
  int svg_ok = 0;
  int title_depth = -1;
  bool has_content = false;
  bool guid_is_link = false;
  std::string summary_key;  // "" | "summary" | "content"
  std::string content_type;  // contentparams['type'] ("" when none)
  std::string last_type;     // content_type when the last value was popped
  bool content_base64 = false;

  std::vector<StackItem> stack;  // feedparser's elementstack
  std::vector<OpenElement> open;
  std::vector<Binding> bindings;
  std::vector<std::string> bases;  // distinct bases; open elements index them
  std::uint32_t base = 0;
  std::vector<std::string> langs;  // langs[0] = "" means none
  std::uint32_t lang = 0;

  // Scratch.
  std::string name_buf;
  std::vector<AttrSlot> attr_slots;  // reused: their strings keep their capacity
  std::size_t attr_count = 0;
  std::string markup;

  // ---- names ----

  const Binding* lookup(std::string_view prefix) const {
    for (auto it = bindings.rbegin(); it != bindings.rend(); ++it) {
      if (it->prefix == prefix) return &*it;
    }
    return nullptr;
  }

  std::string canonical_prefix(std::string_view uri, std::string_view declared) {
    std::string_view u = uri;
    std::string lowered;
    if (lower(uri).find("backend.userland.com/rss") != std::string::npos) return "";
    for (const auto& k : kNamespaces) {
      if (iequals(k.uri, u)) return std::string(k.prefix);
    }
    return lower(declared);
  }

  void track_namespace(std::string_view prefix, std::string_view uri) {
    if (uri.empty()) return;
    if (version.empty()) {
      if (prefix.empty() && iequals(uri, "http://my.netscape.com/rdf/simple/0.9/")) {
        version = "rss090";
      } else if (iequals(uri, "http://purl.org/rss/1.0/")) {
        version = "rss10";
      } else if (iequals(uri, "http://www.w3.org/2005/Atom")) {
        version = "atom10";
      }
    }
    bindings.push_back({std::string(prefix), canonical_prefix(uri, prefix), std::string(uri)});
  }

  // Canonical "prefix:local" (lower case) of a qualified name into `out`.
  // Returns the URI of its namespace ("" if none).
  std::string_view canonical(std::string_view qname, std::string& out, bool attribute) {
    out.clear();
    auto colon = qname.find(':');
    std::string_view prefix = colon == std::string_view::npos ? "" : qname.substr(0, colon);
    std::string_view local = colon == std::string_view::npos ? qname : qname.substr(colon + 1);
    if (prefix == "xml") {
      out = "xml:";
      append_lower(out, local);
      return "http://www.w3.org/XML/1998/namespace";
    }
    if (attribute && prefix.empty()) {
      append_lower(out, local);
      return {};
    }
    const Binding* b = lookup(prefix);
    if (!b) {
      if (!prefix.empty()) {
        undeclared = true;
        append_lower(out, prefix);
        out += ':';
      }
      append_lower(out, local);
      return {};
    }
    if (!b->canonical.empty()) {
      out += b->canonical;
      out += ':';
    }
    append_lower(out, local);
    return b->uri;
  }

  // ---- contexts ----

  Ctx context() const {
    if (insource) return Ctx::source;
    if (inimage && feed.image) return Ctx::image;
    if (intextinput) return Ctx::textinput;
    if (inentry && !entries.empty()) return Ctx::entry;
    return Ctx::feed;
  }

  Record& record(Ctx c) {
    switch (c) {
      case Ctx::feed: return feed;
      case Ctx::entry: return entries.back();
      case Ctx::source: return sourcedata;
      default: return sink;
    }
  }

  Record& context_record() { return record(context()); }

  // Keeps the newest max_entries entries (ParseOptions::max_entries).
  void drop_old_entries() {
    entries_dropped += keep_newest(entries, max_entries, [](const Record& r) {
      return r.published ? r.published : r.updated;
    });
  }

  const std::string& base_uri() const { return bases[base]; }

  std::string resolve(std::string_view ref) const { return resolve_url(base_uri(), ref); }

  const std::string* attr(std::string_view name) const {
    for (std::size_t i = 0; i < attr_count; ++i) {
      if (attr_slots[i].name == name) return &attr_slots[i].value;
    }
    return nullptr;
  }

  std::string attr_or(std::string_view name, std::string_view fallback) const {
    const std::string* v = attr(name);
    return v ? *v : std::string(fallback);
  }

  // ---- feedparser's push/pop ----

  void push(std::string_view key, bool expecting_text) {
    StackItem& item = stack.emplace_back();
    item.key.assign(key);
    item.expecting_text = expecting_text;
  }

  void push_content(std::string_view key, std::string_view default_type, bool expecting_text) {
    ++incontent;
    const std::string* t = attr("type");
    content_type = map_content_type(t ? std::string_view(*t) : default_type);
    const std::string* mode = attr("mode");
    const std::string_view type = content_type;  // string_view compares: no strlen per call
    if (mode && std::string_view(*mode) == "base64") {
      content_base64 = true;
    } else if (type.starts_with("text/"sv) || type.ends_with("+xml"sv) || type.ends_with("/xml"sv)) {
      content_base64 = false;
    } else {
      content_base64 = true;
    }
    push(key, expecting_text);
  }

  std::optional<std::string> pop_content(std::string_view key, bool keep = true) {
    auto value = pop(key, true, keep);
    --incontent;
    content_type.clear();
    content_base64 = false;
    return value;
  }

  // Removes the wrapping <div> of Atom 1.0 inline XHTML when everything is
  // inside it (RFC 4287 §3.1.1.3: the div is not part of the content).
  static void strip_xhtml_div(std::string& s) {
    std::string_view v = xml::trim(s);
    if (!(v.starts_with("<div>") || v.starts_with("<div ")) || !v.ends_with("</div>")) return;
    int depth = 0;
    std::size_t i = 0;
    std::size_t body_start = v.find('>') + 1;
    while (i < v.size()) {
      std::size_t lt = v.find('<', i);
      if (lt == std::string_view::npos) break;
      std::size_t gt = v.find('>', lt);
      if (gt == std::string_view::npos) break;
      std::string_view tag = v.substr(lt, gt - lt + 1);
      if (tag.starts_with("</")) {
        --depth;
        if (depth == 0) {
          if (gt + 1 != v.size()) return;  // the first div closes before the end
          std::string inner(v.substr(body_start, lt - body_start));
          s = std::move(inner);
          return;
        }
      } else if (!tag.ends_with("/>")) {
        ++depth;
      }
      i = gt + 1;
    }
  }

  // Returns the value (when `keep`; else an empty string) or nullopt when
  // the top of the stack is not `key`.
  std::optional<std::string> pop(std::string_view key, bool strip_whitespace = true,
                                 bool keep = true) {
    if (stack.empty() || stack.back().key != key) return std::nullopt;
    StackItem item = std::move(stack.back());
    stack.pop_back();
    // `raw` is the text as read; `output` is built only once a stage
    // changes it (most values are copied exactly once, when stored).
    std::string output;
    bool built = false;
    std::string_view raw = item.has_view ? item.view : std::string_view(item.text);
    if (content_type == kXhtml && std::string_view(version) == "atom10") {
      output.assign(raw);
      strip_xhtml_div(output);
      built = true;
    }
    auto value = [&]() { return built ? std::string_view(output) : raw; };
    if (strip_whitespace) {
      if (built) {
        trim_in_place(output);
      } else {
        raw = xml::trim(raw);
      }
    }
    if (!item.expecting_text) return std::string(value());

    if (content_base64) {
      std::string decoded;
      if (decode_base64(value(), decoded) && valid_utf8(decoded)) {
        output = std::move(decoded);
        built = true;
      }
    }
    if (!value().empty() && can_be_relative_uri(item.key)) {
      if (item.key != "id" || guid_is_link) {
        output = resolve(value());
        built = true;
      }
    }
    if (content_type == kTextPlain && !std::string_view(version).starts_with("atom"sv) &&
        looks_like_html(value())) {
      content_type = kTextHtml;
    }
    bool htmlish = is_html_type(content_type.empty() ? std::string_view(kTextHtml)
                                                     : std::string_view(content_type));
    if (htmlish && can_contain_markup(item.key)) {
      output = html::sanitize(value(), base_uri(), valid_utf8_text);
      built = true;
      trim_in_place(output);
    }
    if (!built) output.assign(raw);
    if (utf8) repair_double_utf8(output);
    repair_c1(output);
    last_type = content_type;

    if (!keep) {
      store(item.key, std::move(output));
      return std::string();
    }
    store(item.key, std::string(output));
    return output;
  }

  // pop() for a caller that has no use for the value: it goes to the model
  // without a copy.
  void pop_to_model(std::string_view key) { pop(key, true, /*keep=*/false); }

  // The tail of feedparser's pop(): where a value goes.
  void store(std::string_view key_name, std::string&& output) {
    Key key = key_of(key_name);
    if (key == Key::category || key == Key::tags || key == Key::itunes_keywords) return;
    if (key == Key::title && title_depth > -1 && title_depth <= depth) return;
    std::string_view type = content_type.empty() ? std::string_view(kTextHtml) : content_type;

    if (inentry && !insource && !entries.empty()) {
      Record& e = entries.back();
      if (key == Key::content) {
        e.content.push_back(Text{std::move(output), std::string(type)});
        return;
      }
      if (key == Key::link) {
        if (!inimage) {
          std::string fixed = fix_link_ampersands(output);
          // Only an alternate link is the entry's link (an Atom 0.3
          // <link rel="enclosure">URL</link> must not replace it).
          if (e.links.empty() || e.links.back().rel == "alternate") {
            e.has_link = true;
            e.link = fixed;
          }
          if (!fixed.empty() && !e.links.empty()) e.links.back().href = std::move(fixed);
        }
        return;
      }
      if (key == Key::description) key = Key::summary;
      int slot = slot_of(key);
      if (slot < 0) return;
      int& d = e.depth[static_cast<std::size_t>(slot)];
      if (d != 0 && depth > d) return;
      d = depth;
      assign(e, key, std::move(output), type);
      return;
    }
    if (!(infeed || insource)) return;
    Ctx c = context();
    if (key == Key::description) key = Key::subtitle;
    if (c == Ctx::image) {
      ImageData& img = *feed.image;
      if (key == Key::title) img.title = output;
      if (key == Key::link) img.link = fix_link_ampersands(output);
      if (key == Key::href) img.href = output;
      return;
    }
    Record& r = record(c);
    if (key == Key::link) {
      r.has_link = true;
      r.link = fix_link_ampersands(output);
      if (!r.links.empty()) r.links.back().href = r.link;
      return;
    }
    if (key == Key::content) {
      r.content.push_back(Text{std::move(output), std::string(type)});
      return;
    }
    assign(r, key, std::move(output), type);
  }

  static int slot_of(Key key) {
    switch (key) {
      case Key::title: return kSlotTitle;
      case Key::summary: return kSlotSummary;
      case Key::rights: return kSlotRights;
      case Key::id: return kSlotId;
      case Key::language: return kSlotLanguage;
      case Key::comments: return kSlotComments;
      case Key::author: return kSlotAuthor;
      case Key::subtitle:
      case Key::icon:
      case Key::logo:
      case Key::ttl:
      case Key::sy_period:
      case Key::sy_frequency: return kSlotOther;
      default: return -1;
    }
  }

  void assign(Record& r, Key key, std::string&& output, std::string_view type) {
    switch (key) {
      case Key::title: set_text(r.title, std::move(output), type); break;
      case Key::subtitle: set_text(r.subtitle, std::move(output), type); break;
      case Key::rights: set_text(r.rights, std::move(output), type); break;
      case Key::summary: set_text(r.summary, std::move(output), type); break;
      case Key::id: r.id = std::move(output); break;
      case Key::language: r.language = std::move(output); break;
      case Key::comments: r.comments = std::move(output); break;
      case Key::icon: r.icon = std::move(output); break;
      case Key::logo: r.logo = std::move(output); break;
      case Key::ttl: r.ttl = std::move(output); break;
      case Key::author: r.author_text = std::move(output); break;
      case Key::sy_period: r.sy_period = std::move(output); break;
      case Key::sy_frequency: r.sy_frequency = std::move(output); break;
      default: break;
    }
  }

  // ---- helpers used by the element handlers ----

  void add_tag(std::string term, std::string scheme, std::string label) {
    Record& r = context_record();
    if (term.empty() && scheme.empty() && label.empty()) return;
    Category c{std::move(term), std::move(scheme), std::move(label)};
    if (std::find(r.tags.begin(), r.tags.end(), c) == r.tags.end()) r.tags.push_back(std::move(c));
  }

  void save_person_field(std::vector<Person> Record::*list, std::string_view field,
                         const std::string& value) {
    Ctx c = context();
    if (c == Ctx::image) return;
    Record& r = record(c);
    auto& v = r.*list;
    if (v.empty()) v.emplace_back();
    Person& p = v.back();
    if (field == "name") p.name = value;
    if (field == "email") p.email = value;
    if (field == "href") p.url = value;
  }

  // feedparser's _sync_author_detail for an author given as one string.
  void sync_author() {
    Ctx c = context();
    if (c == Ctx::image) return;
    Record& r = record(c);
    if (r.authors.empty()) return;
    Person& detail = r.authors.back();
    if (!detail.name.empty() || !detail.email.empty() || !detail.url.empty()) return;
    if (!r.author_text || r.author_text->empty()) return;
    Person p = person_from_text(*r.author_text);
    detail.name = std::move(p.name);
    detail.email = std::move(p.email);
  }

  void add_link(LinkData l, bool expecting_text) {
    Ctx c = context();
    if (c == Ctx::image) {
      // An Atom-style link inside an image records nothing.
      if (!l.has_href) push("link", expecting_text);
      return;
    }
    Record& r = record(c);
    if (!(inentry && inimage)) r.links.push_back(l);
    if (l.has_href) {
      // The first alternate HTML link is the link (feedparser keeps the last).
      if (l.rel == "alternate" && is_html_type(map_content_type(l.type)) &&
          (!r.has_link || r.link_is_guid)) {
        r.has_link = true;
        r.link_is_guid = false;
        r.link = l.href;
      }
    } else {
      push("link", expecting_text);
    }
  }

  void cdf_common() {
    if (const std::string* lastmod = attr("lastmod")) {
      context_record().updated = parse_date(*lastmod);
    }
    if (const std::string* href = attr("href")) {
      LinkData l;
      l.rel = "alternate";
      l.type = kTextHtml;
      add_link(l, infeed || inentry || insource);
      if (!stack.empty() && stack.back().key == "link") {
        stack.back().has_view = false;
        stack.back().text = *href;
      }
      pop_to_model("link");
    }
  }

  void start_content_element(std::string_view default_type, bool sets_has_content) {
    if (sets_has_content) has_content = true;
    push_content("content", default_type, true);
  }

  void end_content_element() {
    bool copy_to_summary =
        content_type == kTextPlain || content_type == kTextHtml || content_type == kXhtml;
    copy_to_summary = copy_to_summary && !context_record().summary;
    auto value = pop_content("content", copy_to_summary);
    if (copy_to_summary && value) {
      Record& r = context_record();
      if (!r.summary) set_text(r.summary, std::move(*value), last_type);
    }
  }

  // ---- element handlers: start ----

  bool expecting() const { return infeed || inentry || insource; }

  void start_known(El el, std::string_view name) {
    switch (el) {
      case El::noop: break;
      case El::rss: {
        if (version.empty() || !version.starts_with("rss")) {
          std::string v = attr_or("version", "");
          if (v == "0.91") version = "rss091u";
          else if (v == "0.92") version = "rss092";
          else if (v == "0.93") version = "rss093";
          else if (v == "0.94") version = "rss094";
          else if (v.starts_with("2.")) version = "rss20";
          else version = "rss";
        }
        break;
      }
      case El::channel:
        infeed = true;
        if (depth == 1) cdf_root = true;
        cdf_common();
        break;
      case El::feed:
        infeed = true;
        if (version.empty()) {
          std::string v = attr_or("version", "");
          if (v == "0.1") version = "atom01";
          else if (v == "0.2") version = "atom02";
          else if (v == "0.3") version = "atom03";
          else version = "atom";
        }
        break;
      case El::image: {
        Ctx c = context();
        if (!inentry && (c == Ctx::feed || c == Ctx::source)) {
          if (c == Ctx::feed && !feed.image) feed.image.emplace();
        }
        inimage = true;
        title_depth = -1;
        push("image", false);
        break;
      }
      case El::textinput:
        intextinput = true;
        title_depth = -1;
        push("textinput", false);
        break;
      case El::author: {
        inauthor = true;
        push("author", true);
        Ctx c = context();
        if (c != Ctx::image) record(c).authors.emplace_back();
        break;
      }
      case El::contributor: {
        incontributor = true;
        Ctx c = context();
        if (c != Ctx::image) record(c).contributors.emplace_back();
        push("contributor", false);
        break;
      }
      case El::dc_contributor: {
        incontributor = true;
        Ctx c = context();
        if (c != Ctx::image) record(c).contributors.emplace_back();
        push("name", false);
        break;
      }
      case El::name: push("name", false); break;
      case El::width: push("width", false); break;
      case El::height: push("height", false); break;
      case El::url: push("href", true); break;
      case El::email: push("email", false); break;
      case El::subtitle: push_content("subtitle", kTextPlain, true); break;
      case El::rights: push_content("rights", kTextPlain, true); break;
      case El::item: {
        // Older entries beyond the cap go as soon as there are twice as
        // many, so memory stays bounded whatever the document holds.
        if (max_entries && !inentry && entries.size() >= 2 * max_entries) drop_old_entries();
        entries.emplace_back();
        push("item", false);
        inentry = true;
        guid_is_link = false;
        title_depth = -1;
        if (const std::string* about = attr("rdf:about"); about && !about->empty()) {
          context_record().id = *about;
        }
        cdf_common();
        break;
      }
      case El::language: push("language", true); break;
      case El::webmaster: push("publisher", true); break;
      case El::published: push("published", true); break;
      case El::updated: push("updated", true); break;
      case El::created: push("created", true); break;
      case El::category:
      case El::media_category: {
        std::string scheme = attr_or("scheme", attr_or("domain", ""));
        if (el == El::media_category && !attr("scheme")) {
          scheme = "http://search.yahoo.com/mrss/category_schema";
        }
        add_tag(attr_or("term", ""), std::move(scheme), attr_or("label", ""));
        push("category", true);
        break;
      }
      case El::itunes_category:
        add_tag(attr_or("text", ""), "http://www.itunes.com/", "");
        push("category", true);
        break;
      case El::link: {
        LinkData l;
        l.rel = attr_or("rel", "alternate");
        l.type = attr_or("type", l.rel == "self" ? "application/atom+xml" : kTextHtml);
        // feedparser's _enforce_href: a non-empty url or uri attribute is the
        // href; an empty href still resolves (to the base).
        const std::string* href = attr("url");
        if (!href || href->empty()) href = attr("uri");
        if (!href || href->empty()) href = attr("href");
        if (href) {
          l.has_href = true;
          l.href = resolve(*href);
        }
        l.title = attr_or("title", "");
        l.hreflang = attr_or("hreflang", "");
        if (const std::string* len = attr("length")) l.length = to_int(*len);
        add_link(std::move(l), expecting());
        break;
      }
      case El::guid: {
        guid_is_link = attr_or("ispermalink", "true") == "true";
        push("id", true);
        break;
      }
      case El::title:
        push_content("title", kTextPlain, expecting());
        break;
      case El::media_title: push_content("title", kTextPlain, expecting()); break;
      case El::description: {
        Record& r = context_record();
        if (r.summary && !has_content) {
          summary_key = "content";
          start_content_element(kTextPlain, true);
        } else {
          push_content("description", kTextHtml, expecting());
        }
        break;
      }
      case El::abstract: push_content("description", kTextPlain, expecting()); break;
      case El::info: push_content("info", kTextPlain, true); break;
      case El::generator: push("generator", true); break;
      case El::summary: {
        Record& r = context_record();
        if (r.summary && !has_content) {
          summary_key = "content";
          start_content_element(kTextPlain, true);
        } else {
          summary_key = "summary";
          push_content("summary", kTextPlain, true);
        }
        break;
      }
      case El::enclosure: {
        LinkData l;
        const std::string* href = attr("url");
        if (!href) href = attr("uri");
        if (!href) href = attr("href");
        if (href) l.href = resolve(*href);
        l.rel = "enclosure";
        l.type = attr_or("type", "");
        l.title = attr_or("title", "");
        l.hreflang = attr_or("hreflang", "");
        if (const std::string* len = attr("length")) l.length = to_int(*len);
        Ctx c = context();
        if (c != Ctx::image) record(c).links.push_back(std::move(l));
        break;
      }
      case El::source: {
        sourcedata = Record{};
        if (const std::string* url = attr("url")) {
          sourcedata.has_link = true;
          sourcedata.link = *url;
        }
        push("source", true);
        insource = true;
        title_depth = -1;
        break;
      }
      case El::content: start_content_element(kTextPlain, true); break;
      case El::body: start_content_element(kXhtml, false); break;
      case El::content_encoded: start_content_element(kTextHtml, true); break;
      case El::newlocation: push("newlocation", true); break;
      case El::tags: push("tags", true); break;
      case El::itunes_owner:
        inpublisher = true;
        push("publisher", false);
        break;
      case El::itunes_image: {
        push("itunes_image", false);
        const std::string* href = attr("href");
        if (!href || href->empty()) href = attr("url");
        if (href && !href->empty()) {
          Ctx c = context();
          if (c != Ctx::image && c != Ctx::textinput) {
            ImageData img;
            img.href = *href;
            record(c).image = std::move(img);
          }
        }
        break;
      }
      case El::cc_license: {
        LinkData l;
        l.rel = "license";
        if (const std::string* v = attr("rdf:resource")) l.href = *v;
        Ctx c = context();
        if (c != Ctx::image) record(c).links.push_back(std::move(l));
        break;
      }
      case El::creativecommons_license: push("license", true); break;
      case El::itunes_keywords:
      case El::media_keywords:
      case El::unknown: unknown_start(name); break;
    }
  }

  void unknown_start(std::string_view name) {
    // Elements without a handler are pushed under their name (so their
    // text is theirs) unless they carry attributes.
    if (attr_count > 0) return;
    std::string key(name);
    std::replace(key.begin(), key.end(), ':', '_');
    push(key, true);
  }

  // ---- element handlers: end ----

  void end_known(El el) {
    switch (el) {
      case El::noop: break;
      case El::channel:
      case El::feed: infeed = false; break;
      case El::image:
        pop_to_model("image");
        inimage = false;
        break;
      case El::textinput:
        pop_to_model("textinput");
        intextinput = false;
        break;
      case El::author:
        pop_to_model("author");
        inauthor = false;
        sync_author();
        break;
      case El::contributor:
        pop_to_model("contributor");
        incontributor = false;
        break;
      case El::dc_contributor:
        end_name();
        incontributor = false;
        break;
      case El::name: end_name(); break;
      case El::width:
      case El::height: {
        auto value = pop(el == El::width ? "width" : "height");
        if (!value) break;
        int v = 0;
        if (auto n = to_int(*value); n && *n >= INT32_MIN && *n <= INT32_MAX) {
          v = static_cast<int>(*n);
        }
        if (inimage && context() == Ctx::image) {
          (el == El::width ? feed.image->width : feed.image->height) = v;
        }
        break;
      }
      case El::url: {
        auto value = pop("href");
        if (!value) break;
        if (inauthor) {
          save_person_field(&Record::authors, "href", *value);
        } else if (incontributor) {
          save_person_field(&Record::contributors, "href", *value);
        }
        break;
      }
      case El::email: {
        auto value = pop("email");
        if (!value) break;
        if (inpublisher) break;
        if (inauthor) {
          save_person_field(&Record::authors, "email", *value);
        } else if (incontributor) {
          save_person_field(&Record::contributors, "email", *value);
        }
        break;
      }
      case El::subtitle: pop_content("subtitle", false); break;
      case El::rights: pop_content("rights", false); break;
      case El::item:
        pop_to_model("item");
        inentry = false;
        has_content = false;
        break;
      case El::language: {
        auto value = pop("language");
        break;
      }
      case El::webmaster: pop_to_model("publisher"); break;
      case El::published:
      case El::updated: {
        auto value = pop(el == El::published ? "published" : "updated");
        if (!value) break;
        Ctx c = context();
        if (c == Ctx::image || c == Ctx::textinput) break;
        Record& r = record(c);
        (el == El::published ? r.published : r.updated) = parse_date(*value);
        break;
      }
      case El::created: pop_to_model("created"); break;
      case El::category:
      case El::media_category:
      case El::itunes_category: {
        auto value = pop("category");
        if (!value || value->empty()) break;
        Record& r = context_record();
        if (!r.tags.empty() && r.tags.back().term.empty()) {
          r.tags.back().term = *value;
        } else {
          add_tag(*value, "", "");
        }
        break;
      }
      case El::link: pop_to_model("link"); break;
      case El::guid: {
        auto value = pop("id");
        if (!value) break;
        if (guid_is_link) {
          Ctx c = context();
          if (c != Ctx::image && c != Ctx::textinput) {
            Record& r = record(c);
            if (!r.has_link) {
              r.has_link = true;
              r.link_is_guid = true;
              r.link = *value;
            }
          }
        }
        break;
      }
      case El::title: {
        auto value = pop_content("title");
        if (value && !value->empty()) title_depth = depth;
        break;
      }
      case El::media_title: {
        int saved = title_depth;
        auto value = pop_content("title");
        if (value && !value->empty()) title_depth = depth;
        title_depth = saved;
        break;
      }
      case El::description:
      case El::abstract:
        if (summary_key == "content") {
          end_content_element();
        } else {
          pop_content("description", false);
        }
        summary_key.clear();
        break;
      case El::info: pop_content("info", false); break;
      case El::generator: pop_to_model("generator"); break;
      case El::summary:
        if (summary_key == "content") {
          end_content_element();
        } else {
          pop_content(summary_key.empty() ? "summary" : summary_key, false);
        }
        summary_key.clear();
        break;
      case El::source: {
        insource = false;
        auto value = pop("source");
        if (value && !value->empty()) set_text(sourcedata.title, std::move(*value), kTextPlain);
        Ctx c = context();
        if (c == Ctx::entry || c == Ctx::feed) {
          record(c).source = std::make_unique<Record>(std::move(sourcedata));
        }
        sourcedata = Record{};
        break;
      }
      case El::content:
      case El::body:
      case El::content_encoded: end_content_element(); break;
      case El::newlocation: pop_to_model("newlocation"); break;
      case El::tags: {
        auto value = pop("tags");
        if (!value) break;
        std::string_view v = *value;
        while (true) {
          auto comma = v.find(',');
          add_tag(std::string(xml::trim(v.substr(0, comma))), "", "");
          if (comma == std::string_view::npos) break;
          v.remove_prefix(comma + 1);
        }
        break;
      }
      case El::itunes_owner:
        pop_to_model("publisher");
        inpublisher = false;
        break;
      case El::itunes_keywords:
      case El::media_keywords: {
        auto value = pop(el == El::itunes_keywords ? "itunes_keywords" : "media_keywords");
        if (!value) break;
        std::string_view v = *value;
        while (true) {
          auto comma = v.find(',');
          std::string term(xml::trim(v.substr(0, comma)));
          if (!term.empty()) {
            add_tag(std::move(term), el == El::itunes_keywords ? "http://www.itunes.com/" : "", "");
          }
          if (comma == std::string_view::npos) break;
          v.remove_prefix(comma + 1);
        }
        break;
      }
      case El::itunes_image: pop_to_model("itunes_image"); break;
      case El::creativecommons_license: {
        auto value = pop("license");
        LinkData l;
        l.rel = "license";
        if (value) l.href = *value;
        Ctx c = context();
        if (c != Ctx::image) record(c).links.push_back(std::move(l));
        break;
      }
      case El::rss:
      case El::enclosure:
      case El::cc_license:
      case El::unknown: break;  // nothing pushed
    }
  }

  void end_name() {
    auto value = pop("name");
    if (!value) return;
    if (inpublisher) return;
    if (inauthor) {
      save_person_field(&Record::authors, "name", *value);
    } else if (incontributor) {
      save_person_field(&Record::contributors, "name", *value);
    }
  }

};

ParseContext::ParseContext(std::string base, std::string language, bool utf8)
    : s_(std::make_unique<State>()) {
  s_->utf8 = utf8;
  s_->bases.push_back(std::move(base));
  s_->langs.emplace_back();
  if (!language.empty()) {
    std::replace(language.begin(), language.end(), '_', '-');
    s_->feed.language = language;
    s_->langs.push_back(std::move(language));
    s_->lang = 1;
  }
}

ParseContext::~ParseContext() = default;

bool ParseContext::undeclared_prefix() const { return s_->undeclared; }

void ParseContext::set_text_is_stable(bool stable) { s_->stable_text = stable; }

void ParseContext::set_text_is_valid_utf8(bool valid) { s_->valid_utf8_text = valid; }

void ParseContext::set_max_entries(std::size_t max) { s_->max_entries = max; }

void ParseContext::start_element(std::string_view qname,
                                 std::span<const xml::Attribute> attributes) {
  State& s = *s_;
  ++s.depth;
  OpenElement open;
  open.ns_mark = s.bindings.size();
  open.base = s.base;
  open.lang = s.lang;

  // Namespace declarations apply to the element that carries them.
  bool has_xlink_decl = false;
  for (const auto& a : attributes) {
    if (a.name == "xmlns") {
      s.track_namespace("", a.value);
    } else if (a.name.starts_with("xmlns:")) {
      s.track_namespace(a.name.substr(6), a.value);
      if (a.value == kXlinkNs) has_xlink_decl = true;
    }
  }
  std::string_view ns = s.canonical(qname, s.name_buf, false);
  const std::string_view tag = s.name_buf;  // compared with literals below: no strlen

  s.attr_count = 0;
  for (const auto& a : attributes) {
    if (a.name == "xmlns" || a.name.starts_with("xmlns:")) continue;
    if (s.attr_count == s.attr_slots.size()) s.attr_slots.emplace_back();
    AttrSlot& slot = s.attr_slots[s.attr_count++];
    s.canonical(a.name, slot.name, true);
    if (slot.name == "rel" || slot.name == "type") {
      slot.value.clear();
      append_lower(slot.value, a.value);
    } else {
      slot.value.assign(a.value);
    }
  }

  // xml:base and xml:lang.
  const std::string* base_attr = s.attr("xml:base");
  if (!base_attr) base_attr = s.attr("base");
  if (base_attr) {
    std::string next = resolve_url(s.base_uri(), xml::trim(*base_attr));
    if (s.base_uri().empty() ? true : is_safe_url(next)) {
      if (next != s.base_uri()) {
        s.bases.push_back(std::move(next));
        s.base = static_cast<std::uint32_t>(s.bases.size() - 1);
      }
    }
  }
  const std::string* lang_attr = s.attr("xml:lang");
  if (!lang_attr) lang_attr = s.attr("lang");
  if (lang_attr) {
    if (lang_attr->empty()) {
      s.lang = 0;
    } else {
      s.langs.push_back(*lang_attr);
      s.lang = static_cast<std::uint32_t>(s.langs.size() - 1);
    }
  }
  if (s.lang != 0 && (tag == "feed" || tag == "rss")) {
    std::string l = s.langs[s.lang];
    std::replace(l.begin(), l.end(), '_', '-');
    s.feed.language = std::move(l);
  }
  if (!s.root_seen) {
    s.root_seen = true;
  }

  // Markup inside a text construct is content, not feed structure.
  if (s.incontent && !s.content_type.ends_with("xml")) {
    if (tag == "xhtml:div" || tag == "div") {
      open.skipped_div = true;
      s.open.push_back(open);
      return;
    }
    s.content_type = kXhtml;  // declared as escaped markup, but it is not
  }
  if (s.incontent && s.content_type == kXhtml) {
    auto colon = qname.find(':');
    std::string_view local = colon == std::string_view::npos ? qname : qname.substr(colon + 1);
    std::string& m = s.markup;
    m.clear();
    m += '<';
    m += local;
    if (iequals(local, "svg") && ns == kSvgNs) m += " xmlns=\"http://www.w3.org/2000/svg\"";
    if (iequals(local, "math") && ns == kMathNs) {
      m += " xmlns=\"http://www.w3.org/1998/Math/MathML\"";
    }
    if (has_xlink_decl) m += " xmlns:xlink=\"http://www.w3.org/1999/xlink\"";
    for (const auto& a : attributes) {
      if (a.name == "xmlns" || a.name.starts_with("xmlns:")) continue;
      m += ' ';
      m += a.name;
      m += "=\"";
      xml::append_escaped(m, a.value, true);
      m += '"';
    }
    bool is_void = is_void_element(local);
    m += is_void ? " />" : ">";
    if (iequals(local, "svg")) ++s.svg_ok;
    if (!s.stack.empty()) s.stack.back().materialize() += m;
    open.inline_markup = true;
    open.void_markup = is_void;
    s.open.push_back(open);
    return;
  }
  s.open.push_back(open);

  // Dispatch by canonical name.
  std::string_view prefix;
  if (auto colon = tag.find(':'); colon != std::string::npos) {
    prefix = std::string_view(tag).substr(0, colon);
  }
  if (prefix.empty()) {
    if (tag != "title" && tag != "link" && tag != "description" && tag != "name") {
      s.intextinput = false;
    }
    if (tag != "title" && tag != "link" && tag != "description" && tag != "url" &&
        tag != "href" && tag != "width" && tag != "height") {
      s.inimage = false;
    }
  }
  const auto& table = element_table();
  auto it = table.find(tag);
  El el = it == table.end() ? El::unknown : it->second;
  std::size_t stack_size = s.stack.size();
  s.start_known(el, tag);
  OpenElement& back = s.open.back();
  back.el = el;
  if (el == El::unknown && s.stack.size() == stack_size + 1) {
    back.pushed_at = static_cast<std::uint32_t>(stack_size);
  }
}

void ParseContext::characters(std::string_view text) {
  State& s = *s_;
  if (s.stack.empty()) return;
  if (s.incontent && s.content_type == kXhtml) {
    xml::append_escaped(s.stack.back().materialize(), text, false);
  } else {
    s.stack.back().append(text, s.stable_text);
  }
}

void ParseContext::end_element(std::string_view qname) {
  State& s = *s_;
  if (s.open.empty()) return;
  OpenElement open = s.open.back();
  s.open.pop_back();
  auto colon = qname.find(':');
  std::string_view local = colon == std::string_view::npos ? qname : qname.substr(colon + 1);

  if (open.inline_markup) {
    if (iequals(local, "svg") && s.svg_ok) --s.svg_ok;
    if (!open.void_markup && !s.stack.empty()) {
      std::string& t = s.stack.back().materialize();
      t += "</";
      t += local;
      t += '>';
    }
  } else if (!open.skipped_div) {
    if (open.el != El::unknown) {
      s.end_known(open.el);
    } else if (open.pushed_at != UINT32_MAX && s.stack.size() == open.pushed_at + 1) {
      std::string key = s.stack.back().key;
      s.pop_to_model(key);
    }
  }
  s.bindings.resize(open.ns_mark);
  s.base = open.base;
  s.lang = open.lang;
  --s.depth;
}

Format ParseContext::format() const {
  const std::string& v = s_->version;
  static const std::pair<std::string_view, Format> kVersions[] = {
      {"rss090", Format::rss090}, {"rss091n", Format::rss091n}, {"rss091u", Format::rss091u},
      {"rss092", Format::rss092}, {"rss093", Format::rss093},   {"rss094", Format::rss094},
      {"rss20", Format::rss20},   {"rss10", Format::rss10},     {"rss", Format::rss},
      {"atom01", Format::atom01}, {"atom02", Format::atom02},   {"atom03", Format::atom03},
      {"atom10", Format::atom10}, {"atom", Format::atom},
  };
  for (const auto& [name, f] : kVersions) {
    if (v == name) return f;
  }
  if (s_->cdf_root) return Format::cdf;
  return Format::unknown;
}

namespace {

Link to_link(LinkData&& l) {
  return Link{std::move(l.rel), std::move(l.href), std::move(l.type), std::move(l.title),
              std::move(l.hreflang), l.length};
}

void fill_meta(Record& r, FeedMeta& m, bool with_ttl) {
  m.title = std::move(r.title);
  m.subtitle = std::move(r.subtitle);
  if (!m.subtitle && r.summary) m.subtitle = std::move(r.summary);
  m.rights = std::move(r.rights);
  m.link = r.has_link ? std::move(r.link) : std::string();
  for (auto& l : r.links) m.links.push_back(to_link(std::move(l)));
  m.id = r.id.value_or("");
  m.language = r.language.value_or("");
  m.updated = r.updated;
  m.published = r.published;
  m.authors = std::move(r.authors);
  m.contributors = std::move(r.contributors);
  m.categories = std::move(r.tags);
  if (r.image) {
    m.image = Image{std::move(r.image->href), std::move(r.image->title),
                    std::move(r.image->link), r.image->width, r.image->height};
  } else if (r.logo) {
    m.image = Image{*r.logo, "", "", std::nullopt, std::nullopt};
  }
  m.icon = r.icon.value_or("");
  if (with_ttl && r.ttl) {
    if (auto v = to_int(*r.ttl); v && *v >= 0 && *v <= INT32_MAX) m.ttl = static_cast<int>(*v);
  }
}

}  // namespace

void ParseContext::finish(Feed& feed) {
  State& s = *s_;
  Format f = format();
  if (f != Format::unknown) feed.format = f;
  if (s.feed.ttl) {
    if (auto v = to_int(*s.feed.ttl); v && *v >= 0 && *v <= INT32_MAX) {
      feed.hints.ttl_minutes = static_cast<int>(*v);
    }
  }
  if (s.feed.sy_period) feed.hints.sy_period = lower(xml::trim(*s.feed.sy_period));
  if (s.feed.sy_frequency) {
    if (auto v = to_int(*s.feed.sy_frequency); v && *v > 0 && *v <= INT32_MAX) {
      feed.hints.sy_frequency = static_cast<int>(*v);
    }
  }
  fill_meta(s.feed, feed.meta, true);
  if (s.max_entries) s.drop_old_entries();
  feed.entries_dropped = s.entries_dropped;
  feed.entries.reserve(s.entries.size());
  for (Record& r : s.entries) {
    Entry e;
    e.id = r.id.value_or("");
    e.title = std::move(r.title);
    e.link = r.has_link ? std::move(r.link) : std::string();
    for (auto& l : r.links) {
      if (l.rel == "enclosure") e.enclosures.push_back(Enclosure{l.href, l.type, l.length});
      e.links.push_back(to_link(std::move(l)));
    }
    e.published = r.published;
    e.updated = r.updated;
    e.authors = std::move(r.authors);
    e.contributors = std::move(r.contributors);
    e.summary = std::move(r.summary);
    if (!r.content.empty()) e.content = std::move(r.content.front());
    e.rights = std::move(r.rights);
    e.categories = std::move(r.tags);
    e.comments = r.comments.value_or("");
    e.language = r.language.value_or("");
    if (r.image) e.image = Image{std::move(r.image->href), "", "", std::nullopt, std::nullopt};
    if (r.source) {
      FeedMeta m;
      fill_meta(*r.source, m, false);
      e.source = std::move(m);
    }
    feed.entries.push_back(std::move(e));
  }
}

// ---- free helpers -------------------------------------------------------------

Person person_from_text(std::string_view text) {
  Person p;
  std::string author(xml::trim(text));
  std::string email(find_email(author));  // a copy: `author` changes below
  if (!email.empty()) {
    p.email = email;
    replace_all(author, email, "");
    replace_all(author, "()", "");
    replace_all(author, "<>", "");
    replace_all(author, "&lt;&gt;", "");
    std::string_view a = xml::trim(author);
    if (!a.empty() && a.front() == '(') a.remove_prefix(1);
    if (!a.empty() && a.back() == ')') a.remove_suffix(1);
    p.name = std::string(xml::trim(a));
  } else {
    p.name = std::move(author);
  }
  return p;
}

bool looks_like_html(std::string_view s) {
  // Must have an end tag or a character reference to qualify.
  bool qualifies = false;
  for (std::size_t p = s.find("</"); p != std::string_view::npos; p = s.find("</", p + 2)) {
    std::size_t i = p + 2;
    std::size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    if (i > start && i < s.size() && s[i] == '>') {
      qualifies = true;
      break;
    }
  }
  if (!qualifies) {
    for (std::size_t p = s.find('&'); p != std::string_view::npos; p = s.find('&', p + 1)) {
      std::size_t i = p + 1;
      if (i < s.size() && s[i] == '#') ++i;
      std::size_t start = i;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
      if (i > start && i < s.size() && s[i] == ';') {
        qualifies = true;
        break;
      }
    }
  }
  if (!qualifies) return false;
  // Every tag must be an allowed HTML element.
  for (std::size_t p = s.find('<'); p != std::string_view::npos; p = s.find('<', p + 1)) {
    std::size_t i = p + 1;
    if (i < s.size() && s[i] == '/') ++i;
    std::size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    if (i == start) continue;
    std::string name = lower(s.substr(start, i - start));
    const auto* info = html::tables::find_element(name, html::name_hash(name));
    if (!info || !(info->flags & html::tables::kHtml)) return false;
  }
  // Every named reference must be an HTML entity.
  for (std::size_t p = s.find('&'); p != std::string_view::npos; p = s.find('&', p + 1)) {
    std::size_t i = p + 1;
    std::size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    if (i == start || i >= s.size() || s[i] != ';') continue;
    std::string key(s.substr(start, i - start + 1));
    if (!html::named_entity(key)) return false;
  }
  return true;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  s = xml::trim(s);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace tributary::feeds::detail
