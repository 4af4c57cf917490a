#include "feeds/html/tokenizer.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "feeds/html/entities.h"

namespace tributary::feeds::html {
namespace {

// HTML §13.2.5: the tokenizer's whitespace is TAB, LF, FF, CR and SPACE.
constexpr bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}

constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// Which bytes end a tag name, an attribute name and an unquoted value
// (HTML §13.2.5.8, .33, .38): one table look-up per byte in the hot loops.
constexpr std::uint8_t kEndsTagName = 1;
constexpr std::uint8_t kEndsAttributeName = 2;
constexpr std::uint8_t kEndsUnquotedValue = 4;
constexpr std::array<std::uint8_t, 256> kStop = [] {
  std::array<std::uint8_t, 256> t{};
  for (char c : {' ', '\n', '\t', '\r', '\f'}) {
    t[static_cast<unsigned char>(c)] = kEndsTagName | kEndsAttributeName | kEndsUnquotedValue;
  }
  t['/'] = kEndsTagName | kEndsAttributeName;
  t['>'] = kEndsTagName | kEndsAttributeName | kEndsUnquotedValue;
  t['='] = kEndsAttributeName;
  return t;
}();

bool equals_ignore_case(std::string_view text, std::string_view lower_name) {
  if (text.size() != lower_name.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (lower(text[i]) != lower_name[i]) return false;
  }
  return true;
}

// Byte classes for append_text's scan loop.
constexpr std::uint8_t kControl = 1;  // C0 controls but TAB and LF, CR
constexpr std::uint8_t kAmp = 2;      // '&' when decoding
constexpr std::uint8_t kMarkup = 4;   // & < > " when escaping
constexpr std::uint8_t kHigh = 8;     // bytes >= 0x80, unless known valid UTF-8

constexpr std::array<std::uint8_t, 256> kByteClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int b = 0; b < 0x20; ++b) {
    if (b != '\t' && b != '\n') t[b] = kControl;
  }
  for (int b = 0x80; b < 0x100; ++b) t[b] = kHigh;
  t['&'] = kAmp | kMarkup;
  t['<'] = t['>'] = t['"'] = kMarkup;
  return t;
}();

// HTML §13.2.5.80: numeric references to C1 controls mean windows-1252.
constexpr std::array<char32_t, 32> kC1 = {
    0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

constexpr bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

#if !defined(__SSE2__)
// SWAR filter for append_text's scan (Hacker's Delight §6-1): true when the
// eight bytes of `w` may hold a byte of a class in `mask`. False positives
// (TAB, LF) only cost a byte-by-byte look.
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighBits = 0x8080808080808080ull;

std::uint64_t load_word(const unsigned char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
constexpr std::uint64_t has_zero_byte(std::uint64_t w) { return (w - kOnes) & ~w & kHighBits; }
constexpr std::uint64_t has_byte(std::uint64_t w, unsigned char b) { return has_zero_byte(w ^ (kOnes * b)); }

bool word_needs_attention(std::uint64_t w, std::uint8_t mask) {
  std::uint64_t hit = (w - kOnes * 0x20) & ~w & kHighBits;  // < 0x20
  if ((mask & kHigh) != 0) hit |= w & kHighBits;
  if ((mask & (kAmp | kMarkup)) != 0) hit |= has_byte(w, '&');
  if ((mask & kMarkup) != 0) hit |= has_byte(w, '<') | has_byte(w, '>') | has_byte(w, '"');
  return hit != 0;
}
#endif

#if defined(__SSE2__)
// Bit k set when byte k of `v` has a class in `mask`.
inline unsigned special_bits(__m128i v, std::uint8_t mask) {
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i max_control = _mm_set1_epi8(0x1F);
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i amp = _mm_set1_epi8('&');
  const __m128i lt = _mm_set1_epi8('<');
  const __m128i gt = _mm_set1_epi8('>');
  const __m128i quot = _mm_set1_epi8('"');
  // A signed compare takes bytes >= 0x80 (negative) with the controls; an
  // unsigned one (min(v, 0x1F) == v) only the controls.
  const __m128i low = (mask & kHigh) != 0 ? _mm_cmplt_epi8(v, space)
                                          : _mm_cmpeq_epi8(_mm_min_epu8(v, max_control), v);
  __m128i hit = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)), low);
  if ((mask & (kAmp | kMarkup)) != 0) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, amp));
  if ((mask & kMarkup) != 0) {
    hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, lt),
                                         _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot))));
  }
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
}
#endif

