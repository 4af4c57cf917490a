#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::feeds::html {

// Per-site extraction rules in the ftr-site-config format (FiveFilters
// full-text-rss, also used by wallabag): one `directive: value` per line,
// '#' starts a comment line. XPath values use the subset of xpath.h.
//
//   body: //div[@id='article']          where the article is (first that matches)
//   title: //h1  /  author: ...  /  date: //time/@datetime
//   strip: //div[@class='ad']            remove matching nodes
//   strip_id_or_class: sidebar           remove elements whose id or class contains it
//   strip_image_src: pixel.gif           remove <img> whose src contains it
//   strip_attr: //img/@srcset            remove matching attributes
//   prune: no / tidy: no / autodetect_on_failure: yes
//   test_url: https://...                pages the rules were written for
//   find_string: x + replace_string: y   (or replace_string(x): y) text substitutions on the raw page
//   single_page_link: //a[@class='print']  a link to the whole article on one page (the daemon
//                                        fetches it instead; see single_page_url in extract.h)
//
// Other directives (next_page_link, http_header(...), native_ad_clue, ...)
// are kept in `other` and not acted on.
struct SiteRules {
  std::vector<std::string> title;
  std::vector<std::string> body;
  std::vector<std::string> date;
  std::vector<std::string> author;
  std::vector<std::string> strip;
  std::vector<std::string> strip_id_or_class;
  std::vector<std::string> strip_image_src;
  std::vector<std::string> strip_attr;
  std::vector<std::string> single_page_link;
  std::vector<std::string> test_urls;
  std::vector<std::pair<std::string, std::string>> replacements;  // find -> replace
  std::optional<bool> prune;
  std::optional<bool> tidy;
  std::optional<bool> autodetect_on_failure;
  std::vector<std::pair<std::string, std::string>> other;
  // "line N: ..." for lines that were skipped (unknown syntax, an XPath
  // outside the supported subset, a replace_string without find_string).
  std::vector<std::string> warnings;

  bool empty() const;
};

// Parses one rule file. Never fails: bad lines are skipped with a warning.
SiteRules parse_site_rules(std::string_view text);

// Adds `fallback`'s rules after `rules`' own (for a site file followed by
// global.txt). Flags set in `rules` win.
void merge_site_rules(SiteRules& rules, const SiteRules& fallback);

// The lower-case host of an absolute URL ("" when it has none).
std::string url_host(std::string_view url);

// Rule file names to try for `host`, best first, following the
// ftr-site-config convention: the host itself without "www." ("example.com.txt"),
// then wildcard files for it and each parent domain (".example.com.txt",
// ".com.txt" excluded: at least two labels).
std::vector<std::string> site_rule_file_names(std::string_view host);

}  // namespace tributary::feeds::html
