#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tributary::feeds::html {

// Looks up an HTML5 named character reference. `name` excludes the leading
// '&' and includes the trailing ';' when there is one ("amp;", "nbsp"). Only
// the legacy names (amp, lt, nbsp, eacute, ...) match without ';'.
std::optional<std::string_view> named_entity(std::string_view name);

// Appends the UTF-8 encoding of code point `cp` to `out`. Surrogates,
// zero and values above U+10FFFF become U+FFFD, as HTML5 requires.
void append_utf8(std::string& out, char32_t cp);

// Decodes character references (&amp; &#39; &#x2019; &eacute;) in HTML text
// the way an HTML5 parser does in text content: unknown names stay literal,
// numeric references in the C1 range are mapped per the windows-1252 table.
std::string decode_entities(std::string_view text);

}  // namespace tributary::feeds::html