// Index of the first byte at or after `i` whose class is in `mask`, or `n`.
// Plain bytes are skipped 16 at a time with SSE2 where there is SSE2 (every
// x86-64), else 8 at a time with the SWAR filter.
std::size_t next_special(const unsigned char* p, std::size_t i, std::size_t n, std::uint8_t mask) {
#if defined(__SSE2__)
  if (n - i < 16 && n >= 16) {
    // Short tail of a longer buffer: one overlapping load ending at n.
    const unsigned bits = special_bits(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16)), mask) >>
                          (i - (n - 16));
    return bits != 0 ? i + static_cast<std::size_t>(__builtin_ctz(bits)) : n;
  }
  while (i + 16 <= n) {
    const unsigned bits = special_bits(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), mask);
    if (bits != 0) return i + static_cast<std::size_t>(__builtin_ctz(bits));
    i += 16;
  }
  if (i < n && n >= 16) {
    const unsigned bits = special_bits(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16)), mask) >>
                          (i - (n - 16));
    return bits != 0 ? i + static_cast<std::size_t>(__builtin_ctz(bits)) : n;
  }
#else
  while (i + 8 <= n && !word_needs_attention(load_word(p + i), mask)) i += 8;
#endif
  while (i < n && (kByteClass[p[i]] & mask) == 0) ++i;
  return i;
}


constexpr std::array<unsigned char, 256> kLower = [] {
  std::array<unsigned char, 256> t{};
  for (int b = 0; b < 256; ++b) t[b] = static_cast<unsigned char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
  return t;
}();

// Length of the well-formed UTF-8 sequence starting at s[i] (a byte >= 0x80),
// per Unicode Table 3-7; 0 when ill-formed, with `bad` set to the length of
// the maximal subpart to replace by one U+FFFD.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::size_t& bad) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 == 0xE0) {
    need = 2, lo = 0xA0;
  } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
    need = 2;
  } else if (b0 == 0xED) {
    need = 2, hi = 0x9F;
  } else if (b0 == 0xF0) {
    need = 3, lo = 0x90;
  } else if (b0 >= 0xF1 && b0 <= 0xF3) {
    need = 3;
  } else if (b0 == 0xF4) {
    need = 3, hi = 0x8F;
  } else {
    bad = 1;
    return 0;
  }
  for (std::size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) {
      bad = k;
      return 0;
    }
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
      bad = k;
      return 0;
    }
  }
  return need + 1;
}

void append_ascii(std::string& out, char c, bool escape) {
  if (escape) {
    switch (c) {
      case '&': out += "&amp;"; return;
      case '<': out += "&lt;"; return;
      case '>': out += "&gt;"; return;
      case '"': out += "&quot;"; return;
      default: break;
    }
  }
  out += c;
}

// A code point produced by a numeric reference, cleaned like raw text.
void append_code_point(std::string& out, std::uint32_t cp, bool escape) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    cp = 0xFFFD;
  } else if (cp >= 0x80 && cp <= 0x9F) {
    cp = kC1[cp - 0x80];
  } else if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) {
    cp = 0xFFFD;  // noncharacters: not allowed in XML output either
  }
  if (cp == '\r') cp = '\n';
  if (cp < 0x20 && cp != '\t' && cp != '\n') return;
  if (cp < 0x80) {
    append_ascii(out, static_cast<char>(cp), escape);
  } else {
    append_utf8(out, static_cast<char32_t>(cp));
  }
}

constexpr std::pair<std::string_view, std::string_view> kCommonEntities[] = {
    {"amp", "&"},
    {"lt", "<"},
    {"gt", ">"},
    {"quot", "\""},
    {"nbsp", "\xC2\xA0"},
    {"apos", "'"},
    {"rsquo", "\xE2\x80\x99"},
    {"lsquo", "\xE2\x80\x98"},
    {"rdquo", "\xE2\x80\x9D"},
    {"ldquo", "\xE2\x80\x9C"},
    {"mdash", "\xE2\x80\x94"},
    {"ndash", "\xE2\x80\x93"},
    {"hellip", "\xE2\x80\xA6"},
    {"copy", "\xC2\xA9"},
};

