#include "feeds/recover.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "feeds/html/entities.h"

namespace tributary::feeds::recover {
namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_name_start(char ch) {
  auto c = static_cast<unsigned char>(ch);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

bool is_name_char(char ch) {
  auto c = static_cast<unsigned char>(ch);
  return is_name_start(ch) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// C0 controls other than TAB, LF and CR are not XML characters (XML 1.0 §2.2).
bool is_forbidden_control(char ch) {
  auto c = static_cast<unsigned char>(ch);
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

bool is_xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// The first byte in [p, end) that is `a`, `b` or a forbidden control. The
// hot loop of the pre-pass: sixteen bytes at a time where SSE2 exists.
const char* find_special(const char* p, const char* end, char a, char b) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  const __m128i max_control = _mm_set1_epi8(0x1F);
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, max_control), v);
    __m128i space = _mm_or_si128(_mm_cmpeq_epi8(v, tab),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
    __m128i hit = _mm_or_si128(_mm_andnot_si128(space, control),
                               _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)));
    if (int mask = _mm_movemask_epi8(hit)) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  for (; p < end; ++p) {
    if (*p == a || *p == b || is_forbidden_control(*p)) return p;
  }
  return end;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != prefix[i]) return false;
  }
  return true;
}

bool contains_ci(std::string_view s, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (starts_with_ci(s.substr(i), needle)) return true;
  }
  return false;
}

bool is_predefined(std::string_view name) {
  return name == "lt" || name == "gt" || name == "amp" || name == "quot" || name == "apos";
}

// Parses the number of "&#...;" starting at s[0] == '&'. Returns the length
// of the reference (0 if it is not one) and the code point.
std::size_t numeric_reference(std::string_view s, std::uint32_t& cp) {
  std::size_t i = 2;
  bool hex = s.size() > 2 && (s[2] == 'x' || s[2] == 'X');
  if (hex) ++i;
  std::size_t digits_start = i;
  std::uint64_t v = 0;
  for (; i < s.size() && i - digits_start < 12; ++i) {
    char c = s[i];
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      break;
    }
    v = v * (hex ? 16 : 10) + static_cast<std::uint64_t>(d);
  }
  if (i == digits_start || i >= s.size() || s[i] != ';') return 0;
  cp = v > 0x10FFFF ? 0xFFFFFFFF : static_cast<std::uint32_t>(v);
  return i + 1;
}

// The name of "&name;" starting at s[0] == '&', or "" if there is none.
std::string_view reference_name(std::string_view s) {
  if (s.size() < 3 || !is_name_start(s[1])) return {};
  std::size_t i = 1;
  while (i < s.size() && i < 64 && is_name_char(s[i])) ++i;
  if (i >= s.size() || s[i] != ';') return {};
  return s.substr(1, i - 1);
}

// An HTML named character reference as feed authors mean it: the XHTML 1.0
// entity sets (which RSS 0.91's DTD and XHTML content use), that is HTML5's
// table except for the two characters HTML5 redefined.
std::optional<std::string_view> html_entity(std::string_view name_with_semicolon) {
  if (name_with_semicolon == "lang;") return "\u2329";
  if (name_with_semicolon == "rang;") return "\u232A";
  return html::named_entity(name_with_semicolon);
}

struct Entity {
  std::string name;
  std::string value;  // already escaped for XML
};

class Repairer {
 public:
  Repairer(std::string_view in, bool extract_cdata) : in_(in), extract_cdata_(extract_cdata) {}

  Repaired run() {
    prolog();
    std::size_t p = start_;
    const std::size_t n = in_.size();
    while (p < n) {
      p = static_cast<std::size_t>(find_special(in_.data() + p, in_.data() + n, '<', '&') -
                                   in_.data());
      if (p >= n) break;
      char c = in_[p];
      if (c == '&') {
        p = reference(p);
      } else if (c != '<') {
        defect("forbidden control character", p);
        replace(p, p + 1, "");
        ++p;
      } else {
        p = markup(p);
      }
    }
    if (changed_) {
      out_.append(in_.substr(copied_));
      result_.text = std::move(out_);
      result_.changed = true;
    }
    return std::move(result_);
  }

