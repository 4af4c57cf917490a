#pragma once

// Internal to the feed parsers: shared by rss.cpp, atom.cpp and parse.cpp.

#include <optional>
#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "feeds/model.h"

namespace tributary::feeds::detail {

class ParseContext {
 public:
  explicit ParseContext(std::string base) : document_base_(std::move(base)) {}

  // The base URI in scope at `node`: xml:base attributes of the node and its
  // ancestors applied on top of the document's base.
  std::string base_at(pugi::xml_node node) const;

  // Resolves `ref` against the base in scope at `node`.
  std::string resolve(pugi::xml_node node, std::string_view ref) const;

  // A text construct read from `node`. `type` is the media type the element
  // carries by default ("text/plain" for titles, "text/html" for RSS
  // descriptions); an Atom `type` attribute overrides it. HTML is sanitized
  // with relative URLs resolved; plain text is trimmed.
  Text text_construct(pugi::xml_node node, std::string_view default_type) const;

  // Person from "Name (mail@x)", "mail@x (Name)", or just a name or address.
  static Person person_from_text(std::string_view text);

 private:
  std::string document_base_;
};

std::optional<std::int64_t> to_int(std::string_view s);

}  // namespace tributary::feeds::detail
