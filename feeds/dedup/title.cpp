#include "feeds/dedup/title.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstring>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "feeds/html/entities.h"

namespace tributary::feeds::dedup {
namespace {

// Eight bytes at a time: this runs on every title.
bool is_ascii(std::string_view s) {
  std::size_t i = 0;
  std::uint64_t high = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    high |= word;
  }
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & 0x8080808080808080ull) == 0;
}

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
char to_upper(char c) { return is_lower(c) ? static_cast<char>(c - 32) : c; }

// `s` without leading and trailing `chars` (a loop: find_first_not_of
// searches `chars` once per byte).
std::string_view trim_chars(std::string_view s, std::string_view chars) {
  auto in = [&](char c) {
    for (char x : chars) {
      if (c == x) return true;
    }
    return false;
  };
  while (!s.empty() && in(s.front())) s.remove_prefix(1);
  while (!s.empty() && in(s.back())) s.remove_suffix(1);
  return s;
}

// Drops a character reference cut off at the end of a title: "Point&",
// "&#82", "&rsq". A trailing "&T" (AT&T) is text: names of references are
// lower case.
bool drop_partial_entity(std::string& t) {
  auto amp = t.rfind('&');
  if (amp == std::string::npos || t.size() - amp - 1 > 8) return false;
  std::string_view rest = std::string_view(t).substr(amp + 1);
  bool partial = rest.empty();
  if (!partial && rest[0] == '#') {
    partial = std::all_of(rest.begin() + 1, rest.end(),
                          [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == 'x'; });
  } else if (!partial) {
    partial = std::all_of(rest.begin(), rest.end(), is_lower);
  }
  if (!partial) return false;
  t.resize(amp);
  return true;
}

std::string nfkc(const std::string& t) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return t;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(t);
  icu::UnicodeString out = n->normalize(s, status);
  if (U_FAILURE(status)) return t;
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

// The ASCII stand-in for a quote or dash code point, or 0.
char fold_punctuation(UChar32 cp) {
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x0060: case 0x00B4:
      return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB: case 0x00BB:
      return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
      return '-';
    default:
      return 0;
  }
}

// Maps quotes and dashes, drops format characters, collapses whitespace.
std::string fold_characters(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  auto push_space = [&] { space = !out.empty(); };
  auto push = [&](std::string_view text) {
    if (space) out += ' ';
    space = false;
    out += text;
  };
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  auto length = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < length;) {
    int32_t start = i;
    UChar32 cp;
    U8_NEXT(bytes, i, length, cp);
    if (cp < 0) continue;  // invalid UTF-8 byte: dropped
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        push_space();
      } else if (cp < 0x20 || cp == 0x7f) {
        continue;
      } else if (c == '`') {
        push("'");
      } else {
        push(std::string_view(&c, 1));
      }
      continue;
    }
    if (char f = fold_punctuation(cp)) {
      push(std::string_view(&f, 1));
    } else if (cp == 0x2026) {
      push("...");
    } else if (u_isUWhiteSpace(cp)) {
      push_space();
    } else if (u_charType(cp) == U_FORMAT_CHAR || u_charType(cp) == U_CONTROL_CHAR) {
      continue;  // zero-width space, soft hyphen, BOM, C1 controls
    } else {
      push(s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
  }
  return out;
}

// Bytes fold_title may change or drop, or that start a reference: controls,
// '`', '&', non-ASCII.
constexpr std::array<bool, 256> kNotPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 0x7f; c <= 0xff; ++c) t[static_cast<std::size_t>(c)] = true;
  t['`'] = true;
  t['&'] = true;
  return t;
}();

// Bit tricks on eight bytes at a time: the high bit of each byte of the
// result is set where the byte is zero (exact, no carries between bytes).
constexpr std::uint64_t kLowBits = 0x7F7F7F7F7F7F7F7Full;
constexpr std::uint64_t kHighBits = 0x8080808080808080ull;
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
std::uint64_t zero_bytes(std::uint64_t x) { return ~(((x & kLowBits) + kLowBits) | x) & kHighBits; }
std::uint64_t bytes_equal(std::uint64_t x, unsigned char c) { return zero_bytes(x ^ (kOnes * c)); }