 private:
  std::string_view in_;
  bool extract_cdata_ = false;
  std::size_t start_ = 0;
  std::string out_;
  std::size_t copied_ = 0;
  bool changed_ = false;
  bool external_dtd_ = false;
  std::vector<Entity> entities_;
  // Bytes declared entities may still add: a plain value is short, but one
  // 64 KiB value referenced 20,000 times would be 1.3 GB ("quadratic
  // blowup"), so all substitutions together may add at most the document's
  // own size.
  std::size_t expansion_left_ = in_.size();
  Repaired result_;

  void replace(std::size_t from, std::size_t to, std::string_view with) {
    if (!changed_) out_.reserve(in_.size() + 64);
    out_.append(in_.substr(copied_, from - copied_));
    out_.append(with);
    copied_ = to;
    changed_ = true;
  }

  void defect(const char* what, std::size_t at) {
    if (result_.bozo) return;
    result_.bozo = true;
    result_.reason = std::string("xml: ") + what + " at offset " + std::to_string(at);
  }

  void prolog() {
    std::size_t first = in_.find('<');
    if (first == npos) return;
    std::size_t text = 0;
    while (text < first && is_space(in_[text])) ++text;
    if (text < first) {
      defect("text before the first element", text);
      replace(0, first, "");
    } else if (first > 0 && in_.substr(first).starts_with("<?xml") && first + 5 < in_.size() &&
               is_space(in_[first + 5])) {
      defect("XML declaration not at the start", 0);
      replace(0, first, "");
    }
    start_ = first;
  }

  // Skips to the end of a comment, CDATA section or PI in one pass,
  // removing forbidden controls on the way. Returns the position after the
  // terminator (the end of the input when there is none).
  std::size_t skip_to(std::size_t from, std::string_view terminator) {
    const std::size_t n = in_.size();
    std::size_t p = from;
    while (p < n) {
      p = static_cast<std::size_t>(
          find_special(in_.data() + p, in_.data() + n, terminator[0], terminator[0]) -
          in_.data());
      if (p >= n) break;
      if (in_[p] == terminator[0]) {
        if (in_.compare(p, terminator.size(), terminator) == 0) return p + terminator.size();
        ++p;
        continue;
      }
      defect("forbidden control character", p);
      replace(p, p + 1, "");
      ++p;
    }
    return n;
  }

  // Shorter CDATA sections stay in the text: moving one costs about what
  // the parser's scan of it does.
  static constexpr std::size_t kMinExtractedCdata = 64;

  // A CDATA section whose content starts at `begin`: skipped (controls
  // removed), or with extract_cdata_ moved to result_.cdata when it is long,
  // was not repaired, is terminated and holds no CR. Returns the position
  // after it.
  std::size_t cdata(std::size_t begin) {
    const std::size_t copied_before = copied_;
    const std::size_t end = skip_to(begin, "]]>");
    if (!extract_cdata_ || copied_ != copied_before || end < begin + 3 + kMinExtractedCdata ||
        in_.compare(end - 3, 3, "]]>") != 0) {
      return end;
    }
    const std::string_view content = in_.substr(begin, end - 3 - begin);
    if (content.find('\r') != npos) return end;
    replace(begin, end - 3, "\x01" + std::to_string(result_.cdata.size()));
    result_.cdata.push_back(content);
    return end;
  }

  std::size_t markup(std::size_t p) {
    std::string_view rest = in_.substr(p);
    if (rest.starts_with("<!--")) return skip_to(p + 4, "-->");
    if (rest.starts_with("<![CDATA[")) return cdata(p + 9);
    if (rest.starts_with("<?")) {
      std::size_t end = skip_to(p + 2, "?>");
      if (p != start_ && rest.starts_with("<?xml") && rest.size() > 5 && is_space(rest[5])) {
        defect("XML declaration not at the start", p);
        replace(p, end, "");
      }
      return end;
    }
    if (rest.starts_with("<!DOCTYPE") || rest.starts_with("<!doctype")) return doctype(p);
    if (rest.starts_with("</")) return end_tag(p);
    if (rest.size() > 1 && is_name_start(rest[1])) return start_tag(p);
    defect("'<' that starts no markup", p);
    replace(p, p + 1, "&lt;");
    return p + 1;
  }

  std::size_t end_tag(std::size_t p) {
    for (std::size_t i = p + 2; i < in_.size(); ++i) {
      if (in_[i] == '>') return i + 1;
      if (in_[i] == '<') return i;  // broken tag: left to the strict parser to reject
    }
    return in_.size();
  }