// Decodes the character reference at s[i] == '&' into `out`; returns the bytes
// consumed, or 0 when it is not a reference (the '&' is then literal).
std::size_t append_reference(std::string& out, std::string_view s, std::size_t i, TextMode mode) {
  const std::size_t n = s.size();
  std::size_t j = i + 1;
  if (j < n && s[j] == '#') {
    ++j;
    const bool hex = j < n && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    std::uint32_t cp = 0;
    const std::size_t first = j;
    for (; j < n; ++j) {
      const char c = s[j];
      int d = (c >= '0' && c <= '9')                ? c - '0'
              : (hex && c >= 'a' && c <= 'f')       ? c - 'a' + 10
              : (hex && c >= 'A' && c <= 'F')       ? c - 'A' + 10
                                                    : -1;
      if (d < 0) break;
      if (cp <= 0x10FFFF) cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
    }
    if (j == first) return 0;
    const std::size_t digits_end = j;
    if (j < n && s[j] == ';') ++j;
    if (mode.escape && !mode.attribute && (cp == '&' || cp == '<' || cp == '>' || cp == '"')) {
      // A markup character must be escaped anyway: keep the author's numeric
      // form ("&#38;" stays "&#38;", as feedparser keeps it), lower-cased.
      for (std::size_t k = i; k < digits_end; ++k) {
        out += static_cast<char>(kLower[static_cast<unsigned char>(s[k])]);
      }
      out += ';';
      return j - i;
    }
    append_code_point(out, cp, mode.escape);
    return j - i;
  }
  // Named: the longest name in the table. Names with ';' can be long (up to
  // 31 letters); the legacy names that match without ';' have at most 6.
  while (j < n && is_alnum(s[j]) && j - i <= 32) ++j;
  const std::size_t len = j - i - 1;
  if (len == 0) return 0;
  std::optional<std::string_view> text;
  std::size_t used = 0;
  if (j < n && s[j] == ';') {
    // The references feeds use most, without a search of the full table.
    const std::string_view name = s.substr(i + 1, len);
    for (const auto& [common, value] : kCommonEntities) {
      if (common == name) {
        text = value;
        break;
      }
    }
    if (!text) text = named_entity(s.substr(i + 1, len + 1));
    used = len + 2;
  }
  if (!text) {
    for (std::size_t k = std::min<std::size_t>(len, 6); k >= 2 && !text; --k) {
      text = named_entity(s.substr(i + 1, k));
      used = k + 1;
    }
    if (!text) return 0;
    // HTML §13.2.5.73: in an attribute, "&copy=1" and "&notx" stay literal.
    const std::size_t next = i + used;
    if (mode.attribute && next < n && (s[next] == '=' || is_alnum(s[next]))) return 0;
  }
  for (char c : *text) append_ascii(out, c, mode.escape);
  return used;
}

}  // namespace

std::size_t append_text(std::string& out, std::string_view raw, TextMode mode) {
  const std::uint8_t mask = static_cast<std::uint8_t>(kControl | (mode.valid_utf8 ? 0 : kHigh) |
                                                      (mode.decode ? kAmp : 0) | (mode.escape ? kMarkup : 0));
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  const std::size_t n = raw.size();
  std::size_t i = 0;
  std::size_t run = 0;  // start of the pending verbatim run
  for (;;) {
    i = next_special(p, i, n, mask);
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c >= 0x80) {
      std::size_t bad = 0;
      if (std::size_t len = utf8_sequence(raw, i, bad)) {
        i += len;  // valid: stays in the run
        continue;
      }
      out.append(raw.data() + run, i - run);
      out += "\xEF\xBF\xBD";
      i += bad;
      run = i;
      continue;
    }
    out.append(raw.data() + run, i - run);
    if (c == '&' && mode.decode) {
      std::size_t used = append_reference(out, raw, i, mode);
      if (used == 0) {
        append_ascii(out, '&', mode.escape);
        used = 1;
      }
      i += used;
    } else if (c == '\r') {
      out += '\n';
      ++i;
      if (i < n && p[i] == '\n') ++i;
    } else if (c < 0x20) {
      ++i;  // other C0 controls are dropped
    } else if (c == '<' && mode.stop_at_lt) {
      return i;
    } else {
      append_ascii(out, static_cast<char>(c), mode.escape);
      ++i;
    }
    run = i;
  }
  out.append(raw.data() + run, n - run);
  return n;
}