// Whether fold_title leaves `t` as it is: ASCII without references, only
// printable characters other than '`', single spaces between them. Eight
// bytes at a time: most titles are like this.
bool is_plain_title(std::string_view t) {
  if (t.empty()) return true;
  if (t.front() == ' ' || t.back() == ' ') return false;
  std::size_t i = 0;
  bool space_before = false;  // the byte before t[i] is a space
  for (; i + 8 <= t.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, t.data() + i, 8);
    // Non-ASCII, controls (below 0x20 and 0x7F), '`', '&'.
    std::uint64_t bad = (x & kHighBits) | zero_bytes(x & 0x6060606060606060ull) | bytes_equal(x, 0x7f) |
                        bytes_equal(x, '`') | bytes_equal(x, '&');
    // Two spaces in a row: neighbouring bytes, or t[i] after the last
    // byte of the previous eight.
    std::uint64_t spaces = bytes_equal(x, ' ');
    bad |= spaces & (spaces >> 8);
    constexpr bool kLittle = std::endian::native == std::endian::little;
    constexpr std::uint64_t kFirst = kLittle ? 0x80ull : 0x80ull << 56;
    constexpr std::uint64_t kLast = kLittle ? 0x80ull << 56 : 0x80ull;
    if (bad != 0 || (space_before && (spaces & kFirst) != 0)) return false;
    space_before = (spaces & kLast) != 0;
  }
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (kNotPlain[static_cast<unsigned char>(c)] || (c == ' ' && space_before)) return false;
    space_before = c == ' ';
  }
  return true;
}

// fold_title of ASCII text, appended to `out`: only whitespace and
// controls to fold.
void append_folded_ascii(std::string_view t, std::string& out) {
  const std::size_t start = out.size();
  bool space = false;
  for (char c : t) {
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      space = out.size() > start;
    } else if (c >= 0x20 && c != 0x7f) {
      if (space) out += ' ';
      space = false;
      out += c == '`' ? '\'' : c;
    }
  }
}

// The text inside a leading "[...]" (or CJK lenticular brackets, "【速報】")
// of at most 40 bytes, and in `*end` where the tag ends; "" when there is
// none.
std::string_view leading_tag(std::string_view t, std::size_t* end) {
  static constexpr std::string_view kOpenCjk = "\xe3\x80\x90", kCloseCjk = "\xe3\x80\x91";
  if (t.starts_with('[')) {
    auto close = t.find(']');
    if (close == std::string_view::npos || close < 2 || close > 41) return {};
    std::string_view tag = t.substr(1, close - 1);
    if (tag.find('[') != std::string_view::npos) return {};
    *end = close + 1;
    return tag;
  }
  if (t.starts_with(kOpenCjk)) {
    auto close = t.find(kCloseCjk, kOpenCjk.size());
    if (close == std::string_view::npos || close < kOpenCjk.size() + 2 || close > 41) return {};
    *end = close + kCloseCjk.size();
    return t.substr(kOpenCjk.size(), close - kOpenCjk.size());
  }
  return {};
}

bool names_item(std::string_view tag) { return std::any_of(tag.begin(), tag.end(), is_digit); }

// Length of a leading "[Section] - " / "[Section]: " / "[Section] " (also
// "【速報】"), or 0. A tag with a digit is no section (see item_tag): it
// stays.
std::size_t bracket_prefix_length(std::string_view t) {
  std::size_t n = 0;
  std::string_view tag = leading_tag(t, &n);
  if (tag.empty() || names_item(tag)) return 0;
  while (n < t.size() && t[n] == ' ') ++n;
  while (n < t.size() && (t[n] == '-' || t[n] == ':' || t[n] == '|')) ++n;
  while (n < t.size() && t[n] == ' ') ++n;
  return n;
}

