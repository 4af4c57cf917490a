#pragma once

#include <string>
#include <string_view>

#include <pugixml.hpp>

// Helpers over pugixml for feed documents. pugixml knows nothing of XML
// namespaces, so `canonicalize_names` rewrites every element and attribute
// name to a canonical "prefix:local" form once, after which the dialect
// parsers compare plain strings: "content:encoded", "atom:link", "dc:creator".
namespace tributary::feeds::xml {

// Canonical prefixes. Elements in no namespace, and in the RSS 0.90 / RSS 1.0
// namespaces, have no prefix (RSS 2.0's `item` and RSS 1.0's `item` are the
// same name). Atom 1.0 and 0.3 elements are "atom:". Unknown namespaces keep
// their local name under the prefix "x-<n>:" so they never collide.
namespace ns {
inline constexpr std::string_view kAtom10 = "http://www.w3.org/2005/Atom";
inline constexpr std::string_view kAtom03 = "http://purl.org/atom/ns#";
inline constexpr std::string_view kRss090 = "http://my.netscape.com/rdf/simple/0.9/";
inline constexpr std::string_view kRss10 = "http://purl.org/rss/1.0/";
inline constexpr std::string_view kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr std::string_view kXhtml = "http://www.w3.org/1999/xhtml";
}  // namespace ns

// What canonicalization learned about the document.
struct NamespaceInfo {
  bool atom10 = false;  // the Atom 1.0 namespace was used
  bool atom03 = false;  // the Atom 0.3 namespace was used
  bool rss090 = false;
  bool rss10 = false;
  bool undeclared_prefix = false;  // a prefix was used without a declaration
};

// Rewrites names in place (see above) and strips xmlns declarations.
NamespaceInfo canonicalize_names(pugi::xml_node root);

// The concatenated character data (text and CDATA) of `node`'s children.
std::string text(pugi::xml_node node);

// The children of `node` serialized as markup (for inline XHTML and for
// unescaped HTML inside RSS elements). Canonical "xhtml:" prefixes are
// dropped; elements of other namespaces are dropped with their content.
std::string inner_markup(pugi::xml_node node);

// True when `node` has element children (not only text).
bool has_element_children(pugi::xml_node node);

// Strips leading and trailing XML whitespace.
std::string_view trim(std::string_view s);

}  // namespace tributary::feeds::xml
