#pragma once

#include <string>
#include <string_view>

namespace tributary::feeds::html {

// Sanitizes an HTML fragment by allowlist, in one streaming pass (no DOM):
// elements and attributes not on the list are dropped (the text of dropped
// harmless elements is kept; script/style/... are removed with their
// content), event handlers and unsafe URL schemes are removed, CSS is
// filtered to safe properties, and relative URLs are resolved against `base`
// (may be empty). The output is serialized canonically: attributes sorted by
// name and double-quoted, void elements written `<br />`, every open element
// closed. Never fails; any input yields well-formed, inert HTML.
std::string sanitize(std::string_view html, std::string_view base);

}  // namespace tributary::feeds::html
