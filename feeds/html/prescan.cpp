#include "feeds/html/prescan.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace tributary::feeds::html {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != b[i]) return false;
  }
  return true;
}

// Elements whose start tag never deepens the tree for long: void elements,
// and elements the tree builder closes implicitly when a sibling starts.
constexpr std::array<std::string_view, 38> kFlatElements = {
    "area",  "base",   "basefont", "bgsound", "br",    "col",      "embed",  "frame",
    "hr",    "image",  "img",      "input",   "keygen", "link",    "meta",   "param",
    "source", "track", "wbr",      "html",    "head",  "body",     "p",      "li",
    "dt",    "dd",     "option",   "optgroup", "tr",   "td",       "th",     "thead",
    "tbody", "tfoot",  "caption",  "colgroup", "a",    "nobr"};

bool is_flat(std::string_view lower_name) {
  return std::find(kFlatElements.begin(), kFlatElements.end(), lower_name) != kFlatElements.end();
}

// Raw text and RCDATA elements: the tokenizer reads their content as text up
// to the matching end tag.
constexpr std::array<std::string_view, 6> kRawText = {"textarea", "title",   "xmp",
                                                      "iframe",   "noembed", "noframes"};

struct Tag {
  std::string name;  // lower case
  std::string type;  // value of a `type` attribute (for <script>)
  std::size_t end = 0;  // index just past '>'
  bool complete = false;
};

// Reads a start or end tag whose name starts at `pos` (just after "<" or
// "</"). Attribute values are skipped with their quotes, as the tokenizer
// does, so a '>' inside a quoted value does not end the tag.
Tag read_tag(std::string_view s, std::size_t pos) {
  Tag tag;
  std::size_t i = pos;
  while (i < s.size() && !is_space(s[i]) && s[i] != '/' && s[i] != '>') {
    tag.name.push_back(lower(s[i]));
    ++i;
  }
  while (i < s.size()) {
    char c = s[i];
    if (c == '>') {
      tag.end = i + 1;
      tag.complete = true;
      return tag;
    }
    if (is_space(c) || c == '/') {
      ++i;
      continue;
    }
    std::size_t name_start = i;
    ++i;  // the first character may be '='
    while (i < s.size() && !is_space(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=') ++i;
    std::string_view attr_name = s.substr(name_start, i - name_start);
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size() || s[i] != '=') continue;
    ++i;
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t value_start = i;
    std::size_t value_end = i;
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      char quote = s[i];
      std::size_t close = s.find(quote, i + 1);
      if (close == std::string_view::npos) return tag;
      value_start = i + 1;
      value_end = close;
      i = close + 1;
    } else {
      while (i < s.size() && !is_space(s[i]) && s[i] != '>') ++i;
      value_end = i;
    }
    if (iequals(attr_name, "type")) tag.type = s.substr(value_start, value_end - value_start);
  }
  return tag;
}

// Index of the "</name" end tag at or after `from` (followed by a space, '/'
// or '>'), or npos.
std::size_t find_end_tag(std::string_view s, std::size_t from, std::string_view name) {
  while (from < s.size()) {
    std::size_t lt = s.find("</", from);
    if (lt == std::string_view::npos) return lt;
    std::size_t after = lt + 2 + name.size();
    if (after <= s.size() && iequals(s.substr(lt + 2, name.size()), name) &&
        (after == s.size() || is_space(s[after]) || s[after] == '/' || s[after] == '>')) {
      return lt;
    }
    from = lt + 2;
  }
  return std::string_view::npos;
}

// Index just past the '>' that closes the tag starting at `lt`, or the end.
std::size_t end_of_tag(std::string_view s, std::size_t lt) {
  std::size_t gt = s.find('>', lt);
  return gt == std::string_view::npos ? s.size() : gt + 1;
}

