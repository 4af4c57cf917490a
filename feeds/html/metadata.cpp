#include "feeds/html/metadata.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include <boost/json.hpp>

#include "feeds/date.h"
#include "feeds/html/entities.h"
#include "feeds/html/text.h"
#include "feeds/url.h"

namespace tributary::feeds::html {
namespace {

namespace json = boost::json;

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_html_space(s[b])) ++b;
  while (e > b && is_html_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::size_t word_count(std::string_view s) {
  // JS `str.split(/\s+/).length`: pieces between whitespace runs.
  std::size_t n = 1;
  bool in_space = false;
  for (char c : s) {
    if (is_html_space(c)) {
      if (!in_space) ++n;
      in_space = true;
    } else {
      in_space = false;
    }
  }
  return n;
}

bool is_separator(char c) { return c == '|' || c == '-' || c == '\\' || c == '/' || c == '>'; }
bool is_hierarchical(char c) { return c == '\\' || c == '/' || c == '>'; }
constexpr std::string_view kRaquo = "\xC2\xBB";  // »

// Position of the separator in " X " (X one of | - \ / > ») when it is
// found at byte `i` (pointing at the leading space); returns the separator
// byte length, or 0.
std::size_t separator_at(std::string_view s, std::size_t i) {
  if (s[i] != ' ' || i + 2 >= s.size()) return 0;
  if (is_separator(s[i + 1]) && s[i + 2] == ' ') return 1;
  if (s.substr(i + 1).starts_with(kRaquo) && i + 3 < s.size() && s[i + 3] == ' ') return 2;
  return 0;
}

std::vector<const Node*> elements_named(const Node* root, std::initializer_list<GumboTag> tags) {
  std::vector<const Node*> out;
  for (const Node* n = root->first_child; n; n = next_in_tree(n, root)) {
    if (n->is_element() && std::find(tags.begin(), tags.end(), n->tag) != tags.end()) out.push_back(n);
  }
  return out;
}

bool is_article_type(std::string_view t) {
  static constexpr std::array<std::string_view, 19> kTypes = {
      "Article",        "AdvertiserContentArticle", "NewsArticle",         "AnalysisNewsArticle",
      "AskPublicNewsArticle", "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle",
      "ReviewNewsArticle", "Report",                "SatiricalArticle",    "ScholarlyArticle",
      "MedicalScholarlyArticle", "SocialMediaPosting", "BlogPosting",       "LiveBlogPosting",
      "DiscussionForumPosting", "TechArticle",      "APIReference"};
  return std::find(kTypes.begin(), kTypes.end(), t) != kTypes.end();
}

bool has_article_type(const json::object& o) {
  auto it = o.find("@type");
  if (it == o.end()) return false;
  if (it->value().is_string()) return is_article_type(it->value().get_string());
  if (it->value().is_array()) {
    for (const auto& v : it->value().get_array()) {
      if (v.is_string() && is_article_type(v.get_string())) return true;
    }
  }
  return false;
}

// The first Article-typed object in a JSON-LD value (top level, array, or
// @graph).
const json::object* find_article(const json::value& v, int depth = 0) {
  if (depth > 4) return nullptr;
  if (v.is_array()) {
    for (const auto& item : v.get_array()) {
      if (const auto* found = find_article(item, depth + 1)) return found;
    }
    return nullptr;
  }
  if (!v.is_object()) return nullptr;
  const auto& o = v.get_object();
  if (has_article_type(o)) return &o;
  if (auto it = o.find("@graph"); it != o.end()) return find_article(it->value(), depth + 1);
  return nullptr;
}

std::string string_field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return trim(std::string_view(it->value().get_string()));
}

std::string person_names(const json::value& v) {
  if (v.is_string()) return trim(std::string_view(v.get_string()));
  if (v.is_object()) return string_field(v.get_object(), "name");
  std::string out;
  if (v.is_array()) {
    for (const auto& item : v.get_array()) {
      std::string name = item.is_object() ? string_field(item.get_object(), "name") : std::string();
      if (name.empty()) continue;
      if (!out.empty()) out += ", ";
      out += name;
    }
  }
  return out;
}

std::string image_url(const json::value& v) {
  if (v.is_string()) return trim(std::string_view(v.get_string()));
  if (v.is_object()) {
    std::string u = string_field(v.get_object(), "url");
    return u.empty() ? string_field(v.get_object(), "contentUrl") : u;
  }
  if (v.is_array() && !v.get_array().empty()) return image_url(v.get_array().front());
  return {};
}

struct JsonLdArticle {
  std::string name, headline, byline, excerpt, site_name, published, image, body, lang;
  bool found = false;
};

JsonLdArticle read_json_ld(const std::vector<std::string>& blocks) {
  JsonLdArticle a;
  json::parse_options options;
  options.allow_comments = true;
  options.allow_trailing_commas = true;
  options.allow_invalid_utf8 = true;
  options.max_depth = 64;
  for (const auto& block : blocks) {
    std::string_view text = block;
    // Strip CDATA markers some CMSes wrap around the JSON.
    std::string trimmed = trim(text);
    text = trimmed;
    if (text.starts_with("<![CDATA[")) text.remove_prefix(9);
    if (text.ends_with("]]>")) text.remove_suffix(3);
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
    if (ec) continue;
    const json::object* o = find_article(v);
    if (!o) continue;
    a.found = true;
    a.name = string_field(*o, "name");
    a.headline = string_field(*o, "headline");
    if (auto it = o->find("author"); it != o->end()) a.byline = person_names(it->value());
    a.excerpt = string_field(*o, "description");
    if (auto it = o->find("publisher"); it != o->end() && it->value().is_object()) {
      a.site_name = string_field(it->value().get_object(), "name");
    }
    a.published = string_field(*o, "datePublished");
    if (auto it = o->find("image"); it != o->end()) a.image = image_url(it->value());
    a.body = string_field(*o, "articleBody");
    a.lang = string_field(*o, "inLanguage");
    break;
  }
  return a;
}

// <meta> values keyed the way Readability keys them ("og:title",
// "dc:creator", "author", "parsely-pub-date", ...), plus a few extra keys
// this extractor uses (og:image, twitter:image, content-language).
std::map<std::string, std::string, std::less<>> meta_values(const Document& doc) {
  std::map<std::string, std::string, std::less<>> values;
  static constexpr std::array<std::string_view, 5> kPrefixes = {"article", "dc", "dcterm", "og", "twitter"};
  static constexpr std::array<std::string_view, 9> kProperties = {
      "author", "creator", "description", "published_time", "title", "site_name", "image", "locale", "image:src"};
  for (const Node* n = doc.root()->first_child; n; n = next_in_tree(n, doc.root())) {
    if (!n->is(GUMBO_TAG_META)) continue;
    std::string content = trim(n->attr("content"));
    if (content.empty()) continue;
    bool matched = false;
    // `property` is a space-separated list of prefix:name values.
    std::string property = to_lower(n->attr("property"));
    std::size_t pos = 0;
    while (!property.empty() && pos < property.size()) {
      std::size_t end = property.find_first_of(" \t\n", pos);
      if (end == std::string::npos) end = property.size();
      std::string token = property.substr(pos, end - pos);
      pos = end + 1;
      std::size_t colon = token.find(':');
      if (colon == std::string::npos) continue;
      std::string_view prefix = std::string_view(token).substr(0, colon);
      std::string_view name = std::string_view(token).substr(colon + 1);
      if (std::find(kPrefixes.begin(), kPrefixes.end(), prefix) == kPrefixes.end()) continue;
      if (std::find(kProperties.begin(), kProperties.end(), name) == kProperties.end()) continue;
      values.emplace(token, content);
      matched = true;
    }
    if (matched) continue;
    std::string name = to_lower(n->attr("name"));
    if (name.empty()) name = to_lower(n->attr("itemprop"));
    std::erase_if(name, [](char c) { return is_html_space(c); });
    std::replace(name.begin(), name.end(), '.', ':');
    if (!name.empty()) values.emplace(name, content);
    std::string equiv = to_lower(n->attr("http-equiv"));
    if (equiv == "content-language") values.emplace("content-language", content);
  }
  return values;
}

std::string first_of(const std::map<std::string, std::string, std::less<>>& values,
                     std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    auto it = values.find(key);
    if (it != values.end() && !it->second.empty()) return it->second;
  }
  return {};
}

