#include "feeds/decode.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

#include <unicode/ucnv.h>

namespace tributary::feeds {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return out;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

struct Bom {
  std::string_view bytes;
  const char* encoding;
};

constexpr Bom kBoms[] = {
    {{"\x00\x00\xFE\xFF", 4}, "utf-32be"}, {{"\xFF\xFE\x00\x00", 4}, "utf-32le"},
    {{"\xEF\xBB\xBF", 3}, "utf-8"},        {{"\xFE\xFF", 2}, "utf-16be"},
    {{"\xFF\xFE", 2}, "utf-16le"},
};

// The encoding named in `<?xml ... encoding="X"?>`, read from ASCII-compatible bytes.
std::string declared_encoding(std::string_view bytes) {
  auto start = bytes.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || bytes.substr(start, 5) != "<?xml") return {};
  auto end = bytes.find("?>", start);
  if (end == std::string_view::npos) return {};
  std::string_view decl = bytes.substr(start, end - start);
  auto pos = decl.find("encoding");
  if (pos == std::string_view::npos) return {};
  pos = decl.find_first_of("\"'", pos);
  if (pos == std::string_view::npos) return {};
  auto close = decl.find(decl[pos], pos + 1);
  if (close == std::string_view::npos) return {};
  return lower(trim(decl.substr(pos + 1, close - pos - 1)));
}

// Sniffs UTF-16/32 without a BOM from the first '<' (XML 1.0 Appendix F).
const char* sniff_wide(std::string_view b) {
  if (b.size() < 4) return nullptr;
  if (b.substr(0, 4) == std::string_view("\x00\x00\x00<", 4)) return "utf-32be";
  if (b.substr(0, 4) == std::string_view("<\x00\x00\x00", 4)) return "utf-32le";
  if (b.substr(0, 4) == std::string_view("\x00<\x00?", 4)) return "utf-16be";
  if (b.substr(0, 4) == std::string_view("<\x00?\x00", 4)) return "utf-16le";
  return nullptr;
}

bool is_utf8_name(std::string_view name) { return name == "utf-8" || name == "utf8"; }

}  // namespace

std::string media_type(std::string_view content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::string content_type_charset(std::string_view content_type) {
  std::size_t pos = 0;
  while ((pos = content_type.find(';', pos)) != std::string_view::npos) {
    ++pos;
    auto param = trim(content_type.substr(pos, content_type.find(';', pos) - pos));
    auto eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    if (lower(trim(param.substr(0, eq))) != "charset") continue;
    auto value = trim(param.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
      value = value.substr(1, value.size() - 2);
    }
    return lower(value);
  }
  return {};
}

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // Fast path: skip ASCII eight bytes at a time.
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      if (w & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p >= end) break;
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0 || end - p <= n) return false;
    char32_t cp = c & (0x3F >> n);
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

bool convert_to_utf8(std::string_view bytes, std::string_view charset, std::string& out,
                     bool& had_errors) {
  UErrorCode status = U_ZERO_ERROR;
  std::string name(charset);
  std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open(name.c_str(), &status),
                                                          ucnv_close);
  if (U_FAILURE(status) || !conv) return false;
  // Count substitutions through the callback context: ICU's default
  // substitutes silently, so compare against a strict pass only on demand.
  out.resize(bytes.size() * 4 + 16);
  const char* src = bytes.data();
  const char* src_end = src + bytes.size();
  std::unique_ptr<UConverter, decltype(&ucnv_close)> utf8(ucnv_open("utf-8", &status), ucnv_close);
  if (U_FAILURE(status)) return false;
  // Detect invalid input by converting with the STOP callback first; on
  // failure fall back to substitution.
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  char* dst = out.data();
  status = U_ZERO_ERROR;
  ucnv_convertEx(utf8.get(), conv.get(), &dst, out.data() + out.size(), &src, src_end, nullptr,
                 nullptr, nullptr, nullptr, true, true, &status);
  had_errors = false;
  if (status == U_ILLEGAL_CHAR_FOUND || status == U_INVALID_CHAR_FOUND ||
      status == U_TRUNCATED_CHAR_FOUND) {
    had_errors = true;
    ucnv_reset(conv.get());
    ucnv_reset(utf8.get());
    status = U_ZERO_ERROR;
    ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_SUBSTITUTE, nullptr, nullptr, nullptr,
                        &status);
    src = bytes.data();
    dst = out.data();
    ucnv_convertEx(utf8.get(), conv.get(), &dst, out.data() + out.size(), &src, src_end, nullptr,
                   nullptr, nullptr, nullptr, true, true, &status);
  }
  if (U_FAILURE(status)) return false;
  out.resize(static_cast<std::size_t>(dst - out.data()));
  return true;
}

Decoded decode_xml(std::string_view bytes, std::string_view content_type) {
  Decoded d;
  std::string chosen;
  std::string_view body = bytes;
  for (const auto& bom : kBoms) {
    if (bytes.starts_with(bom.bytes)) {
      chosen = bom.encoding;
      body = bytes.substr(bom.bytes.size());
      break;
    }
  }
  if (chosen.empty()) {
    if (const char* wide = sniff_wide(bytes)) chosen = wide;
  }
  if (chosen.empty()) chosen = declared_encoding(bytes);
  if (chosen.empty()) chosen = content_type_charset(content_type);
  if (chosen.empty() || chosen == "us-ascii" || chosen == "ascii") {
    // ASCII is a subset of UTF-8; documents labelled ASCII very often are UTF-8.
    chosen = chosen.empty() ? "utf-8" : chosen;
  }

  if (is_utf8_name(chosen) || chosen == "us-ascii" || chosen == "ascii") {
    if (is_valid_utf8(body)) {
      d.text.assign(body);
      d.encoding = is_utf8_name(chosen) ? "utf-8" : chosen;
      return d;
    }
    // Declared UTF-8 but is not: the usual culprit is windows-1252.
    bool errors = false;
    convert_to_utf8(body, "windows-1252", d.text, errors);
    d.encoding = "windows-1252";
    d.bozo = true;
    d.bozo_reason = "decode: document declared as " + chosen + " is not valid UTF-8";
    return d;
  }

  bool errors = false;
  if (convert_to_utf8(body, chosen, d.text, errors)) {
    d.encoding = chosen;
    if (errors) {
      d.bozo = true;
      d.bozo_reason = "decode: invalid bytes for " + chosen;
    }
    return d;
  }
  // Unknown charset name: fall back to UTF-8 if it fits, else windows-1252.
  d.bozo = true;
  d.bozo_reason = "decode: unknown encoding '" + chosen + "'";
  if (is_valid_utf8(body)) {
    d.text.assign(body);
    d.encoding = "utf-8";
  } else {
    convert_to_utf8(body, "windows-1252", d.text, errors);
    d.encoding = "windows-1252";
  }
  return d;
}

}  // namespace tributary::feeds