// The end of an element that may nest in itself (<svg> in <svg>): the index
// just past its matching end tag, or the end of input.
std::size_t end_of_nested(std::string_view s, std::size_t from, std::string_view name) {
  std::size_t depth = 1;
  std::size_t i = from;
  while (i < s.size()) {
    std::size_t lt = s.find('<', i);
    if (lt == std::string_view::npos) break;
    bool closing = lt + 1 < s.size() && s[lt + 1] == '/';
    std::size_t name_at = lt + (closing ? 2 : 1);
    std::size_t after = name_at + name.size();
    if (after <= s.size() && iequals(s.substr(name_at, name.size()), name) &&
        (after == s.size() || is_space(s[after]) || s[after] == '/' || s[after] == '>')) {
      Tag tag = read_tag(s, name_at);
      std::size_t end = tag.complete ? tag.end : s.size();
      bool self_closing = !closing && end >= 2 && s[end - 2] == '/';
      if (closing) {
        if (--depth == 0) return end;
      } else if (!self_closing) {
        ++depth;
      }
      i = end;
    } else {
      i = lt + 1;
    }
  }
  return s.size();
}

}  // namespace

PreparedHtml prepare_html(std::string_view s, std::size_t max_depth) {
  PreparedHtml out;
  out.html.reserve(s.size() / 2 + 64);
  std::size_t depth = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const void* hit = std::memchr(s.data() + i, '<', s.size() - i);
    std::size_t lt = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - s.data()) : s.size();
    out.html.append(s.substr(i, lt - i));
    if (lt >= s.size()) break;
    i = lt;
    std::string_view rest = s.substr(i);
    if (rest.starts_with("<!--")) {
      // HTML5 §13.2.5.43: "<!-->" and "<!--->" are complete comments.
      if (rest.starts_with("<!-->")) {
        i += 5;
      } else if (rest.starts_with("<!--->")) {
        i += 6;
      } else {
        std::size_t close = s.find("-->", i + 4);
        i = close == std::string_view::npos ? s.size() : close + 3;
      }
      continue;
    }
    if (rest.size() >= 2 && (rest[1] == '!' || rest[1] == '?')) {
      std::size_t end = end_of_tag(s, i);
      if (rest.size() >= 9 && iequals(rest.substr(2, 7), "doctype")) out.html.append(s.substr(i, end - i));
      i = end;
      continue;
    }
    if (rest.size() >= 3 && rest[1] == '/' && is_alpha(rest[2])) {
      Tag tag = read_tag(s, i + 2);
      std::size_t end = tag.complete ? tag.end : s.size();
      if (!is_flat(tag.name) && depth > 0) --depth;
      out.html.append(s.substr(i, end - i));
      i = end;
      continue;
    }
    if (rest.size() < 2 || !is_alpha(rest[1])) {
      out.html.push_back('<');
      ++i;
      continue;
    }
    Tag tag = read_tag(s, i + 1);
    if (!tag.complete) {
      // EOF inside a tag: the tokenizer emits nothing for it.
      break;
    }
    if (tag.name == "script" || tag.name == "style") {
      std::size_t close = find_end_tag(s, tag.end, tag.name);
      std::size_t content_end = close == std::string_view::npos ? s.size() : close;
      if (tag.name == "script" && tag.type.find("ld+json") != std::string::npos) {
        out.json_ld.emplace_back(s.substr(tag.end, content_end - tag.end));
      }
      i = close == std::string_view::npos ? s.size() : end_of_tag(s, close);
      continue;
    }
    if (tag.name == "svg" || tag.name == "template") {
      bool self_closing = tag.end >= 2 && s[tag.end - 2] == '/';
      i = self_closing && tag.name == "svg" ? tag.end : end_of_nested(s, tag.end, tag.name);
      continue;
    }
    if (tag.name == "plaintext") {
      out.html.append(s.substr(i));
      break;
    }
    if (std::find(kRawText.begin(), kRawText.end(), tag.name) != kRawText.end()) {
      std::size_t close = find_end_tag(s, tag.end, tag.name);
      std::size_t end = close == std::string_view::npos ? s.size() : end_of_tag(s, close);
      out.html.append(s.substr(i, end - i));
      i = end;
      continue;
    }
    if (!is_flat(tag.name)) {
      if (depth >= max_depth) {
        ++out.dropped_tags;
        i = tag.end;
        continue;
      }
      ++depth;
    }
    out.html.append(s.substr(i, tag.end - i));
    i = tag.end;
  }
  return out;
}

}  // namespace tributary::feeds::html