// Length of a leading wire-service tag ("UPDATE 2-", "REFILE-",
// "BREAKING NEWS: ", "Exclusive: ", "VIDEO:"), or 0. A tag ended by a
// dash must be upper case as wires write it, so "Live-action remake" stays.
std::size_t wire_prefix_length(std::string_view t) {
  static constexpr std::string_view kTags[] = {
      "ANALYSIS", "BREAKING", "BREAKING NEWS", "COLUMN", "CORRECTED", "CORRECTION", "EXCLUSIVE",
      "EXPLAINER", "FACTBOX", "FEATURE", "FLASH", "INSIGHT", "LIVE", "PHOTO", "PHOTOS", "PREVIEW",
      "REFILE", "RPT", "UPDATE", "UPDATED", "URGENT", "VIDEO", "WATCH", "WRAPUP"};
  static_assert(std::is_sorted(std::begin(kTags), std::end(kTags)));
  std::size_t n = 0;
  while (n < t.size() && (is_alpha(t[n]) || (t[n] == ' ' && n + 1 < t.size() && is_alpha(t[n + 1]) &&
                                             n < 9))) {
    ++n;
  }
  std::string_view word = t.substr(0, n);
  constexpr std::size_t kLongestTag = 13;  // "BREAKING NEWS"
  if (word.size() > kLongestTag) {
    auto space = word.find(' ');
    if (space == std::string_view::npos || space > kLongestTag) return 0;
  }
  std::array<char, kLongestTag> buffer{};
  std::size_t length = std::min(word.size(), kLongestTag);
  for (std::size_t i = 0; i < length; ++i) buffer[i] = to_upper(word[i]);
  std::string_view upper(buffer.data(), length);
  // "BREAKING NEWS" is one tag; "LIVE Nation" is not a tag at all.
  if (word.size() > kLongestTag || !std::binary_search(std::begin(kTags), std::end(kTags), upper)) {
    auto space = word.find(' ');
    if (space == std::string_view::npos) return 0;
    n = space;
    word = word.substr(0, space);
    upper = upper.substr(0, space);
    if (!std::binary_search(std::begin(kTags), std::end(kTags), upper)) return 0;
  }
  bool upper_case = std::none_of(word.begin(), word.end(), is_lower);
  while (n < t.size() && t[n] == ' ') ++n;
  while (n < t.size() && is_digit(t[n])) ++n;
  while (n < t.size() && t[n] == ' ') ++n;
  if (n >= t.size()) return 0;
  if (t[n] == ':') {
    ++n;
  } else if (t[n] == '-' && upper_case) {
    while (n < t.size() && t[n] == '-') ++n;
  } else {
    return 0;
  }
  while (n < t.size() && t[n] == ' ') ++n;
  return n;
}

bool is_known_credit(std::string_view name, const Publishers* publishers) {
  // Wire services re-published everywhere, known without having a feed.
  static constexpr std::string_view kWires[] = {
      "afp", "ap", "apnews", "associatedpress", "bloomberg", "dpa", "interfax", "reuters", "tass", "upi"};
  static_assert(std::is_sorted(std::begin(kWires), std::end(kWires)));
  auto key = publisher_key(name);
  if (key.empty()) return false;
  if (std::binary_search(std::begin(kWires), std::end(kWires), key)) return true;
  return publishers != nullptr && publishers->contains_key(key);
}

// Length of a leading "Publisher: " naming a known publisher, or 0.
std::size_t publisher_prefix_length(std::string_view t, const Publishers* publishers) {
  auto colon = t.find(": ");
  if (colon == std::string_view::npos || colon < 2 || colon > 40) return 0;
  if (!is_known_credit(t.substr(0, colon), publishers)) return 0;
  return colon + 2;
}

// Words that open a sentence. After a letter with no separator, only one of
// these may start a glued first sentence, so CamelCase names stay whole.
bool is_sentence_opener(std::string_view word) {
  static constexpr std::string_view kOpeners[] = {
      "A", "According", "After", "An", "As", "At", "Before", "But", "By", "Despite", "During", "Following",
      "For", "From", "He", "Her", "His", "How", "If", "In", "It", "Its", "Many", "More", "Most", "On", "One",
      "She", "So", "Some", "That", "The", "Their", "There", "These", "They", "This", "Those", "Three",
      "Two", "We", "When", "While"};
  return std::find(std::begin(kOpeners), std::end(kOpeners), word) != std::end(kOpeners);
}

std::size_t count_words(std::string_view s) {
  std::size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    bool w = c != ' ';
    if (w && !in_word) ++n;
    in_word = w;
  }
  return n;
}

