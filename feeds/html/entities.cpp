#include "feeds/html/entities.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

namespace tributary::feeds::html {
namespace {

struct NamedEntity {
  std::string_view name;
  std::string_view text;
};

constexpr NamedEntity kEntities[] = {
#include "feeds/html/entity_table.inc"
};

// HTML5 §13.2.5.80: numeric references to C1 controls mean windows-1252.
constexpr std::array<char32_t, 32> kC1 = {
    0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

std::optional<std::string_view> named_entity(std::string_view name) {
  auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                             [](const NamedEntity& e, std::string_view n) { return e.name < n; });
  if (it == std::end(kEntities) || it->name != name) return std::nullopt;
  return it->text;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, amp - i));
    i = amp + 1;
    if (i < text.size() && text[i] == '#') {
      std::size_t j = i + 1;
      bool hex = j < text.size() && (text[j] == 'x' || text[j] == 'X');
      if (hex) ++j;
      std::uint32_t cp = 0;
      std::size_t digits = 0;
      for (; j < text.size(); ++j, ++digits) {
        char c = text[j];
        int d = (c >= '0' && c <= '9')                ? c - '0'
                : (hex && c >= 'a' && c <= 'f')       ? c - 'a' + 10
                : (hex && c >= 'A' && c <= 'F')       ? c - 'A' + 10
                                                      : -1;
        if (d < 0) break;
        if (cp <= 0x10FFFF) cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
      }
      if (digits == 0) {
        out += '&';
        continue;
      }
      if (j < text.size() && text[j] == ';') ++j;
      if (cp >= 0x80 && cp <= 0x9F) cp = kC1[cp - 0x80];
      append_utf8(out, static_cast<char32_t>(cp));
      i = j;
      continue;
    }
    // Named reference: the longest name in the table that prefixes the text.
    std::size_t j = i;
    while (j < text.size() && is_alnum(text[j]) && j - i < 32) ++j;
    bool matched = false;
    if (j < text.size() && text[j] == ';') {
      if (auto e = named_entity(text.substr(i, j + 1 - i))) {
        out.append(*e);
        i = j + 1;
        matched = true;
      }
    }
    for (std::size_t end = j; !matched && end > i; --end) {
      if (auto e = named_entity(text.substr(i, end - i))) {
        out.append(*e);
        i = end;
        matched = true;
      }
    }
    if (!matched) out += '&';
  }
  return out;
}

}  // namespace tributary::feeds::html