  std::size_t start_tag(std::size_t p) {
    const std::size_t n = in_.size();
    std::size_t i = p + 1;
    while (i < n && is_name_char(in_[i])) ++i;
    while (i < n) {
      char c = in_[i];
      if (c == '>') return i + 1;
      if (c == '<') return i;
      if (c == '"' || c == '\'') {
        i = attribute_value(i + 1, c);
        continue;
      }
      if (is_forbidden_control(c)) {
        defect("forbidden control character", i);
        replace(i, i + 1, "");
      }
      ++i;
    }
    return n;
  }

  // Scans a quoted attribute value from `p` (after the quote) to the closing
  // quote; returns the position after it.
  std::size_t attribute_value(std::size_t p, char quote) {
    const std::size_t n = in_.size();
    while (p < n) {
      char c = in_[p];
      if (c == quote) return p + 1;
      if (c == '&') {
        p = reference(p);
        continue;
      }
      if (c == '<') {
        defect("'<' in an attribute value", p);
        replace(p, p + 1, "&lt;");
      } else if (is_forbidden_control(c)) {
        defect("forbidden control character", p);
        replace(p, p + 1, "");
      }
      ++p;
    }
    return n;
  }

  // At a '&': keeps a valid reference, repairs anything else. Returns the
  // position after what was consumed.
  std::size_t reference(std::size_t p) {
    // Fast path: the references escaped markup is made of.
    const char* q = in_.data() + p;
    std::size_t left = in_.size() - p;
    if (left >= 4 && q[3] == ';' && q[2] == 't' && (q[1] == 'l' || q[1] == 'g')) return p + 4;
    if (left >= 5 && std::memcmp(q, "&amp;", 5) == 0) return p + 5;
    if (left >= 6 && (std::memcmp(q, "&quot;", 6) == 0 || std::memcmp(q, "&apos;", 6) == 0)) {
      return p + 6;
    }
    std::string_view rest = in_.substr(p, 80);
    if (rest.size() > 1 && rest[1] == '#') {
      std::uint32_t cp = 0;
      if (std::size_t len = numeric_reference(rest, cp)) {
        if (!is_xml_char(cp)) {
          defect("reference to a character XML forbids", p);
          replace(p, p + len, "");
        }
        return p + len;
      }
    } else if (std::string_view name = reference_name(rest); !name.empty()) {
      std::size_t len = name.size() + 2;
      if (is_predefined(name)) return p + len;
      for (const Entity& e : entities_) {
        if (e.name != name) continue;
        if (e.value.size() > expansion_left_) {
          defect("declared entities expand beyond the document's size", p);
          replace(p, p + 1, "&amp;");
          return p + len;
        }
        expansion_left_ -= e.value.size();
        replace(p, p + len, e.value);
        return p + len;
      }
      std::string key(name);
      key += ';';
      if (auto text = html_entity(key)) {
        if (!external_dtd_) defect("undefined entity (HTML named character reference)", p);
        std::string escaped;
        xml::append_escaped(escaped, *text, true);
        replace(p, p + len, escaped);
        return p + len;
      }
      defect("undefined entity", p);
      replace(p, p + 1, "&amp;");
      return p + len;
    }
    defect("'&' that starts no reference", p);
    replace(p, p + 1, "&amp;");
    return p + 1;
  }