Token Tokenizer::next() {
  const std::size_t n = in_.size();
  std::size_t start = pos_;
  std::size_t i = pos_;
  while (i < n) {
    // Mostly the sanitizer has written the text already: a tag starts here.
    const void* hit = in_[i] == '<' ? in_.data() + i : std::memchr(in_.data() + i, '<', n - i);
    if (hit == nullptr) break;
    const std::size_t lt = static_cast<std::size_t>(static_cast<const char*>(hit) - in_.data());
    if (lt + 1 >= n) break;  // a lone '<' at the end is text
    const char c = in_[lt + 1];
    const bool end_tag = c == '/' && lt + 2 < n && is_alpha(in_[lt + 2]);
    const bool markup = is_alpha(c) || c == '!' || c == '?' || (c == '/' && lt + 2 < n);
    if (!markup) {
      i = lt + 1;  // "a < b": the '<' is text
      continue;
    }
    if (lt > start) {  // flush the text before the markup first
      pos_ = lt;
      return Token{TokenKind::text, in_.substr(start, lt - start), false};
    }
    pos_ = lt;
    if (is_alpha(c) || end_tag) {
      // A tag cut off by the end of the input comes back as eof.
      return read_tag(end_tag);
    }
    // Skipped markup: comments, DOCTYPE, <?...>, <![CDATA[...]]>, </>, </ 1>.
    if (in_.compare(lt, 4, "<!--") == 0) {
      std::size_t j = lt + 4;
      if (j < n && in_[j] == '>') {
        pos_ = j + 1;  // "<!-->"
      } else if (j + 1 < n && in_[j] == '-' && in_[j + 1] == '>') {
        pos_ = j + 2;  // "<!--->"
      } else {
        pos_ = n;  // an unclosed comment runs to the end
        for (;;) {
          std::size_t k = in_.find("--", j);
          if (k == std::string_view::npos) break;
          std::size_t m = k + 2;
          while (m < n && in_[m] == '-') ++m;
          if (m < n && in_[m] == '>') {
            pos_ = m + 1;
            break;
          }
          if (m + 1 < n && in_[m] == '!' && in_[m + 1] == '>') {
            pos_ = m + 2;
            break;
          }
          j = m;
        }
      }
    } else {
      // Bogus comment: up to the next '>'.
      std::size_t gt = in_.find('>', lt + 2);
      pos_ = gt == std::string_view::npos ? n : gt + 1;
    }
    start = i = pos_;
  }
  pos_ = n;
  if (n > start) return Token{TokenKind::text, in_.substr(start, n - start), false};
  return Token{};
}

// Reads a tag or attribute name starting at in_[i] up to a byte of class
// `stop` (the first byte is always taken when `first_is_name`) and returns it
// lower-cased with its name_hash, in one pass. A name already in lower case
// (nearly all) is a view of the input; another is lower-cased into names_ and
// comes back as a NameRef into it (names_ may still grow).
Tokenizer::NameRef Tokenizer::read_name(std::size_t& i, std::uint8_t stop, bool first_is_name) {
  const std::size_t n = in_.size();
  const auto* p = reinterpret_cast<const unsigned char*>(in_.data());
  const std::size_t begin = i;
  std::uint32_t h = 2166136261u;
  bool upper = false;
  if (first_is_name && i < n) {
    const unsigned char c = kLower[p[i]];
    upper = c != p[i];
    h = (h ^ c) * 16777619u;
    ++i;
  }
  for (; i < n && (kStop[p[i]] & stop) == 0; ++i) {
    const unsigned char c = kLower[p[i]];
    upper |= c != p[i];
    h = (h ^ c) * 16777619u;
  }
  if (!upper) return {in_.substr(begin, i - begin), 0, 0, h, false};
  const std::size_t at = names_.size();
  names_.append(in_.data() + begin, i - begin);
  for (std::size_t k = at; k < names_.size(); ++k) {
    names_[k] = static_cast<char>(kLower[static_cast<unsigned char>(names_[k])]);
  }
  return {{}, at, names_.size(), h, true};
}

