#pragma once

#include <span>
#include <string>
#include <string_view>

#include <pugixml.hpp>

// The feed parsers consume XML as a stream of events (like SAX), whatever
// produced them: a walk over a pugixml DOM for well-formed documents
// (`walk`), or the tolerant tokenizer of feeds/recover.h for documents that
// pugixml rejects. One consumer (feeds/parse_context.h) then serves both
// paths, so recovered documents are read by exactly the same rules.
namespace tributary::feeds::xml {

// An attribute as written: `name` is the qualified name ("xml:base",
// "rdf:about", "href"); `value` has references decoded.
struct Attribute {
  std::string_view name;
  std::string_view value;
};

// Receives a document in order. Names are qualified names as written
// ("content:encoded", "item"); namespace declarations arrive as ordinary
// `xmlns`/`xmlns:p` attributes. Text has references decoded; CDATA sections
// arrive as text. Every start_element is matched by one end_element.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void start_element(std::string_view name, std::span<const Attribute> attributes) = 0;
  virtual void characters(std::string_view text) = 0;
  virtual void end_element(std::string_view name) = 0;
};

// Emits the elements and character data under `root` (not `root` itself
// unless it is an element) in document order. Iterative: any nesting depth.
// `cdata`: the CDATA contents recover::repair_xml moved out of the document
// (Repaired::cdata); a section <![CDATA[\x01N]]> is emitted as cdata[N].
void walk(pugi::xml_node root, Handler& handler, std::span<const std::string_view> cdata = {});

// Strips leading and trailing XML whitespace.
std::string_view trim(std::string_view s);

// Appends `s` with & < > (and " when `attribute`) escaped as entities.
void append_escaped(std::string& out, std::string_view s, bool attribute);

}  // namespace tributary::feeds::xml