  // <!DOCTYPE name [PUBLIC "pub" "sys" | SYSTEM "sys"] [ [internal subset] ]>
  std::size_t doctype(std::size_t p) {
    const std::size_t n = in_.size();
    std::size_t i = p + 9;
    std::size_t subset_start = npos;
    std::size_t subset_end = npos;
    char quote = 0;
    for (; i < n; ++i) {
      char c = in_[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[' && subset_start == npos) {
        subset_start = i + 1;
        i = internal_subset(i + 1);
        subset_end = i;
        if (i >= n) break;
      } else if (c == '>') {
        break;
      }
    }
    std::size_t end = i < n ? i + 1 : n;
    std::string_view header = in_.substr(p, (subset_start == npos ? end : subset_start) - p);
    if (contains_ci(header, "netscape")) result_.netscape_doctype = true;
    if (header.find("SYSTEM") != npos || header.find("PUBLIC") != npos) external_dtd_ = true;
    if (subset_start != npos && subset_end != npos && subset_end > subset_start) {
      declare_entities(in_.substr(subset_start, subset_end - subset_start));
    }
    return end;
  }

  // Returns the position of the ']' that ends the subset (quotes and
  // comments inside are skipped).
  std::size_t internal_subset(std::size_t p) {
    const std::size_t n = in_.size();
    char quote = 0;
    for (; p < n; ++p) {
      char c = in_[p];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (in_.substr(p).starts_with("<!--")) {
        std::size_t e = in_.find("-->", p + 4);
        if (e == npos) return n;
        p = e + 2;
      } else if (c == ']') {
        return p;
      }
    }
    return n;
  }

  // Records <!ENTITY name "value"> declarations whose value is plain text or
  // one character reference; parameter-entity references make the DTD
  // external (they may declare anything).
  void declare_entities(std::string_view subset) {
    std::size_t p = 0;
    while ((p = subset.find('%', p)) != npos) {
      if (p + 1 < subset.size() && is_name_start(subset[p + 1])) external_dtd_ = true;
      ++p;
    }
    p = 0;
    while ((p = subset.find("<!ENTITY", p)) != npos) {
      p += 8;
      while (p < subset.size() && is_space(subset[p])) ++p;
      if (p >= subset.size() || subset[p] == '%') continue;
      std::size_t name_start = p;
      while (p < subset.size() && is_name_char(subset[p])) ++p;
      std::string_view name = subset.substr(name_start, p - name_start);
      while (p < subset.size() && is_space(subset[p])) ++p;
      if (name.empty() || p >= subset.size() || (subset[p] != '"' && subset[p] != '\'')) continue;
      char quote = subset[p];
      std::size_t close = subset.find(quote, p + 1);
      if (close == npos) break;
      std::string_view value = subset.substr(p + 1, close - p - 1);
      p = close + 1;
      std::string text;
      std::uint32_t cp = 0;
      if (value.find_first_of("&<%") == npos) {
        xml::append_escaped(text, value, true);
      } else if (value.starts_with("&#") && numeric_reference(value, cp) == value.size() &&
                 is_xml_char(cp)) {
        text.assign(value);
      } else {
        continue;  // not substituted: markup or references inside
      }
      entities_.push_back({std::string(name), std::move(text)});
    }
  }
};

// ---- the tolerant tokenizer ----------------------------------------------

// Appends `text` with references decoded: XML's predefined ones, numeric
// ones and HTML5 named ones; anything else stays as written.
void append_decoded(std::string& out, std::string_view text) {
  std::size_t start = 0;
  std::size_t p = 0;
  while ((p = text.find('&', p)) != npos) {
    std::string_view rest = text.substr(p, 80);
    std::size_t len = 0;
    std::string decoded;
    if (rest.size() > 1 && rest[1] == '#') {
      std::uint32_t cp = 0;
      len = numeric_reference(rest, cp);
      if (len) html::append_utf8(decoded, is_xml_char(cp) ? cp : 0xFFFD);
    } else if (std::string_view name = reference_name(rest); !name.empty()) {
      std::string key(name);
      key += ';';
      if (auto t = html_entity(key)) {
        len = name.size() + 2;
        decoded.assign(*t);
      }
    }
    if (!len) {
      ++p;
      continue;
    }
    out.append(text.substr(start, p - start));
    out.append(decoded);
    p += len;
    start = p;
  }
  out.append(text.substr(start));
}

class Tokenizer {
 public:
  Tokenizer(std::string_view in, xml::Handler& h) : in_(in), handler_(h) {}

  void run() {
    const std::size_t n = in_.size();
    std::size_t p = 0;
    while (p < n) {
      std::size_t lt = in_.find('<', p);
      if (lt == npos) lt = n;
      if (lt > p) text(in_.substr(p, lt - p));
      if (lt >= n) break;
      p = markup(lt);
    }
    flush_text();
    while (!open_.empty()) {
      handler_.end_element(open_.back());
      open_.pop_back();
    }
  }

 private:
  std::string_view in_;
  xml::Handler& handler_;
  std::vector<std::string_view> open_;
  std::string text_;
  std::string values_;
  std::vector<std::pair<std::size_t, std::size_t>> value_spans_;
  std::vector<std::string_view> names_;
  std::vector<xml::Attribute> attributes_;

  void text(std::string_view raw) {
    if (open_.empty()) return;  // text outside the root element is dropped
    append_decoded(text_, raw);
  }

  void flush_text() {
    if (text_.empty()) return;
    handler_.characters(text_);
    text_.clear();
  }

  std::size_t skip_past(std::size_t from, std::string_view terminator) {
    std::size_t e = in_.find(terminator, from);
    return e == npos ? in_.size() : e + terminator.size();
  }