// Meta values are sometimes entity-escaped twice; decode what is left.
std::string unescape(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  return decode_entities(s);
}

bool looks_like_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

}  // namespace

std::string byline_author(std::string_view byline) {
  std::string_view cut = byline;
  for (std::string_view sep : {" \u00b7 ", " | ", " \u2022 ", " \u2014 ", " \u2013 "}) {
    cut = cut.substr(0, cut.find(sep));
  }
  std::string names = trim(cut);
  if (names.size() > 3 && (names[0] == 'B' || names[0] == 'b') && (names[1] == 'y' || names[1] == 'Y') &&
      names[2] == ' ') {
    names = trim(std::string_view(names).substr(3));
  }
  return names.empty() ? std::string(byline) : names;
}

double text_similarity(std::string_view a, std::string_view b) {
  auto tokens = [](std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      // \W+ splits; non-ASCII bytes count as word characters, as in a
      // Unicode-aware tokenizer.
      if (std::isalnum(u) || c == '_' || u >= 0x80) {
        cur += static_cast<char>(std::tolower(u));
      } else if (!cur.empty()) {
        out.push_back(std::move(cur));
        cur.clear();
      }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
  };
  auto ta = tokens(a);
  auto tb = tokens(b);
  if (ta.empty() || tb.empty()) return 0;
  std::size_t total = 0;
  std::size_t unique = 0;
  std::size_t unique_count = 0;
  for (const auto& t : tb) {
    total += t.size();
    if (std::find(ta.begin(), ta.end(), t) == ta.end()) {
      unique += t.size();
      ++unique_count;
    }
  }
  // Lengths of the tokens joined by single spaces.
  double joined_total = static_cast<double>(total + tb.size() - 1);
  double joined_unique = unique_count ? static_cast<double>(unique + unique_count - 1) : 0.0;
  return 1.0 - joined_unique / joined_total;
}

