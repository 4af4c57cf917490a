#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feeds/model.h"
#include "feeds/result.h"

namespace tributary::feeds {

// Where a document came from: the inputs that decide its base URI and charset.
struct Source {
  std::string url;               // where it was fetched from ("" if unknown)
  std::string content_type;      // HTTP Content-Type, with charset
  std::string content_location;  // HTTP Content-Location (resolved against url)
  std::string content_language;  // HTTP Content-Language (default language)
};

// What the caller keeps of a document.
struct ParseOptions {
  // 0: every entry. Else only the newest `max_entries` are kept (by
  // published, else updated date; undated entries rank after dated ones, in
  // document order), in document order, and Feed::entries_dropped counts the
  // others. While reading, at most twice this many entries are held, so a
  // document of 50,000 items costs what one of 2 * max_entries does.
  std::size_t max_entries = 0;
};

// Parses a feed document from its raw bytes: RSS 0.90/0.91/0.92/0.93/0.94/
// 2.0, RSS 1.0 (RDF), Atom 0.3/1.0, CDF, JSON Feed 1.0/1.1, with the common
// extension namespaces (dc, dcterms, content, itunes, media, sy, ...). The
// stages, each in its own file:
//  - feeds/decode.h: charset (BOM, XML declaration, HTTP charset per RFC
//    3023, ICU for legacy charsets) to UTF-8;
//  - feeds/recover.h: the repairing pre-pass (control characters, bare '&',
//    HTML named entities, leading junk), and the tolerant tokenizer used
//    when the strict parser (pugixml) still rejects the document;
//  - feeds/parse_context.h: elements to the model, with relative URIs
//    resolved (xml:base, then Content-Location, then url) and HTML in text
//    constructs sanitized (feeds/html/sanitize.h);
//  - feeds/json_feed.h: JSON Feed.
// `bozo` is set exactly when the document was not well-formed (or its
// charset was mislabeled, or its HTTP media type is not XML) and the result
// comes from recovery. DTDs are never loaded and entities never expanded
// beyond the plain-text ones an internal subset declares. Never fails and
// never throws: input that is no feed yields format Format::unknown and no
// entries.
Feed parse_document(std::string_view bytes, const Source& source, const ParseOptions& options = {});

// parse_document, failing with Errc::unsupported_format when the bytes are
// not a feed (no dialect recognized and no entries).
Result<Feed> parse(std::string_view bytes, const Source& source, const ParseOptions& options = {});

}  // namespace tributary::feeds
