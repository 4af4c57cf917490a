#include "feeds/html/site_rules.h"

#include <algorithm>
#include <cctype>

#include <boost/url/parse.hpp>

#include "feeds/html/xpath.h"

namespace tributary::feeds::html {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<bool> yes_no(std::string_view v) {
  std::string l = lower(trim(v));
  if (l == "yes" || l == "true" || l == "1") return true;
  if (l == "no" || l == "false" || l == "0") return false;
  return std::nullopt;
}

template <class T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

bool SiteRules::empty() const {
  return title.empty() && body.empty() && date.empty() && author.empty() && strip.empty() &&
         strip_id_or_class.empty() && strip_image_src.empty() && strip_attr.empty() && replacements.empty() &&
         single_page_link.empty() && !prune && !tidy && !autodetect_on_failure;
}

SiteRules parse_site_rules(std::string_view text) {
  SiteRules rules;
  std::optional<std::string> pending_find;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    auto warn = [&](const std::string& what) {
      rules.warnings.push_back("line " + std::to_string(line_no) + ": " + what);
    };
    // The directive ends at the first ':' outside parentheses, so that
    // replace_string(a:b): c and http_header(x): y work.
    std::size_t colon = std::string_view::npos;
    int depth = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '(') ++depth;
      if (line[i] == ')' && depth > 0) --depth;
      if (line[i] == ':' && depth == 0) {
        colon = i;
        break;
      }
    }
    if (colon == std::string_view::npos) {
      warn("expected 'directive: value'");
      if (end == text.size()) break;
      continue;
    }
    std::string directive = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));

    auto xpath_into = [&](std::vector<std::string>& list) {
      auto compiled = XPath::compile(value);
      if (!compiled) {
        warn(compiled.error().message);
      } else {
        list.emplace_back(value);
      }
    };

    if (directive == "title") {
      xpath_into(rules.title);
    } else if (directive == "body") {
      xpath_into(rules.body);
    } else if (directive == "date") {
      xpath_into(rules.date);
    } else if (directive == "author") {
      xpath_into(rules.author);
    } else if (directive == "strip") {
      xpath_into(rules.strip);
    } else if (directive == "strip_attr") {
      xpath_into(rules.strip_attr);
    } else if (directive == "single_page_link") {
      xpath_into(rules.single_page_link);
    } else if (directive == "strip_id_or_class") {
      std::string v(value);
      std::erase(v, '"');
      std::erase(v, '\'');
      if (!v.empty()) rules.strip_id_or_class.push_back(v);
    } else if (directive == "strip_image_src") {
      if (!value.empty()) rules.strip_image_src.emplace_back(value);
    } else if (directive == "test_url") {
      rules.test_urls.emplace_back(value);
    } else if (directive == "prune") {
      rules.prune = yes_no(value);
    } else if (directive == "tidy") {
      rules.tidy = yes_no(value);
    } else if (directive == "autodetect_on_failure") {
      rules.autodetect_on_failure = yes_no(value);
    } else if (directive == "find_string") {
      pending_find = std::string(value);
    } else if (directive == "replace_string") {
      if (!pending_find) {
        warn("replace_string without a preceding find_string");
      } else {
        rules.replacements.emplace_back(*pending_find, std::string(value));
        pending_find.reset();
      }
    } else if (directive.starts_with("replace_string(") && directive.ends_with(")")) {
      // The argument keeps its case: take it from the original line.
      std::string_view raw = trim(line.substr(0, colon));
      std::string_view find = raw.substr(15, raw.size() - 16);
      if (find.empty()) {
        warn("replace_string() with an empty search string");
      } else {
        rules.replacements.emplace_back(std::string(find), std::string(value));
      }
    } else {
      rules.other.emplace_back(directive, std::string(value));
    }
    if (end == text.size()) break;
  }
  if (pending_find) rules.warnings.push_back("find_string without replace_string");
  return rules;
}

void merge_site_rules(SiteRules& rules, const SiteRules& fallback) {
  append(rules.title, fallback.title);
  append(rules.body, fallback.body);
  append(rules.date, fallback.date);
  append(rules.author, fallback.author);
  append(rules.strip, fallback.strip);
  append(rules.strip_id_or_class, fallback.strip_id_or_class);
  append(rules.strip_image_src, fallback.strip_image_src);
  append(rules.strip_attr, fallback.strip_attr);
  append(rules.single_page_link, fallback.single_page_link);
  append(rules.replacements, fallback.replacements);
  if (!rules.prune) rules.prune = fallback.prune;
  if (!rules.tidy) rules.tidy = fallback.tidy;
  if (!rules.autodetect_on_failure) rules.autodetect_on_failure = fallback.autodetect_on_failure;
}

std::string url_host(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return {};
  return lower(parsed->encoded_host());
}

std::vector<std::string> site_rule_file_names(std::string_view host_in) {
  std::string host = lower(trim(host_in));
  while (!host.empty() && host.back() == '.') host.pop_back();
  std::vector<std::string> names;
  if (host.empty() || host.find('/') != std::string::npos || host.find("..") != std::string::npos) return names;
  if (host.starts_with("www.")) host.erase(0, 4);
  names.push_back(host + ".txt");
  std::string domain = host;
  while (std::count(domain.begin(), domain.end(), '.') >= 1) {
    names.push_back("." + domain + ".txt");
    domain.erase(0, domain.find('.') + 1);
  }
  return names;
}

}  // namespace tributary::feeds::html
