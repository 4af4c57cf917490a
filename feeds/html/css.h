#pragma once

#include <string>
#include <string_view>

namespace tributary::feeds::html {

// Filters the value of a `style` attribute (character references already
// decoded) to declarations that cannot run code or load anything, following
// feedparser's rules:
//  - CSS escapes (`\75 rl`, `\(`) and comments are decoded/removed first, so
//    `expr/**/ession(` and `\0075rl(` are seen as what a browser sees;
//  - `url(...)` values are removed;
//  - the whole value is rejected unless it is a plain list of `name: value;`
//    declarations made of letters, digits, `:,;#%.!`, hyphens inside words,
//    quoted words and parenthesised number lists (so no `expression(`,
//    `@import`, `-moz-binding`, `behavior:`, backslashes or functions);
//  - a declaration is kept when its property is on the allowlist (color,
//    font-*, text-align, width, ...), or is background*/border*/margin*/padding*
//    with every word a known keyword or a plain length/colour.
// Kept declarations are written `name: value;`, separated by one space.
// Returns "" when nothing survives.
std::string sanitize_style(std::string_view css);

}  // namespace tributary::feeds::html
