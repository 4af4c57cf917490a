#pragma once

#include <string_view>

#include "feeds/html/dom.h"

namespace tributary::feeds::html {

// Removes boilerplate that sits inside otherwise good article content and
// that Readability's rules keep: newsletter sign-ups and donation appeals,
// share and follow bars, "related" / "read more" link lists, author bios,
// comment prompts, cookie and ad notices. Blocks are judged by their
// class/id hints, their link density and their wording, and only when they
// are short compared with the whole content, so an article about newsletters
// stays whole.
void strip_boilerplate(Node* content);

// The phrase ("subscribe to continue reading", "before you continue", ...)
// by which an extracted article's text reads as a paywall, sign-in, consent
// or bot-check page rather than the article, found case-insensitively; ""
// when there is none. Only short texts (under 2000 characters) are judged:
// a whole article may well quote such words.
std::string_view wall_phrase(std::string_view text);

}  // namespace tributary::feeds::html
