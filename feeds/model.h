#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tributary::feeds {

// Time is kept as whole UTC seconds everywhere in the model; it is formatted
// only by writers.
using Time = std::chrono::sys_seconds;

// Media types of text constructs.
inline constexpr const char* kTextPlain = "text/plain";
inline constexpr const char* kTextHtml = "text/html";
inline constexpr const char* kXhtml = "application/xhtml+xml";

// A text construct: the value and its media type. For text/html and
// application/xhtml+xml the value is sanitized HTML markup; for text/plain
// it is plain text with entities decoded.
struct Text {
  std::string value;
  std::string type = kTextPlain;

  bool is_html() const { return type == kTextHtml || type == kXhtml; }
  friend bool operator==(const Text&, const Text&) = default;
};

struct Person {
  std::string name;
  std::string email;
  std::string url;
  friend bool operator==(const Person&, const Person&) = default;
};

struct Link {
  std::string rel;
  std::string href;  // absolute
  std::string type;
  std::string title;
  std::string hreflang;
  std::optional<std::int64_t> length;
  friend bool operator==(const Link&, const Link&) = default;
};

struct Category {
  std::string term;
  std::string scheme;
  std::string label;
  friend bool operator==(const Category&, const Category&) = default;
};

struct Enclosure {
  std::string url;
  std::string type;
  std::optional<std::int64_t> length;
  friend bool operator==(const Enclosure&, const Enclosure&) = default;
};

struct Image {
  std::string url;
  std::string title;
  std::string link;
  std::optional<int> width;
  std::optional<int> height;
  friend bool operator==(const Image&, const Image&) = default;
};

// Channel-level metadata; also the shape of an entry's Atom <source>.
// Empty strings and empty optionals both mean "absent".
struct FeedMeta {
  std::optional<Text> title;
  std::optional<Text> subtitle;
  std::optional<Text> rights;
  std::string link;  // first alternate link
  std::vector<Link> links;
  std::string id;
  std::string language;
  std::optional<Time> updated;
  std::optional<Time> published;
  std::vector<Person> authors;
  std::vector<Person> contributors;
  std::vector<Category> categories;
  std::optional<Image> image;
  std::string icon;
  std::optional<int> ttl;  // minutes; feed level only
  friend bool operator==(const FeedMeta&, const FeedMeta&) = default;
};

struct Entry {
  std::string id;
  std::optional<Text> title;
  std::string link;  // first alternate link (or permalink guid)
  std::vector<Link> links;
  std::optional<Time> published;
  std::optional<Time> updated;
  std::vector<Person> authors;
  std::vector<Person> contributors;
  std::optional<Text> summary;
  std::optional<Text> content;
  std::optional<Text> rights;
  std::vector<Category> categories;
  std::vector<Enclosure> enclosures;
  std::string comments;
  std::string language;
  std::optional<Image> image;
  std::optional<FeedMeta> source;
  friend bool operator==(const Entry&, const Entry&) = default;
};

// The dialect a document was recognized as. Names follow the parse-json
// contract (`rss20`, `atom10`, ...); `unknown` prints as "".
enum class Format {
  unknown, rss090, rss091n, rss091u, rss092, rss093, rss094, rss20, rss10, rss,
  atom01, atom02, atom03, atom10, atom, cdf, json1, json11
};

const char* format_name(Format f);

// Hints a feed gives about how often to poll it (RSS <ttl>, sy:*).
struct UpdateHints {
  std::optional<int> ttl_minutes;
  std::string sy_period;          // hourly, daily, weekly, monthly, yearly
  std::optional<int> sy_frequency;
  friend bool operator==(const UpdateHints&, const UpdateHints&) = default;
};

struct Feed {
  Format format = Format::unknown;
  std::string encoding;   // IANA name, lower case
  bool bozo = false;      // true iff the document needed error recovery
  std::string bozo_reason;
  FeedMeta meta;
  std::vector<Entry> entries;
  std::size_t entries_dropped = 0;  // older entries left out by ParseOptions::max_entries
  UpdateHints hints;
};

}  // namespace tributary::feeds
