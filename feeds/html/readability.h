#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "feeds/html/dom.h"

namespace tributary::feeds::html {

// The content-scoring core, after Mozilla Readability's algorithm (itself
// after Arc90's): node prepping (hidden, unlikely and byline nodes removed,
// phrasing-only <div>s turned into paragraphs), paragraph scoring by length
// and commas propagated to five ancestor levels, class/id weights, link
// density, the top candidate and its promotion to a common ancestor, sibling
// merging, then conditional cleaning of the result. When the result is
// shorter than `char_threshold`, the pass is retried with fewer rules.

struct GrabOptions {
  std::size_t char_threshold = 500;
  std::size_t top_candidates = 5;
  // Also strip boilerplate that Readability keeps (newsletter and donation
  // appeals, share bars, related-link lists, author boxes, captions of
  // image credits) inside the chosen content.
  bool strip_boilerplate = true;
};

struct GrabResult {
  Node* content = nullptr;  // a detached <div> owned by the document
  std::string byline;       // a byline found in the page text, if any
  std::string dir;          // text direction of the content's ancestors
};

// Finds the main content of `doc`'s body. `title` is the article title (a
// leading heading that repeats it is dropped); when `have_byline` is false a
// byline node found on the way is recorded and removed. Mutates `doc`.
// `content` is null when the page has no text at all.
GrabResult grab_article(Document& doc, std::string_view title, bool have_byline, const GrabOptions& options);

// Link density of a subtree: the share of its text inside <a> elements
// (in-page "#..." links count 0.3).
double link_density(const Node* node);

// Readability's class/id weight: -25 for a negative hint (comment, footer,
// share, sidebar, promo, ...), +25 for a positive one (article, content,
// entry, post, story, ...), for each of class and id.
int class_weight(const Node* node);

// Cleaning steps that also apply to content chosen by site rules: lazy images
// fixed (data-src, data-srcset, data-original, ... and <noscript>
// fallbacks), relative URLs resolved against `base`, javascript: links
// unwrapped.
void fix_lazy_images(Document& doc, Node* root);
void unwrap_noscript_images(Document& doc, Node* root);
void absolutize_urls(Document& doc, Node* root, std::string_view base);

}  // namespace tributary::feeds::html