// Where a first sentence glued onto the headline begins, or 0. Only long
// titles qualify (a headline plus a sentence); the boundary is an upper-case
// letter followed by a lower-case one right after '?', '!', a sentence
// '.', a closing quote, or - when a sentence opener follows - a letter.
std::size_t glued_boundary(std::string_view t) {
  constexpr std::size_t kMinLength = 100;
  constexpr std::size_t kMaxHeadline = 160;
  if (t.size() < kMinLength) return 0;
  int open_quotes = 0;
  for (std::size_t b = 1; b + 1 < t.size() && b <= kMaxHeadline; ++b) {
    char prev = t[b - 1];
    if ((prev == '\'' || prev == '"') && (b < 2 || t[b - 2] == ' ')) ++open_quotes;
    if (!is_upper(t[b]) || !is_lower(t[b + 1])) continue;
    bool boundary = false;
    if (prev == '?' || prev == '!') {
      boundary = true;
    } else if (prev == '.') {
      boundary = b >= 2 && is_lower(t[b - 2]);  // "war.A master's", not "U.S.Army"
    } else if (prev == '\'' || prev == '"') {
      boundary = open_quotes > 0 && b >= 2 && t[b - 2] != ' ';  // a closing quote
    } else if (is_alpha(prev) || is_digit(prev)) {
      std::size_t e = b;
      while (e < t.size() && is_alpha(t[e])) ++e;
      boundary = is_sentence_opener(t.substr(b, e - b)) && e < t.size() && t[e] == ' ';
    }
    if (!boundary) continue;
    if (count_words(t.substr(0, b)) < 3 || count_words(t.substr(b)) < 6) continue;
    return b;
  }
  return 0;
}

// Length of the title without a trailing ellipsis, or t.size().
std::size_t without_ellipsis(std::string_view t) {
  std::string_view s = trim_chars(t, " ");
  if (!s.ends_with("...")) return t.size();
  s.remove_suffix(3);
  while (s.ends_with('.')) s.remove_suffix(1);
  return trim_chars(s, " ").size() + static_cast<std::size_t>(s.data() - t.data());
}

// Length of the credit separator (" | ", " - ", " :: ", " -- ") at
// position i, or 0. One pass over the title instead of one find() per
// separator kind: this runs for every item.
std::size_t separator_at(std::string_view t, std::size_t i) {
  if (t[i] != ' ' || i + 2 >= t.size()) return 0;
  char c = t[i + 1];
  if ((c == '|' || c == '-') && t[i + 2] == ' ') return 3;
  if ((c == ':' && t[i + 2] == ':') || (c == '-' && t[i + 2] == '-')) {
    return i + 3 < t.size() && t[i + 3] == ' ' ? 4 : 0;
  }
  return 0;
}

// Length of the title without a trailing credit naming a known publisher
// (" - Reuters", " | About - News & Issues", " :: Site"), or t.size(). The
// leftmost separator whose tail is a known name wins.
std::size_t without_credit(std::string_view t, const Publishers* publishers) {
  constexpr std::size_t kMinTitle = 12;
  for (std::size_t i = kMinTitle; i < t.size(); ++i) {
    std::size_t n = separator_at(t, i);
    if (n == 0) continue;
    std::string_view tail = trim_chars(t.substr(i + n), " ");
    if (tail.size() <= 60 && is_known_credit(tail, publishers)) return i;
  }
  return t.size();
}

// Where the last `sep` (a credit separator: ' ', then not ' ') in `t`
// starts, or npos. Not std::string_view::rfind, which compares at every
// position.
std::size_t last_separator(std::string_view t, std::string_view sep) {
  if (t.size() < sep.size()) return std::string_view::npos;
  for (std::size_t i = t.size() - sep.size() + 1; i-- > 0;) {
    if (t[i + 1] == sep[1] && t[i] == sep[0] && t.substr(i, sep.size()) == sep) return i;
  }
  return std::string_view::npos;
}

// Length of a truncated title without a credit the cut went through
// ("... tastes | The  ..." where "The" opens a known name), or t.size().
std::size_t without_cut_credit(std::string_view t, const Publishers* publishers) {
  if (publishers == nullptr) return t.size();
  constexpr std::size_t kMinTitle = 12;
  std::size_t best = t.size();
  for (std::string_view sep : {std::string_view(" | "), std::string_view(" - "), std::string_view(" :: ")}) {
    auto pos = last_separator(t, sep);
    if (pos == std::string_view::npos || pos < kMinTitle) continue;
    std::string key = publisher_key(t.substr(pos + sep.size()));
    if (key.size() >= 3 && publishers->has_prefix(key)) best = std::min(best, pos);
  }
  return best;
}

}  // namespace

