#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "feeds/html/site_rules.h"
#include "feeds/result.h"

namespace tributary::feeds::html {

// The main article of a web page.
struct Article {
  std::string title;       // headline (not part of `html` or `text`)
  std::string byline;      // author names as the page gives them
  std::optional<std::chrono::sys_seconds> published;
  std::string lead_image;  // absolute URL, from og:image / JSON-LD / first image
  std::string lang;        // as the page declares it ("en", "pt-BR"), may be empty
  std::string dir;         // "rtl" or "ltr" when declared
  std::string site_name;
  std::string excerpt;
  // The article body as sanitized HTML (feeds::html::sanitize): relative
  // URLs absolute, lazy images fixed, boilerplate removed, no headline.
  std::string html;
  // The article body as plain text: one paragraph per block, paragraphs
  // separated by a blank line, <br> as a line break, no headline; image
  // captions and credits are left out (they stay in `html`). Entities are
  // decoded; quotes, apostrophes and dashes are kept as written.
  std::string text;
};

// Extracts the main content of an HTML page readability-style (see
// readability.h and boilerplate.h). `html` must already be UTF-8 (a meta
// charset in it is ignored); `url` is the page's address, used to resolve
// relative links (may be empty). When `rules` is given (the site rules for
// the page's host), its body/strip/title/date/author expressions override the
// heuristics. When the markup yields less than half of a JSON-LD
// articleBody (script-rendered pages), that articleBody is the text. The
// last step is always sanitize(). Fails with Errc::invalid_input when the
// page holds no article text at all.
Result<Article> extract(std::string_view html, std::string_view url, const SiteRules* rules = nullptr);

// The address of the whole article on one page, as `rules.single_page_link`
// names it (ftr-site-config: the first expression that selects an element
// with an href, or a URL as a string or attribute), resolved against the
// page's <base> or `url`; "" when none matches or the result is not an
// http(s) URL other than `url`. `html` is UTF-8.
std::string single_page_url(std::string_view html, std::string_view url, const SiteRules& rules);

}  // namespace tributary::feeds::html
