#include "feeds/html/css.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "feeds/html/entities.h"

namespace tributary::feeds::html {
namespace {

// Properties whose values are harmless whatever they say (feedparser's
// acceptable_css_properties). Sorted for binary search.
constexpr std::array<std::string_view, 47> kProperties = {
    "azimuth",          "background-color",
    "border-bottom-color", "border-collapse",
    "border-color",     "border-left-color",
    "border-right-color", "border-top-color",
    "clear",            "color",
    "cursor",           "direction",
    "display",          "elevation",
    "float",            "font",
    "font-family",      "font-size",
    "font-style",       "font-variant",
    "font-weight",      "height",
    "letter-spacing",   "line-height",
    "overflow",         "pause",
    "pause-after",      "pause-before",
    "pitch",            "pitch-range",
    "richness",         "speak",
    "speak-header",     "speak-numeral",
    "speak-punctuation", "speech-rate",
    "stress",           "text-align",
    "text-decoration",  "text-indent",
    "unicode-bidi",     "vertical-align",
    "voice-family",     "volume",
    "white-space",      "width",
    "word-spacing",
};

// Words allowed in background/border/margin/padding shorthands.
constexpr std::array<std::string_view, 39> kKeywords = {
    "!important", "aqua",   "auto",   "black",  "block",  "blue",        "bold",
    "both",       "bottom", "brown",  "center", "collapse", "dashed",    "dotted",
    "fuchsia",    "gray",   "green",  "italic", "left",   "lime",        "maroon",
    "medium",     "navy",   "none",   "normal", "nowrap", "olive",       "pointer",
    "purple",     "red",    "right",  "silver", "solid",  "teal",        "top",
    "transparent", "underline", "white", "yellow",
};

constexpr std::array<std::string_view, 4> kShorthandFamilies = {"background", "border", "margin",
                                                                 "padding"};

static_assert(std::is_sorted(kProperties.begin(), kProperties.end()));
static_assert(std::is_sorted(kKeywords.begin(), kKeywords.end()));
static_assert(std::is_sorted(kShorthandFamilies.begin(), kShorthandFamilies.end()));

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_word(char c) { return is_alnum(c) || c == '_'; }
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string lowered(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = lower(c);
  return r;
}

bool sorted_contains(const auto& table, std::string_view key) {
  return std::binary_search(table.begin(), table.end(), key);
}

// CSS Syntax §4.3.7 (escapes) and §4.3.2 (comments), applied to the whole
// value up front: what remains is what the browser's tokenizer sees.
std::string decode_css(std::string_view css) {
  std::string out;
  out.reserve(css.size());
  std::size_t i = 0;
  while (i < css.size()) {
    char c = css[i];
    if (c == '/' && i + 1 < css.size() && css[i + 1] == '*') {
      std::size_t end = css.find("*/", i + 2);
      i = end == std::string_view::npos ? css.size() : end + 2;
      continue;
    }
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    ++i;
    if (i >= css.size()) break;
    if (is_hex(css[i])) {
      std::uint32_t cp = 0;
      std::size_t digits = 0;
      while (i < css.size() && digits < 6 && is_hex(css[i])) {
        char h = css[i++];
        cp = cp * 16 + static_cast<std::uint32_t>(is_digit(h) ? h - '0' : lower(h) - 'a' + 10);
        ++digits;
      }
      if (i < css.size() && is_space(css[i])) ++i;
      append_utf8(out, static_cast<char32_t>(cp));  // 0, surrogates, > 10FFFF -> U+FFFD
    } else if (css[i] == '\n' || css[i] == '\r' || css[i] == '\f') {
      ++i;  // an escaped newline is a line continuation
    } else {
      out += css[i++];
    }
  }
  return out;
}

// feedparser removes `url\s*\(\s*[^\s)]+?\s*\)\s*` before anything else,
// replacing each by a space; done here case-insensitively.
std::string remove_urls(std::string_view css) {
  std::string out;
  out.reserve(css.size());
  std::size_t i = 0;
  while (i < css.size()) {
    if (i + 3 < css.size() && lower(css[i]) == 'u' && lower(css[i + 1]) == 'r' &&
        lower(css[i + 2]) == 'l') {
      std::size_t j = i + 3;
      while (j < css.size() && is_space(css[j])) ++j;
      if (j < css.size() && css[j] == '(') {
        ++j;
        while (j < css.size() && is_space(css[j])) ++j;
        std::size_t arg = j;
        while (j < css.size() && !is_space(css[j]) && css[j] != ')') ++j;
        std::size_t k = j;
        while (k < css.size() && is_space(css[k])) ++k;
        if (j > arg && k < css.size() && css[k] == ')') {
          ++k;
          while (k < css.size() && is_space(css[k])) ++k;
          out += ' ';
          i = k;
          continue;
        }
      }
    }
    out += css[i++];
  }
  return out;
}

// feedparser's gauntlet:
// ^([:,;#%.\sa-zA-Z0-9!]|\w-\w|'[\s\w]+'|"[\s\w]+"|\([\d,\s]+\))*$
// A hyphen must sit between two word characters, and two hyphens cannot share
// one ("a-b-c" fails, "ab-cd-e" passes), exactly as the regex backtracks.
bool passes_gauntlet(std::string_view s) {
  std::size_t unit_tail = std::string_view::npos;  // last char consumed by a \w-\w unit
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (is_alnum(c) || is_space(c) || c == ':' || c == ',' || c == ';' || c == '#' || c == '%' ||
        c == '.' || c == '!') {
      ++i;
    } else if (c == '-') {
      if (i == 0 || !is_word(s[i - 1]) || i - 1 == unit_tail || i + 1 >= s.size() ||
          !is_word(s[i + 1])) {
        return false;
      }
      unit_tail = i + 1;
      i += 2;
    } else if (c == '_') {
      if (i + 2 >= s.size() || s[i + 1] != '-' || !is_word(s[i + 2])) return false;
      unit_tail = i + 2;
      i += 3;
    } else if (c == '\'' || c == '"') {
      std::size_t close = s.find(c, i + 1);
      if (close == std::string_view::npos || close == i + 1) return false;
      for (std::size_t k = i + 1; k < close; ++k) {
        // \w in Python 3 matches letters of any script: accept UTF-8 bytes.
        if (!is_word(s[k]) && !is_space(s[k]) && static_cast<unsigned char>(s[k]) < 0x80) {
          return false;
        }
      }
      i = close + 1;
    } else if (c == '(') {
      std::size_t close = s.find(')', i + 1);
      if (close == std::string_view::npos || close == i + 1) return false;
      for (std::size_t k = i + 1; k < close; ++k) {
        if (!is_digit(s[k]) && s[k] != ',' && !is_space(s[k])) return false;
      }
      i = close + 1;
    } else {
      return false;
    }
  }
  return true;
}

// valid_css_values: #hex | rgb(...) | a length of at most 2+2 digits.
bool is_plain_value(std::string_view w) {
  if (w.empty()) return true;
  if (w[0] == '#') {
    return w.size() > 1 && std::all_of(w.begin() + 1, w.end(), is_hex);
  }
  std::size_t i = 0;
  if (w.size() > 4 && lowered(w.substr(0, 4)) == "rgb(") {
    // rgb\(\d+%?,\d*%?,?\d*%?\)?
    i = 4;
    auto digits = [&] {
      std::size_t b = i;
      while (i < w.size() && is_digit(w[i])) ++i;
      return i - b;
    };
    auto opt = [&](char c) {
      if (i < w.size() && w[i] == c) ++i;
    };
    if (digits() == 0) return false;
    opt('%');
    if (i >= w.size() || w[i] != ',') return false;
    ++i;
    digits();
    opt('%');
    opt(',');
    digits();
    opt('%');
    opt(')');
    return i == w.size();
  }
  // \d{0,2}\.?\d{0,2}(cm|em|ex|in|mm|pc|pt|px|%|,|\))?
  std::size_t lead = 0;
  while (i < w.size() && is_digit(w[i])) ++i, ++lead;
  if (i < w.size() && w[i] == '.') {
    if (lead > 2) return false;
    ++i;
    std::size_t frac = 0;
    while (i < w.size() && is_digit(w[i])) ++i, ++frac;
    if (frac > 2) return false;
  } else if (lead > 4) {
    return false;
  }
  std::string unit = lowered(w.substr(i));
  static constexpr std::array<std::string_view, 12> kUnits = {
      "", "%", ")", ",", "cm", "em", "ex", "in", "mm", "pc", "pt", "px"};
  return std::find(kUnits.begin(), kUnits.end(), unit) != kUnits.end();
}

bool shorthand_value_ok(std::string_view value) {
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && is_space(value[i])) ++i;
    std::size_t b = i;
    while (i < value.size() && !is_space(value[i])) ++i;
    if (b == i) break;
    std::string_view word = value.substr(b, i - b);
    if (!sorted_contains(kKeywords, lowered(word)) && !is_plain_value(word)) return false;
  }
  return true;
}

}  // namespace