std::string fold_title(std::string_view raw, std::uint32_t* flags) {
  std::string out;
  append_folded_title(raw, out, flags);
  return out;
}

void append_folded_title(std::string_view raw, std::string& out, std::uint32_t* flags) {
  if (is_plain_title(raw)) {
    out += raw;
    return;
  }
  if (raw.find('&') == std::string_view::npos && is_ascii(raw)) {
    append_folded_ascii(raw, out);
    return;
  }
  std::string t(raw);
  // A reference cut off by a length limit: drop it before decoding, or
  // "&#82" (of "&#8217;") would decode to "R".
  bool partial = drop_partial_entity(t);
  for (int round = 0; round < 2 && t.find('&') != std::string::npos; ++round) {
    std::string decoded = html::decode_entities(t);
    if (decoded == t) break;
    t = std::move(decoded);
  }
  partial = drop_partial_entity(t) || partial;  // "&amp;rsq" decodes to "&rsq"
  if (partial && flags != nullptr) *flags |= kTitlePartialEntity;
  if (is_ascii(t)) {
    append_folded_ascii(t, out);
  } else {
    out += fold_characters(nfkc(t));
  }
}

CleanTitle clean_title(std::string_view raw, const TitleRules& rules) {
  std::uint32_t flags = 0;
  std::string folded = fold_title(raw, &flags);
  return clean_folded_title(folded, flags, rules);
}

CleanTitle clean_folded_title(std::string_view folded, std::uint32_t flags, const TitleRules& rules) {
  CleanTitle out;
  out.flags = flags;
  out.text = clean_folded_view(folded, &out.flags, rules);
  return out;
}

std::string_view clean_folded_view(std::string_view folded, std::uint32_t* flags, const TitleRules& rules) {
  struct {
    std::uint32_t flags;
    bool has(TitleFlag f) const { return (flags & f) != 0; }
  } out{*flags};
  std::string_view t = folded;
  // A wrapper is removed only when this much title remains behind it.
  constexpr std::size_t kMinRest = 8;
  auto strip = [&](std::size_t n, TitleFlag flag) {
    if (n == 0 || t.size() < n + kMinRest) return false;
    t.remove_prefix(n);
    out.flags |= flag;
    return true;
  };
  for (int round = 0; round < 4; ++round) {
    bool changed = strip(bracket_prefix_length(t), kTitleBracketPrefix);
    changed = strip(wire_prefix_length(t), kTitleWirePrefix) || changed;
    for (const std::string& prefix : rules.feed_prefixes) {
      if (t.starts_with(prefix) && strip(prefix.size(), kTitleLearnedPrefix)) {
        changed = true;
        break;
      }
    }
    changed = strip(publisher_prefix_length(t, rules.publishers), kTitlePublisherPrefix) || changed;
    if (!changed) break;
  }
  if (std::size_t b = glued_boundary(t)) {
    t = t.substr(0, b);
    out.flags |= kTitleGluedSentence;
  }
  for (int round = 0; round < 3; ++round) {
    std::size_t before = t.size();
    if (std::size_t n = without_ellipsis(t); n < t.size()) {
      t = t.substr(0, n);
      out.flags |= kTitleTruncated;
    }
    std::size_t n = without_credit(t, rules.publishers);
    if (n == t.size() && out.has(kTitleTruncated)) n = without_cut_credit(t, rules.publishers);
    if (n < t.size()) {
      t = t.substr(0, n);
      out.flags |= kTitlePublisherSuffix;
      // The cut fell inside the credit ("... tastes | The ..."): the
      // headline before it is whole.
      out.flags &= ~static_cast<std::uint32_t>(kTitleTruncated);
    }
    if (t.size() == before) break;
  }
  t = trim_chars(t, " -|:");
  *flags = out.flags;
  return t.empty() ? folded : t;
}