  std::size_t markup(std::size_t p) {
    std::string_view rest = in_.substr(p);
    if (rest.starts_with("<!--")) return skip_past(p + 4, "-->");
    if (rest.starts_with("<![CDATA[")) {
      std::size_t e = in_.find("]]>", p + 9);
      std::size_t stop = e == npos ? in_.size() : e;
      if (!open_.empty()) text_.append(in_.substr(p + 9, stop - p - 9));
      return e == npos ? in_.size() : e + 3;
    }
    if (rest.starts_with("<?")) return skip_past(p + 2, "?>");
    if (rest.starts_with("<!")) return declaration(p);
    if (rest.starts_with("</")) return end_tag(p);
    if (rest.size() > 1 && is_name_start(rest[1])) return start_tag(p);
    text("<");
    return p + 1;
  }

  std::size_t declaration(std::size_t p) {
    char quote = 0;
    int brackets = 0;
    for (std::size_t i = p + 2; i < in_.size(); ++i) {
      char c = in_[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[') {
        ++brackets;
      } else if (c == ']') {
        --brackets;
      } else if (c == '>' && brackets <= 0) {
        return i + 1;
      }
    }
    return in_.size();
  }

  std::size_t end_tag(std::size_t p) {
    std::size_t i = p + 2;
    std::size_t name_start = i;
    while (i < in_.size() && is_name_char(in_[i])) ++i;
    std::string_view name = in_.substr(name_start, i - name_start);
    std::size_t close = in_.find('>', i);
    std::size_t next = close == npos ? in_.size() : close + 1;
    for (std::size_t k = open_.size(); k-- > 0;) {
      if (open_[k] == name) {
        flush_text();
        while (open_.size() > k) {
          handler_.end_element(open_.back());
          open_.pop_back();
        }
        break;
      }
    }
    return next;
  }

  std::size_t start_tag(std::size_t p) {
    const std::size_t n = in_.size();
    std::size_t i = p + 1;
    std::size_t name_start = i;
    while (i < n && is_name_char(in_[i])) ++i;
    std::string_view name = in_.substr(name_start, i - name_start);
    values_.clear();
    value_spans_.clear();
    names_.clear();
    bool self_closing = false;
    while (i < n) {
      char c = in_[i];
      if (c == '>') {
        ++i;
        break;
      }
      if (c == '/' && i + 1 < n && in_[i + 1] == '>') {
        self_closing = true;
        i += 2;
        break;
      }
      if (c == '<') break;  // unterminated tag: the next markup starts here
      if (!is_name_start(c)) {
        ++i;
        continue;
      }
      std::size_t an = i;
      while (i < n && is_name_char(in_[i])) ++i;
      std::string_view attr = in_.substr(an, i - an);
      std::size_t j = i;
      while (j < n && is_space(in_[j])) ++j;
      std::size_t vstart = values_.size();
      if (j < n && in_[j] == '=') {
        ++j;
        while (j < n && is_space(in_[j])) ++j;
        if (j < n && (in_[j] == '"' || in_[j] == '\'')) {
          char q = in_[j];
          std::size_t close = in_.find(q, j + 1);
          if (close == npos) close = n;
          append_decoded(values_, in_.substr(j + 1, close - j - 1));
          i = close < n ? close + 1 : n;
        } else {
          std::size_t e = j;
          while (e < n && !is_space(in_[e]) && in_[e] != '>' && in_[e] != '<') ++e;
          append_decoded(values_, in_.substr(j, e - j));
          i = e;
        }
      }
      names_.push_back(attr);
      value_spans_.emplace_back(vstart, values_.size() - vstart);
    }
    flush_text();
    attributes_.clear();
    for (std::size_t k = 0; k < names_.size(); ++k) {
      // Whitespace in attribute values is normalized as XML does (§3.3.3).
      std::string_view v(values_.data() + value_spans_[k].first, value_spans_[k].second);
      attributes_.push_back({names_[k], v});
    }
    for (char& c : values_) {
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    handler_.start_element(name, attributes_);
    if (self_closing) {
      handler_.end_element(name);
    } else {
      open_.push_back(name);
    }
    return i;
  }
};

}  // namespace

Repaired repair_xml(std::string_view text, bool extract_cdata) {
  return Repairer(text, extract_cdata).run();
}

void parse_tolerant(std::string_view text, xml::Handler& handler) {
  Tokenizer(text, handler).run();
}

}  // namespace tributary::feeds::recover
