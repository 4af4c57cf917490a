#pragma once

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

}  // namespace tributary::feeds::html