std::string display_title(std::string_view title) {
  std::string t(title);
  // Plain text: a reference left in it was escaped twice at the source.
  drop_partial_entity(t);
  if (t.find('&') != std::string::npos) t = html::decode_entities(t);
  drop_partial_entity(t);
  // The title with quotes and dashes folded as clean_title sees them, and
  // for every byte of it the offset of the character it came from in `t`.
  std::string folded;
  std::vector<std::size_t> from;
  const auto* bytes = reinterpret_cast<const uint8_t*>(t.data());
  auto length = static_cast<int32_t>(t.size());
  for (int32_t i = 0; i < length;) {
    int32_t start = i;
    UChar32 cp;
    U8_NEXT(bytes, i, length, cp);
    char f = cp < 0 ? '?' : fold_punctuation(cp);
    std::string_view text = f != 0 ? std::string_view(&f, 1)
                                   : std::string_view(t).substr(static_cast<std::size_t>(start),
                                                                static_cast<std::size_t>(i - start));
    folded += text;
    from.insert(from.end(), text.size(), static_cast<std::size_t>(start));
  }
  from.push_back(t.size());
  std::size_t begin = bracket_prefix_length(folded);
  constexpr std::size_t kMinRest = 8;  // as clean_title: a real title remains
  if (begin + kMinRest > folded.size()) begin = 0;
  std::size_t end = folded.size();
  if (std::size_t b = glued_boundary(std::string_view(folded).substr(begin))) end = begin + b;
  return std::string(trim_chars(std::string_view(t).substr(from[begin], from[end] - from[begin]), " "));
}

std::string case_fold(std::string_view utf8) {
  if (is_ascii(utf8)) {
    std::string out(utf8);
    for (char& c : out) c = is_upper(c) ? static_cast<char>(c + 32) : c;
    return out;
  }
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  s.foldCase();
  std::string out;
  s.toUTF8String(out);
  return out;
}

namespace {

// Scripts written without spaces: every character is a word of its own, so
// a Japanese or Chinese headline has as many "words" as characters.
bool is_unspaced_script(UChar32 cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) ||  // Hiragana, Katakana
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // CJK Extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK Unified Ideographs
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK Compatibility Ideographs
         (cp >= 0x20000 && cp <= 0x2FA1F);  // CJK Extensions B-F, supplement
}

// Appends to `words` reusing the capacity of strings already there.
class WordSink {
 public:
  explicit WordSink(std::vector<std::string>& words) : words_(words) {}
  ~WordSink() { words_.resize(count_); }
  WordSink(const WordSink&) = delete;
  WordSink& operator=(const WordSink&) = delete;
  std::string& open() {
    if (!open_) {
      if (count_ == words_.size()) words_.emplace_back();
      words_[count_].clear();
      open_ = true;
    }
    return words_[count_];
  }
  void close() {
    if (open_) ++count_;
    open_ = false;
  }
  bool is_open() const { return open_; }

 private:
  std::vector<std::string>& words_;
  std::size_t count_ = 0;
  bool open_ = false;
};

}  // namespace

// The ASCII characters of words (letters, digits, '$', '%'), lower-cased;
// 0 for the others.
constexpr std::array<char, 256> kWordChars = [] {
  std::array<char, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = static_cast<char>(c);
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = static_cast<char>(c + 32);
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<char>(c);
  t['$'] = '$';
  t['%'] = '%';
  return t;
}();

