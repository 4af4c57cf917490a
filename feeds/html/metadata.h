#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/html/dom.h"

namespace tributary::feeds::html {

// What a page says about itself, from (in order of preference) schema.org
// JSON-LD of an Article type, Dublin Core / Open Graph / Twitter / Parse.ly
// <meta> tags, and the document (<title>, <html lang>, <base href>).
struct PageMetadata {
  std::string title;      // the article's title, site suffixes removed
  std::string byline;     // author names, ", "-separated
  std::string excerpt;    // description
  std::string site_name;
  std::string lang;       // BCP 47 tag as written ("en", "pt-BR")
  std::string dir;        // "rtl"/"ltr" when the page says so
  std::string image;      // absolute URL of the lead image
  std::string published_text;  // the date as written
  std::optional<std::chrono::sys_seconds> published;
  std::string base_url;   // where relative URLs resolve: <base href> over `url`
  std::string json_ld_body;  // JSON-LD articleBody, when present
};

// Reads the metadata of a parsed page. `json_ld` holds the text of its
// <script type="application/ld+json"> blocks; `url` is the page's address
// (may be empty). Malformed JSON-LD is ignored.
PageMetadata read_metadata(const Document& doc, const std::vector<std::string>& json_ld, std::string_view url);

// The document title as Readability derives it from <title>: a trailing or
// leading site name after a separator (" | ", " - ", " » ", ": ") is removed
// when what remains is still a real title.
std::string article_title(const Document& doc);

// The author names in a byline found on a page, fit for a feed's author:
// without a leading "By " and without what follows a field separator
// (" · ", " | ", " • ", " — ", " – "), which is a date, a place or a role:
// "By Jane O'Connor · Nov. 26, 2026" -> "Jane O'Connor". The byline as it
// is when nothing of it would remain.
std::string byline_author(std::string_view byline);

// Similarity of `b` to `a` in [0, 1]: 1 minus the share of b's text (by
// length) made of words that do not occur in `a`. Case-insensitive.
double text_similarity(std::string_view a, std::string_view b);

}  // namespace tributary::feeds::html
