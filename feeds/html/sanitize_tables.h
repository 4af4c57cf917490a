#pragma once

#include <cstdint>
#include <string_view>

// The allowlists behind sanitize() and html_to_text(), as flag tables keyed
// by lower-case name. Element and attribute lists follow feedparser's
// sanitizer (acceptable_elements/attributes, its MathML and SVG subsets);
// the structural flags follow the HTML parsing spec (§13.2.6).
namespace tributary::feeds::html::tables {

enum ElementFlag : std::uint32_t {
  kHtml = 1u << 0,            // allowed HTML element
  kSvg = 1u << 1,             // allowed inside <svg>
  kMath = 1u << 2,            // allowed inside <math>
  kVoid = 1u << 3,            // HTML void element, written <x />
  kRawText = 1u << 4,         // content is RAWTEXT in HTML (script, style, xmp, ...)
  kRcdata = 1u << 5,          // content is RCDATA in HTML (title, textarea)
  kPlaintext = 1u << 6,       // <plaintext>: the rest of the input is text
  kDropContent = 1u << 7,     // removed with its content (script, style, applet, ...)
  kClosesP = 1u << 8,         // its start tag closes an open <p>
  kSpecial = 1u << 9,         // the parser's "special" category
  kFormatting = 1u << 10,     // the parser's formatting elements (a, b, i, ...)
  kAnimation = 1u << 11,      // SVG <set>/<animate*>
  kHeading = 1u << 12,        // h1-h6
  kTablePart = 1u << 13,      // td th tr tbody thead tfoot caption colgroup
  kScopeBoundary = 1u << 14,  // hides what is below it from end tags (table, td, ...)
  kBlock = 1u << 15,          // html_to_text: ends a paragraph
  kTextSkip = 1u << 16,       // html_to_text: content is not text
  kCell = 1u << 17,           // html_to_text: td/th, separated by a space
  kIntegration = 1u << 18,    // inside <svg>/<math>: HTML start tags in it are HTML (desc, mi, ...)
};

enum AttributeFlag : std::uint32_t {
  kAttrHtml = 1u << 0,         // allowed on HTML elements
  kAttrSvg = 1u << 1,          // allowed on SVG elements
  kAttrMath = 1u << 2,         // allowed on MathML elements
  kUrl = 1u << 3,              // a URL: scheme checked, resolved against the base
  kNoResolve = 1u << 4,        // a URL checked but not resolved (usemap="#map")
  kSrcset = 1u << 5,           // srcset candidates
  kUrlList = 1u << 6,          // space-separated URLs (ping)
  kStyle = 1u << 7,            // CSS declarations
  kAnimationValue = 1u << 8,   // to/from/values/by: only on SVG animation elements
  kAnimationTarget = 1u << 9,  // attributeName: only on SVG animation elements
};

// The elements the tree-building rules name individually.
enum class Tag : std::uint8_t {
  other, a, address, button, dd, div, dt, img, li, math, noscript, ol, optgroup, option, p, rp, rt, source, svg,
  table, tbody, td, tfoot, th, thead, tr, ul,
};

struct ElementInfo {
  std::string_view name;      // lower case
  std::string_view out_name;  // as written (SVG's camelCase)
  std::uint32_t flags;
  Tag tag;
};

struct AttributeInfo {
  std::string_view name;      // lower case
  std::string_view out_name;  // as written (SVG's camelCase)
  std::uint32_t flags;
};

// nullptr when `name` (lower case) is not in the table. `hash` is
// name_hash(name) (feeds/html/tokenizer.h), which the tokenizer provides.
const ElementInfo* find_element(std::string_view name, std::uint32_t hash);
const AttributeInfo* find_attribute(std::string_view name, std::uint32_t hash);

}  // namespace tributary::feeds::html::tables