std::string article_title(const Document& doc) {
  std::string orig;
  for (const Node* n = doc.root()->first_child; n; n = next_in_tree(n, doc.root())) {
    if (n->is(GUMBO_TAG_TITLE)) {
      orig = trim(text_content(n));
      break;
    }
    if (n->is(GUMBO_TAG_BODY)) break;
  }
  std::string cur = orig;
  bool hierarchical = false;
  // Find the separators " | ", " - ", " \ ", " / ", " > ", " » ".
  std::size_t first_sep = std::string::npos;
  std::size_t last_sep = std::string::npos;
  for (std::size_t i = 0; i < orig.size(); ++i) {
    if (std::size_t w = separator_at(orig, i)) {
      if (first_sep == std::string::npos) first_sep = i;
      last_sep = i;
      if (w == 2 || is_hierarchical(orig[i + 1])) hierarchical = true;
    }
  }
  auto has_heading = [&](std::string_view text) {
    for (const Node* h : elements_named(doc.root(), {GUMBO_TAG_H1, GUMBO_TAG_H2})) {
      if (trim(text_content(h)) == text) return true;
    }
    return false;
  };
  if (first_sep != std::string::npos) {
    cur = orig.substr(0, last_sep);
    if (word_count(cur) < 3) {
      // Remove the first part instead: everything up to the first separator
      // character.
      std::size_t pos = orig.find_first_of("|-\\/>");
      std::size_t raquo = orig.find(kRaquo);
      std::size_t cut = std::min(pos, raquo);
      std::size_t width = cut == raquo && raquo != std::string::npos && raquo < pos ? 2 : 1;
      cur = cut == std::string::npos ? orig : orig.substr(cut + width);
    }
  } else if (orig.find(": ") != std::string::npos) {
    if (!has_heading(trim(orig))) {
      cur = orig.substr(orig.rfind(':') + 1);
      if (word_count(trim(cur)) < 3) {
        cur = orig.substr(orig.find(':') + 1);
      } else if (word_count(orig.substr(0, orig.find(':'))) > 5) {
        cur = orig;
      }
    }
  } else if (char_count(orig) > 150 || char_count(orig) < 15) {
    auto h1s = elements_named(doc.root(), {GUMBO_TAG_H1});
    if (h1s.size() == 1) cur = inner_text(h1s.front());
  }
  cur = normalize_space(cur);
  std::size_t words = word_count(cur);
  if (words <= 4) {
    std::string without = orig;
    std::string collapsed;
    for (std::size_t i = 0; i < without.size(); ++i) {
      if (is_separator(without[i])) {
        while (i + 1 < without.size() && is_separator(without[i + 1])) ++i;
        continue;
      }
      if (std::string_view(without).substr(i).starts_with(kRaquo)) {
        ++i;
        continue;
      }
      collapsed += without[i];
    }
    if (!hierarchical || words != word_count(collapsed) - 1) cur = orig;
  }
  return cur;
}

