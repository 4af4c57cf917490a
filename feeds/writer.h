#pragma once

#include <string>
#include <vector>

#include "feeds/model.h"

namespace tributary::feeds {

// One entry of a published feed: the entry as stored (its `id` is the stable
// output id, its HTML already sanitized) and the feeds it came from, the
// represented copy first.
struct OutputEntry {
  Entry entry;
  std::vector<FeedMeta> sources;
};

// A merged feed as tributary publishes it.
struct OutputFeed {
  std::string id;             // stable id of the output (an absolute IRI)
  std::string title;
  std::string self_url;       // where this document is served ("" if unknown)
  std::string alternate_url;  // a human-readable page for it ("" if none)
  std::string hub;            // WebSub hub ("" if none)
  Time updated{};             // newest change among the entries
  std::vector<OutputEntry> entries;
};

// Atom 1.0 (RFC 4287). Every string is escaped; characters XML forbids are
// dropped; text constructs of type text/html are written as type="html".
std::string write_atom(const OutputFeed& feed);

// Appends `s` to `out` escaped for XML text or attribute values, dropping
// code points that XML 1.0 does not allow (C0 controls other than tab, LF,
// CR; U+FFFE/U+FFFF) and replacing invalid UTF-8 with U+FFFD.
void append_xml_escaped(std::string& out, std::string_view s);

}  // namespace tributary::feeds