Token Tokenizer::read_tag(bool end_tag) {
  // Attribute values are slices of the input, and so are names in lower
  // case; others are lower-cased into names_ and turned into views once the
  // tag is complete (names_ may grow).
  auto& pending = pending_;
  pending.clear();
  names_.clear();
  attrs_.clear();

  const std::size_t n = in_.size();
  std::size_t i = pos_ + (end_tag ? 2 : 1);
  const NameRef tag = read_name(i, kEndsTagName);
  bool self_closing = false;
  for (;;) {
    while (i < n && is_space(in_[i])) ++i;
    if (i >= n) {
      pos_ = n;
      return Token{};
    }
    char c = in_[i];
    if (c == '>') {
      ++i;
      break;
    }
    if (c == '/') {
      ++i;
      if (i < n && in_[i] == '>') {
        self_closing = true;
        ++i;
        break;
      }
      continue;
    }
    // Attribute name; its first character may be '=' (HTML §13.2.5.32).
    const NameRef name = read_name(i, kEndsAttributeName, /*first_is_name=*/true);
    while (i < n && is_space(in_[i])) ++i;
    if (i >= n) {
      pos_ = n;
      return Token{};
    }
    std::string_view value;
    bool close_after = false;
    if (in_[i] == '=') {
      ++i;
      while (i < n && is_space(in_[i])) ++i;
      if (i >= n) {
        pos_ = n;
        return Token{};
      }
      c = in_[i];
      if (c == '"' || c == '\'') {
        std::size_t close = in_.find(c, i + 1);
        if (close == std::string_view::npos) {
          pos_ = n;
          return Token{};
        }
        value = in_.substr(i + 1, close - i - 1);
        i = close + 1;
      } else if (c == '>') {
        ++i;  // `<a href=>`: empty value, the tag ends
        close_after = true;
      } else {
        const std::size_t b = i;
        while (i < n && (kStop[static_cast<unsigned char>(in_[i])] & kEndsUnquotedValue) == 0) ++i;
        if (i >= n) {
          pos_ = n;
          return Token{};
        }
        value = in_.substr(b, i - b);
      }
    }
    pending.push_back({name, value});
    if (close_after) break;
  }
  pos_ = i;
  if (!end_tag) {
    for (const auto& p : pending) {
      attrs_.push_back({name_of(p.name), p.value, p.name.hash});
    }
  }
  return Token{end_tag ? TokenKind::end_tag : TokenKind::start_tag, name_of(tag), self_closing && !end_tag,
               tag.hash};
}

std::string_view Tokenizer::raw_text(std::string_view name) {
  const std::size_t n = in_.size();
  const std::size_t begin = pos_;
  std::size_t i = pos_;
  while (i < n) {
    const void* hit = std::memchr(in_.data() + i, '<', n - i);
    if (hit == nullptr) break;
    const std::size_t lt = static_cast<std::size_t>(static_cast<const char*>(hit) - in_.data());
    const std::size_t after = lt + 2 + name.size();
    if (after < n && in_[lt + 1] == '/' && equals_ignore_case(in_.substr(lt + 2, name.size()), name) &&
        (is_space(in_[after]) || in_[after] == '/' || in_[after] == '>')) {
      pos_ = lt;
      read_tag(true);  // consumes the end tag (or the rest, if cut off)
      return in_.substr(begin, lt - begin);
    }
    i = lt + 1;
  }
  pos_ = n;
  return in_.substr(begin);
}

std::string_view Tokenizer::rest() {
  std::string_view r = in_.substr(pos_);
  pos_ = in_.size();
  return r;
}

}  // namespace tributary::feeds::html
