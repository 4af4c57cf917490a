#pragma once

// Internal to the feed parsers (feeds/parse.cpp): the reader that turns XML
// events into the feed model, for every XML dialect at once.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/model.h"
#include "feeds/xml.h"

namespace tributary::feeds::detail {

// Reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF from XML events, following
// the element semantics of Python's feedparser (whose test corpus is the
// conformance suite): one table of element names for all dialects (Atom and
// RSS elements share names; extension namespaces are matched by URI, not by
// the prefix a document happens to use), the first or last occurrence wins
// per field as feedparser decides, inline XHTML and naked markup are
// serialized, base64 content decoded, relative URIs resolved against the
// xml:base in scope, and HTML sanitized (feeds/html/sanitize.h).
//
// xml:base and xml:lang are tracked on a stack as elements open and close,
// never by walking ancestors. Memory use is linear in the document.
class ParseContext final : public xml::Handler {
 public:
  // `base`: the document's base URI (Content-Location or the feed URL,
  // already made safe); `language`: Content-Language, may be empty;
  // `utf8`: the document was decoded as UTF-8 (enables the repair of text
  // that was encoded to UTF-8 twice).
  ParseContext(std::string base, std::string language, bool utf8);
  ~ParseContext() override;

  // When true, the text given to characters() stays valid until finish()
  // (it points into a DOM that outlives the walk), so a value that arrives
  // in one piece is not copied before it is stored. Default false.
  void set_text_is_stable(bool stable);

  // When true, the text and names given to the events are valid UTF-8 (a
  // DOM parsed from decode_xml's output, whose character references the
  // pre-pass limited to XML characters), so the HTML sanitizer need not
  // check it again. Default false.
  void set_text_is_valid_utf8(bool valid);

  // Keeps only the newest `max` entries (0: all), as ParseOptions says.
  void set_max_entries(std::size_t max);

  void start_element(std::string_view name, std::span<const xml::Attribute> attributes) override;
  void characters(std::string_view text) override;
  void end_element(std::string_view name) override;

  // True when an element or attribute used a namespace prefix that was
  // never declared (not well-formed under XML Namespaces).
  bool undeclared_prefix() const;

  // The dialect seen so far (root element, version attribute, namespaces).
  Format format() const;

  // Moves what was read into `feed` (meta, entries, hints; format is set
  // when one was recognized). Call once, after the last event.
  void finish(Feed& feed);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Keeps the newest `max` of `items` (by `date_of(item)`, an optional time;
// undated ones rank after dated ones, ties in document order) in document
// order, and returns how many it dropped. 0 keeps everything.
template <class T, class DateOf>
std::size_t keep_newest(std::vector<T>& items, std::size_t max, DateOf date_of) {
  if (max == 0 || items.size() <= max) return 0;
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    auto ta = date_of(items[a]);
    auto tb = date_of(items[b]);
    if (ta && tb) return *ta > *tb;
    return ta.has_value() && !tb.has_value();
  });
  order.resize(max);
  std::sort(order.begin(), order.end());
  std::vector<T> kept;
  kept.reserve(max);
  for (std::size_t i : order) kept.push_back(std::move(items[i]));
  std::size_t dropped = items.size() - max;
  items = std::move(kept);
  return dropped;
}

// Person from "Name (mail@x)", "mail@x (Name)", "Name <mail@x>", or just a
// name or address, as feedparser splits an RSS author string.
Person person_from_text(std::string_view text);

// Whether plain text "looks like HTML" the way feedparser decides for RSS
// elements that are nominally plain text: it has an end tag or a character
// reference, every tag is an allowed HTML element and every named reference
// is an HTML entity.
bool looks_like_html(std::string_view text);

// Integer value of `s` (surrounding whitespace ignored), or nullopt.
std::optional<std::int64_t> to_int(std::string_view s);

}  // namespace tributary::feeds::detail