void title_words_into(std::string_view clean, std::vector<std::string>& words) {
  WordSink sink(words);
  if (is_ascii(clean)) {  // the common case, without ICU
    // Runs of word characters are appended whole, lower-cased.
    auto word_char = [](char c) { return kWordChars[static_cast<unsigned char>(c)] != 0; };
    std::size_t i = 0;
    while (i < clean.size()) {
      if (!word_char(clean[i])) {
        ++i;
        continue;
      }
      std::string& word = sink.open();
      for (;;) {
        std::size_t end = i;
        while (end < clean.size() && word_char(clean[end])) ++end;
        std::size_t start = word.size();
        word.resize(start + (end - i));
        for (std::size_t w = start; i < end; ++w, ++i) word[w] = kWordChars[static_cast<unsigned char>(clean[i])];
        // "what's" -> "whats": an apostrophe before a letter or digit
        // continues the word.
        if (i + 1 < clean.size() && clean[i] == '\'' && (is_alpha(clean[i + 1]) || is_digit(clean[i + 1]))) {
          ++i;
          continue;
        }
        break;
      }
      sink.close();
    }
    return;
  }
  std::string folded = case_fold(clean);
  const auto* bytes = reinterpret_cast<const uint8_t*>(folded.data());
  auto length = static_cast<int32_t>(folded.size());
  for (int32_t i = 0; i < length;) {
    int32_t start = i;
    UChar32 cp;
    U8_NEXT(bytes, i, length, cp);
    auto piece = [&] { return std::string_view(folded).substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)); };
    if (cp >= 0x80 && is_unspaced_script(cp)) {
      sink.close();
      sink.open() += piece();
      sink.close();
      continue;
    }
    bool word_char = cp < 0x80 ? (is_lower(static_cast<char>(cp)) || is_digit(static_cast<char>(cp)) ||
                                  cp == '$' || cp == '%')
                               : (cp > 0 && (u_isalnum(cp) || u_charType(cp) == U_NON_SPACING_MARK));
    if (word_char) {
      sink.open() += piece();
      continue;
    }
    // An apostrophe inside a word joins it: "what's" -> "whats".
    if (cp == '\'' && sink.is_open() && i < length) {
      int32_t peek = i;
      UChar32 next;
      U8_NEXT(bytes, peek, length, next);
      if (next > 0 && u_isalnum(next)) continue;
    }
    sink.close();
  }
  sink.close();
}

std::size_t title_key_into(std::string_view clean, std::string& key) {
  key.clear();
  if (!is_ascii(clean)) {
    std::vector<std::string> words;
    title_words_into(clean, words);
    for (const auto& w : words) {
      if (!key.empty()) key += ' ';
      key += w;
    }
    return words.size();
  }
  // title_words_into's ASCII path in one pass, writing the words joined:
  // the key is never longer than the title.
  key.resize(clean.size());
  char* out = key.data();
  std::size_t words = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    if (char c = kWordChars[static_cast<unsigned char>(clean[i])]; c != 0) {
      if (!in_word && words++ > 0) *out++ = ' ';
      in_word = true;
      *out++ = c;
    } else if (in_word && clean[i] == '\'' && i + 1 < clean.size() && (is_alpha(clean[i + 1]) || is_digit(clean[i + 1]))) {
      continue;  // "what's" -> "whats"
    } else {
      in_word = false;
    }
  }
  key.resize(static_cast<std::size_t>(out - key.data()));
  return words;
}

std::vector<std::string> title_words(std::string_view clean) {
  std::vector<std::string> words;
  title_words_into(clean, words);
  return words;
}

std::string_view item_tag(std::string_view clean) {
  std::size_t end = 0;
  std::string_view tag = leading_tag(clean, &end);
  return names_item(tag) ? tag : std::string_view();
}

std::size_t label_prefix_length(std::string_view clean) {
  constexpr std::size_t kMaxLabel = 32;
  constexpr std::size_t kMinRest = 12;
  constexpr int kMaxSpaces = 2;  // three words
  int spaces = 0;
  auto at = [&](std::size_t i, char a, char b, char c) {
    return i + 2 < clean.size() && clean[i] == a && clean[i + 1] == b && clean[i + 2] == c;
  };
  for (std::size_t i = 1; i < clean.size() && i <= kMaxLabel; ++i) {
    std::size_t n = 0;
    if (clean[i] == ':' && i + 1 < clean.size() && clean[i + 1] == ' ') {
      n = i + 2;
    } else if (at(i, ' ', ':', ' ') || at(i, ' ', '-', ' ') || at(i, ' ', '|', ' ')) {
      n = i + 3;
    } else if (clean[i] == ' ' && ++spaces > kMaxSpaces) {
      return 0;
    }
    if (n == 0) continue;
    while (n < clean.size() && clean[n] == ' ') ++n;
    return clean.size() >= n + kMinRest ? n : 0;
  }
  return 0;
}

std::string title_key(std::span<const std::string> words) {
  std::string key;
  for (const auto& w : words) {
    if (!key.empty()) key += ' ';
    key += w;
  }
  return key;
}

}  // namespace tributary::feeds::dedup
