#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "feeds/html/dom.h"

namespace tributary::feeds::html {

// True for the HTML whitespace characters: space, TAB, LF, CR and FF.
bool is_html_space(char c);

// Collapses runs of whitespace (HTML whitespace and U+00A0) to one space and
// drops leading whitespace.
std::string normalize_space(std::string_view text);

// The text of `node` and its descendants with whitespace collapsed as by
// normalize_space.
std::string inner_text(const Node* node);

// char_count(inner_text(node)), without building the text.
std::size_t text_length(const Node* node);

// Number of code points in UTF-8 `text`.
std::size_t char_count(std::string_view text);

// Renders the subtree under `root` as plain text: block elements separate
// paragraphs with a blank line, <br> breaks lines, <pre> keeps its lines,
// script/style/template/title/noscript/head are skipped. No paragraph starts
// or ends with whitespace. Unless `include_captions`, image captions and
// credits (see is_caption) are left out: they annotate pictures the text
// cannot show.
std::string render_text(const Node* root, bool include_captions = true);

// True for <figcaption> and for elements whose class or id has a "caption"
// or "credit" token ("wp-caption-text", "image-credit").
bool is_caption(const Node* node);

}  // namespace tributary::feeds::html