std::string sanitize_style(std::string_view css) {
  std::string decoded;
  if (css.find('\\') != std::string_view::npos || css.find("/*") != std::string_view::npos) {
    decoded = decode_css(css);
    css = decoded;
  }
  // Belt and braces: whatever the rules below would keep, never anything
  // that mentions a known script vector.
  const std::string folded = lowered(css);
  for (std::string_view bad : {"expression", "javascript:", "vbscript:", "livescript:", "-moz-binding",
                               "behavior", "behaviour", "@import", "data:text/html"}) {
    if (folded.find(bad) != std::string::npos) return {};
  }
  const std::string s = remove_urls(css);
  if (!passes_gauntlet(s)) return {};

  // The value must be nothing but `\s*[-\w]+\s*:\s*[^:;]*;?` repeated.
  std::string out;
  std::size_t i = 0;
  while (true) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) break;
    std::size_t name_begin = i;
    while (i < s.size() && (is_word(s[i]) || s[i] == '-')) ++i;
    if (i == name_begin) return {};
    std::string_view name = std::string_view(s).substr(name_begin, i - name_begin);
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size() || s[i] != ':') return {};
    ++i;
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t value_begin = i;
    while (i < s.size() && s[i] != ':' && s[i] != ';') ++i;
    std::string_view value = std::string_view(s).substr(value_begin, i - value_begin);
    if (i < s.size()) {
      if (s[i] == ':') return {};
      ++i;  // ';'
    }
    if (value.empty()) continue;
    const std::string key = lowered(name);
    const std::string_view family = std::string_view(key).substr(0, key.find('-'));
    const bool keep = sorted_contains(kProperties, key) ||
                      (sorted_contains(kShorthandFamilies, family) && shorthand_value_ok(value));
    if (!keep) continue;
    if (!out.empty()) out += ' ';
    out.append(name).append(": ").append(value).append(";");
  }
  return out;
}

}  // namespace tributary::feeds::html
