// libFuzzer target for feeds::html::extract (prescan, gumbo, scoring,
// cleaning, sanitize), the XPath compiler/evaluator and the site-rule parser.
//
// Invariants checked on every input:
//  - extract never crashes and, when it succeeds, returns non-empty text that
//    is valid UTF-8 and HTML that sanitize leaves unchanged (the last step of
//    extraction is always sanitize, and sanitize is idempotent);
//  - outside <pre>, the text output has no "\n\n\n" and does not start or
//    end with a space;
//  - the first line of the input, compiled as XPath, evaluates without
//    crashing on the parsed page, and as a single_page_link rule gives an
//    http(s) URL or nothing; parse_site_rules accepts any text.
//
// Build: cmake -DTRIBUTARY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ ...; run:
//   build/fuzz/tests/fuzz/fuzz_extract -max_total_time=300 -dict=tests/fuzz/html.dict corpus/

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "feeds/html/dom.h"
#include "feeds/html/extract.h"
#include "feeds/html/sanitize.h"
#include "feeds/html/site_rules.h"
#include "feeds/html/xpath.h"
#include "feeds/url.h"

namespace {

namespace html = tributary::feeds::html;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_extract: %s\n%.*s\n", what, static_cast<int>(std::min<std::size_t>(detail.size(), 2000)),
               detail.data());
  std::abort();
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view url = size > 0 && (data[0] & 1) ? "https://example.com/a/b.html" : "";

  auto article = html::extract(input, url);
  if (article) {
    if (article->text.empty()) fail("empty text on success", input);
    if (valid_utf8(input) && !valid_utf8(article->text)) fail("invalid UTF-8 in text", article->text);
    // <pre> keeps its own blank lines and spaces; elsewhere paragraphs are
    // trimmed and separated by exactly one blank line.
    bool has_pre = false;
    for (std::size_t i = 0; i + 3 < input.size() && !has_pre; ++i) {
      has_pre = input[i] == '<' && (input[i + 1] | 0x20) == 'p' && (input[i + 2] | 0x20) == 'r' &&
                (input[i + 3] | 0x20) == 'e';
    }
    if (!has_pre) {
      if (article->text.find("\n\n\n") != std::string::npos) fail("three newlines in text", article->text);
      if (article->text.front() == ' ' || article->text.back() == ' ') fail("untrimmed text", article->text);
    }
    if (html::sanitize(article->html, url) != article->html) fail("html not a sanitize fixed point", article->html);
  }

  std::string_view first_line = input.substr(0, input.find('\n'));
  if (first_line.size() < 200) {
    auto x = html::XPath::compile(first_line);
    if (x) {
      html::ParsedHtml parsed = html::parse_html(input);
      auto items = x->select(parsed.document);
      (void)items;
      auto s = x->evaluate_string(parsed.document);
      (void)s;
      // The same expression as a single_page_link rule: an http(s) URL or "".
      html::SiteRules single;
      single.single_page_link.emplace_back(first_line);
      std::string next = html::single_page_url(input, url, single);
      std::string scheme = tributary::feeds::url_scheme(next);
      if (!next.empty() && scheme != "http" && scheme != "https") {
        fail("single_page_url not an http(s) URL", next);
      }
    }
  }
  html::SiteRules rules = html::parse_site_rules(input);
  (void)rules;
  return 0;
}
