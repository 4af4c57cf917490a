#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/model.h"

namespace tributary::feeds {

// A story from another feed that the dedup stage judged to report the same
// event as an entry (its story cluster): "also covered by".
struct RelatedStory {
  std::string id;            // its own output entry id ("" if not published)
  std::string title;         // plain text
  std::string link;          // absolute URL of the article
  std::string source_title;  // the feed it came from (plain text)
  std::string source_link;   // that feed's home page ("" if unknown)
  std::string source_id;     // that feed's URL, as FeedMeta::id ("" if unknown)
  friend bool operator==(const RelatedStory&, const RelatedStory&) = default;
};

// One entry of a published feed.
//  - `entry`: the entry as stored. Its `id` is the stable output id (an
//    absolute IRI that survives dedup merges and re-extraction), its HTML
//    text constructs are already sanitized, its summary is plain text.
//  - `sources`: every feed that carried this item (duplicates merged into
//    it), the represented copy first. Each has `id` = the feed's URL, `title`
//    and `link` (its home page) when known.
//  - `related`: the other stories of its cluster, best first (filled by the
//    dedup stage; empty when it has none).
struct OutputEntry {
  Entry entry;
  std::vector<FeedMeta> sources;
  std::vector<RelatedStory> related;
  friend bool operator==(const OutputEntry&, const OutputEntry&) = default;
};

// A merged feed as tributary publishes it. The same value is written in
// every format; only `self_url` changes between them.
struct OutputFeed {
  std::string id;             // stable id of the output (an absolute IRI)
  std::string title;          // plain text
  std::string subtitle;       // plain text ("" = none)
  std::string self_url;       // where this document is served ("" if unknown)
  std::string alternate_url;  // a human-readable page for it ("" if none)
  std::string hub;            // WebSub hub ("" if none)
  std::string language;       // RFC 5646 tag ("" if mixed or unknown)
  std::optional<int> ttl_minutes;  // how often it may change (RSS <ttl>)
  Time updated{};             // newest change among the entries
  std::vector<OutputEntry> entries;
  friend bool operator==(const OutputFeed&, const OutputFeed&) = default;
};

// The three writers share these rules:
//  - Every string is escaped for its format; characters XML 1.0 forbids (C0
//    controls other than TAB, LF, CR; C1 controls; U+FFFE/U+FFFF) are
//    dropped and invalid UTF-8 becomes U+FFFD, in JSON as in XML. No CDATA
//    sections are written, so "]]>" in any text is harmless.
//  - URLs are written only when absolute with a safe scheme
//    (feeds::is_safe_url), as RFC 3986 URIs (see `writable_url`).
//  - Entries are written in the order given, with their stable ids.
//  - The feed names its own URL (rel="self", feed_url) and, when set, its
//    WebSub hub (rel="hub", hubs).
//  - Sources of a merged item: the first as the format's own element (Atom
//    <source>, RSS <source>), all of them as rel="via" links (Atom, and
//    atom:link in RSS) and in JSON Feed's `_tributary.sources`. Related
//    stories are rel="related" links and `_tributary.related`.

// Atom 1.0 (RFC 4287), valid against its RELAX NG grammar and the rules the
// grammar leaves out: the feed has an author (tributary) so entries need
// none; an entry without content has an alternate link or, failing that, an
// empty content element; titles are type="text"; HTML is type="html".
std::string write_atom(const OutputFeed& feed);

// RSS 2.0 with the atom, content and dc namespaces. Item titles and the
// channel title are plain text escaped as HTML only where it must be
// (append_html_text): most readers take RSS titles as HTML, some (newsboat)
// as plain text, and both show quotes and " & " the same; the summary is
// <description> (plain text escaped so, or HTML), the content is <content:encoded>. The guid is the stable id with
// isPermaLink="false". One <enclosure> (RSS allows one); the others, and
// the updated date, are atom: elements.
std::string write_rss(const OutputFeed& feed);

// JSON Feed 1.1 (https://jsonfeed.org/version/1.1). Every item has
// content_html (the content, or the summary when there is no content) or
// content_text; `summary` is plain text. Authors without a URL carry
// "mailto:" + email as their url. Sources and related stories go in the
// `_tributary` extension object of the item.
std::string write_json_feed(const OutputFeed& feed);

// An entry as outputs publish it: when it has no content, its summary
// whole (HTML or text) as the content; HTML content sanitized again
// (defense in depth; sanitize is idempotent); a plain-text title
// (whitespace collapsed, HTML turned into text, dedup::display_title; for
// an entry without one, the start of its summary or content shortened to
// 80 characters, or "(untitled)" when it has no text at all); a plain-text
// summary of at most `max_summary_chars` characters made from the summary
// or else (or when the summary only repeats the title) the content, without
// a closing "Read more"/"Continue reading" link or WordPress's "The post
// ... appeared first on ..."; and `link` set to the first alternate link
// when it is not one of them.
Entry publishable(Entry entry, std::size_t max_summary_chars = 400);

// Writes an entry's provenance at the end of its HTML content, for readers
// that show neither rel="via"/"related" links nor `_tributary` (newsboat,
// most web readers): after a rule, "Sources: A, B" (linked to each feed's
// home page) when the entry merges copies from more than one feed, and
// "Also covered by: Feed, Title; ..." (linked to each article) for its
// related stories from other feeds than its own (a feed's other articles
// are not coverage "by" anyone else). An entry with neither is left as it is; plain-text
// content (or a summary standing in for missing content) becomes HTML.
// Call after publishable (the added HTML is escaped, not sanitized).
void add_provenance(OutputEntry& oe);

// `text` cut to at most `max_chars` code points, at a word boundary when one
// is near, with "…" appended when cut.
std::string shorten(std::string_view text, std::size_t max_chars);

// The text of `t`: its value, turned into text when it is HTML.
std::string plain_text(const Text& t);

// Appends `s` to `out` escaped for XML text or attribute values (& < > "),
// dropping code points that XML 1.0 does not allow (C0 controls other than
// tab, LF, CR; C1 controls; U+FFFE/U+FFFF) and replacing invalid UTF-8
// with U+FFFD.
void append_xml_escaped(std::string& out, std::string_view s);

// `s` as valid UTF-8 without the code points XML 1.0 forbids: the text
// append_xml_escaped writes, unescaped.
std::string clean_text(std::string_view s);

// Appends plain text `s` as HTML (& < > " escaped), cleaned as clean_text.
void append_html_escaped(std::string& out, std::string_view s);

// Appends plain text `s` as HTML text content with as few references as
// HTML needs: an & that would start a reference, and <. A reader that takes
// it as plain text (newsboat with RSS titles) shows the same text as one
// that takes it as HTML unless it holds one of those. Cleaned as clean_text.
void append_html_text(std::string& out, std::string_view s);

// `url` as an absolute RFC 3986 URI fit for a feed: surrounding whitespace
// trimmed, bytes outside printable ASCII and the characters RFC 3986 never
// allows literally (space " < > \ ^ ` { | }) percent-encoded (RFC 3987
// §3.1). nullopt when the result is not an absolute URI or its scheme is
// not safe (feeds::is_safe_url).
std::optional<std::string> writable_url(std::string_view url);

// True when `tag` has the shape of a language tag Atom accepts
// (RFC 3066: 1-8 letters, then "-" and 1-8 letters or digits, repeated).
bool is_language_tag(std::string_view tag);

// True when `type` has the shape of a media type ("type/subtype", no spaces
// or controls).
bool is_media_type(std::string_view type);

}  // namespace tributary::feeds
