#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::feeds::html {

// A cheap tokenizer pass run before gumbo, for speed and safety:
//  - <script>, <style>, <svg> and <template> elements and comments are cut
//    out (on news pages they are most of the bytes, and extraction never
//    needs them); the text of <script type="application/ld+json"> blocks is
//    kept in `json_ld`;
//  - element nesting is capped: a start tag that would open an element deeper
//    than `max_depth` is dropped (its text stays). Gumbo's tree builder is
//    quadratic in nesting depth and its destructor recurses per level, so an
//    adversarial page of a million unclosed <div>s must not reach it whole.
// Raw-text elements (<textarea>, <title>, <xmp>, <iframe>, <noembed>,
// <noframes>, <plaintext>) are copied verbatim, as the HTML tokenizer reads
// them. The depth estimate counts start and end tags of elements that an
// HTML parser does not close implicitly; it is an upper bound for real pages.
struct PreparedHtml {
  std::string html;
  std::vector<std::string> json_ld;
  std::size_t dropped_tags = 0;
};

inline constexpr std::size_t kDefaultMaxDepth = 160;

PreparedHtml prepare_html(std::string_view html, std::size_t max_depth = kDefaultMaxDepth);

}  // namespace tributary::feeds::html