PageMetadata read_metadata(const Document& doc, const std::vector<std::string>& json_ld, std::string_view url) {
  PageMetadata m;
  JsonLdArticle ld = read_json_ld(json_ld);
  auto values = meta_values(doc);

  m.base_url = std::string(url);
  for (const Node* n = doc.root()->first_child; n; n = next_in_tree(n, doc.root())) {
    if (n->is(GUMBO_TAG_BASE) && n->has_attr("href")) {
      // HTML: a <base href> that is not a URL ("https://<b>x/") leaves the
      // page's own as the base; links resolved against it stayed relative.
      std::string base = resolve_url(url, n->attr("href"));
      if (!url_scheme(resolve_url(base, "a")).empty()) m.base_url = std::move(base);
      break;
    }
  }

  std::string doc_title;
  bool have_doc_title = false;
  auto document_title = [&]() -> const std::string& {
    if (!have_doc_title) {
      doc_title = article_title(doc);
      have_doc_title = true;
    }
    return doc_title;
  };

  if (!ld.name.empty() && !ld.headline.empty() && ld.name != ld.headline) {
    // Some sites put their own name in "name"; prefer whichever matches the
    // <title>.
    bool name_matches = text_similarity(ld.name, document_title()) > 0.75;
    bool headline_matches = text_similarity(ld.headline, document_title()) > 0.75;
    m.title = headline_matches && !name_matches ? ld.headline : ld.name;
  } else {
    m.title = !ld.name.empty() ? ld.name : ld.headline;
  }
  if (m.title.empty()) {
    m.title = first_of(values, {"dc:title", "dcterm:title", "og:title", "weibo:article:title",
                                "weibo:webpage:title", "title", "twitter:title", "parsely-title"});
  }
  if (m.title.empty()) m.title = document_title();

  m.byline = ld.byline;
  if (m.byline.empty()) {
    m.byline = first_of(values, {"dc:creator", "dcterm:creator", "author", "parsely-author"});
  }
  if (m.byline.empty()) {
    std::string article_author = first_of(values, {"article:author"});
    if (!looks_like_url(article_author)) m.byline = article_author;
  }
  m.excerpt = !ld.excerpt.empty() ? ld.excerpt
                                   : first_of(values, {"dc:description", "dcterm:description", "og:description",
                                                       "weibo:article:description", "weibo:webpage:description",
                                                       "description", "twitter:description"});
  m.site_name = !ld.site_name.empty() ? ld.site_name : first_of(values, {"og:site_name"});
  m.published_text = !ld.published.empty()
                         ? ld.published
                         : first_of(values, {"article:published_time", "parsely-pub-date", "datepublished",
                                             "dc:date", "dcterm:created", "date", "pubdate"});
  m.title = unescape(m.title);
  m.byline = unescape(m.byline);
  m.excerpt = unescape(m.excerpt);
  m.site_name = unescape(m.site_name);
  m.published_text = unescape(m.published_text);
  m.published = parse_date(m.published_text);

  std::string image = first_of(values, {"og:image", "twitter:image", "twitter:image:src"});
  if (image.empty()) image = ld.image;
  if (image.empty()) {
    for (const Node* n = doc.root()->first_child; n; n = next_in_tree(n, doc.root())) {
      if (n->is(GUMBO_TAG_LINK) && to_lower(n->attr("rel")) == "image_src" && n->has_attr("href")) {
        image = trim(n->attr("href"));
        break;
      }
    }
  }
  if (!image.empty()) image = resolve_url(m.base_url, unescape(image));
  if (is_safe_url(image)) m.image = image;

  if (const Node* html_el = doc.html()) {
    m.lang = trim(html_el->attr("lang"));
    if (m.lang.empty()) m.lang = trim(html_el->attr("xml:lang"));
    m.dir = to_lower(trim(html_el->attr("dir")));
  }
  if (m.lang.empty()) m.lang = first_of(values, {"content-language"});
  if (m.lang.empty()) m.lang = ld.lang;
  m.json_ld_body = ld.body;
  return m;
}

}  // namespace tributary::feeds::html
