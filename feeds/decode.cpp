#include "feeds/decode.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

#include <simdjson.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <vector>

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

// A charset name as given, lower case; "" when it has characters no charset
// name has (RFC 2978 §2.3 allows letters, digits and a few punctuation marks).
std::string charset_name(std::string_view s) {
  s = trim(s);
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':' || c == '+';
    if (!ok) return {};
  }
  return lower(s);
}

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
  return charset_name(decl.substr(pos + 1, close - pos - 1));
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
    return charset_name(value);
  }
  return {};
}

bool is_valid_utf8(std::string_view s) {
  // Unicode 15 §3.9 Table 3-7 (well-formed byte sequences), checked by
  // simdjson's vectorized validator (the fastest kernel the CPU has, chosen
  // at run time): a feed in Cyrillic or CJK is mostly multi-byte sequences.
  return simdjson::validate_utf8(s.data(), s.size());
}

namespace {

// The UTF-8 form of one code point below U+10000, padded to three bytes.
struct Utf8Bytes {
  std::uint8_t len;
  char b[3];
};

Utf8Bytes utf8_bytes(char32_t cp) {
  if (cp < 0x80) return {1, {static_cast<char>(cp), 0, 0}};
  if (cp < 0x800) {
    return {2, {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F)), 0}};
  }
  return {3, {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
              static_cast<char>(0x80 | (cp & 0x3F))}};
}

bool eight_ascii(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return (w & 0x8080808080808080ull) == 0;
}

// Single-byte text to UTF-8 through a per-byte table; runs of ASCII (the
// markup, and most of a Latin-1 text) are copied eight bytes at a time.
void encode_with(std::string_view bytes, const std::array<Utf8Bytes, 256>& enc, std::string& out) {
  auto buf = std::make_unique_for_overwrite<char[]>(bytes.size() * 3 + 3);
  char* o = buf.get();
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  while (p < end) {
    if (end - p >= 8 && eight_ascii(p)) {
      std::memcpy(o, p, 8);
      o += 8;
      p += 8;
      continue;
    }
    const Utf8Bytes& e = enc[static_cast<unsigned char>(*p++)];
    std::memcpy(o, e.b, 3);
    o += e.len;
  }
  out.assign(buf.get(), static_cast<std::size_t>(o - buf.get()));
}

}  // namespace

bool convert_to_utf8(std::string_view bytes, std::string_view charset, std::string& out,
                     bool& had_errors) {
  UErrorCode status = U_ZERO_ERROR;
  std::string name(charset);
  std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open(name.c_str(), &status),
                                                          ucnv_close);
  if (U_FAILURE(status) || !conv) return false;
  if (ucnv_getMaxCharSize(conv.get()) == 1) {
    // A single-byte charset (windows-125x, ISO-8859-x, KOI8-R, ...): ICU
    // decodes each of the 256 bytes once, then a table does the document.
    ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
    std::array<char32_t, 256> table{};
    for (int b = 0; b < 256; ++b) {
      char in = static_cast<char>(b);
      UChar u[4];
      status = U_ZERO_ERROR;
      int32_t n = ucnv_toUChars(conv.get(), u, 4, &in, 1, &status);
      table[static_cast<std::size_t>(b)] = U_SUCCESS(status) && n == 1 ? u[0] : 0xFFFFFFFF;
    }
    std::array<Utf8Bytes, 256> enc{};
    std::array<bool, 256> unmapped{};
    bool any_unmapped = false;
    for (std::size_t b = 0; b < 256; ++b) {
      unmapped[b] = table[b] == 0xFFFFFFFF;
      any_unmapped = any_unmapped || unmapped[b];
      enc[b] = utf8_bytes(unmapped[b] ? 0xFFFD : table[b]);
    }
    had_errors = false;
    if (any_unmapped) {
      for (char ch : bytes) had_errors = had_errors || unmapped[static_cast<unsigned char>(ch)];
    }
    encode_with(bytes, enc, out);
    return true;
  }
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

namespace {

bool is_ascii(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ull) return false;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) return false;
  }
  return true;
}

// Length of the well-formed UTF-8 sequence starting at s[i], a byte >= 0x80
// (Unicode Table 3-7); 0 when none starts there. For the byte-wise passes
// over documents that are not valid UTF-8 as a whole.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i <= need) return 0;
  for (std::size_t k = 1; k <= need; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
  }
  return need + 1;
}

// Counts valid multi-byte UTF-8 sequences and invalid bytes.
void utf8_census(std::string_view s, std::size_t& multibyte, std::size_t& invalid) {
  multibyte = invalid = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    if (std::size_t n = utf8_sequence_length(s, i)) {
      ++multibyte;
      i += n;
    } else {
      ++invalid;
      ++i;
    }
  }
}

// UTF-8 with every invalid byte read as windows-1252.
std::string mixed_utf8(std::string_view s) {
  static constexpr char32_t kCp1252[32] = {
      0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
  std::string out;
  out.reserve(s.size() + 16);
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (std::size_t n = utf8_sequence_length(s, i)) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    char32_t cp = c < 0xA0 ? kCp1252[c - 0x80] : c;
    if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    ++i;
  }
  return out;
}

// ISO-8859-1 to UTF-8 without ICU (the commonest legacy charset).
std::string latin1_to_utf8(std::string_view s) {
  std::array<Utf8Bytes, 256> enc{};
  for (std::size_t b = 0; b < 256; ++b) enc[b] = utf8_bytes(static_cast<char32_t>(b));
  std::string out;
  encode_with(s, enc, out);
  return out;
}

bool is_single_byte_legacy(std::string_view name) {
  return name.starts_with("iso-8859-") || name.starts_with("windows-125") ||
         name.starts_with("latin") || name == "cp1252" || name == "koi8-r" || name == "koi8-u";
}

bool is_utf16_or_32_name(std::string_view n) {
  static constexpr std::string_view kNames[] = {
      "u16", "utf-16", "utf16", "utf_16", "u32", "utf-32", "utf32", "utf_32",
      "iso-10646-ucs-2", "iso-10646-ucs-4", "csucs4", "csunicode", "ucs-2", "ucs-4"};
  for (auto k : kNames) {
    if (n == k) return true;
  }
  return false;
}

// ICU has no Thai detector. TIS-620 (windows-874 adds punctuation at
// 0x80-0x97) is recognized by Thai spelling: every byte >= 0x80 a Thai
// character, vowel and tone marks (which sit on a consonant) only after a
// consonant or another mark, leading vowels only before a consonant. Runs of
// such bytes of odd length tell it from the two-byte CJK charsets (EUC-KR
// Hangul also sits in these ranges). Returns the charset, or "".
std::string_view thai_charset(std::string_view bytes) {
  auto consonant = [](unsigned char b) { return b >= 0xA1 && b <= 0xCE; };
  auto mark = [](unsigned char b) { return b == 0xD1 || (b >= 0xD4 && b <= 0xDA) || (b >= 0xE7 && b <= 0xEE); };
  auto leading = [](unsigned char b) { return b >= 0xE0 && b <= 0xE4; };
  std::size_t marks = 0, misplaced = 0, runs = 0, odd_runs = 0, run = 0;
  bool windows = false;
  unsigned char prev = 0;
  for (std::size_t i = 0; i <= bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(i < bytes.size() ? bytes[i] : ' ');
    if (b < 0x80) {
      if (leading(prev)) ++misplaced;
      if (run > 0) {
        ++runs;
        odd_runs += run % 2;
        run = 0;
      }
      prev = b;
      continue;
    }
    ++run;
    if (b == 0x80 || b == 0x85 || (b >= 0x91 && b <= 0x97)) {
      windows = true;
    } else if (b < 0xA1 || (b >= 0xDB && b <= 0xDE) || b >= 0xFC) {
      return {};
    }
    if (mark(b)) {
      ++marks;
      if (!consonant(prev) && !mark(prev)) ++misplaced;
    }
    if (leading(prev) && !consonant(b)) ++misplaced;
    prev = b;
  }
  if (marks < 8 || misplaced * 20 > marks || odd_runs * 5 < runs) return {};
  return windows ? "windows-874" : "tis-620";
}

}  // namespace

std::string detect_charset(std::string_view bytes, bool markup) {
  UErrorCode status = U_ZERO_ERROR;
  UCharsetDetector* det = ucsdet_open(&status);
  if (U_FAILURE(status)) return {};
  std::string name;
  ucsdet_enableInputFilter(det, markup);
  ucsdet_setText(det, bytes.data(), static_cast<int32_t>(std::min<std::size_t>(bytes.size(), 1 << 20)),
                 &status);
  const UCharsetMatch* m = U_SUCCESS(status) ? ucsdet_detect(det, &status) : nullptr;
  int32_t confidence = 0;
  if (m && U_SUCCESS(status)) {
    const char* n = ucsdet_getName(m, &status);
    if (U_SUCCESS(status) && n) name = lower(n);
    confidence = ucsdet_getConfidence(m, &status);
  }
  // Read Hebrew as windows-1255, the superset of ISO-8859-8 that Hebrew
  // text without a declaration is nearly always in.
  if (name == "iso-8859-8" || name == "iso-8859-8-i") name = "windows-1255";
  if (confidence < 100) {  // Thai gets a guess at best (Latin-1, or a CJK charset)
    std::string_view thai = thai_charset(bytes.substr(0, 1 << 20));
    if (!thai.empty()) name = thai;
  }
  ucsdet_close(det);
  return name;
}

namespace {

// Tries to read `body` as `name`; true with d.text filled (or with `borrow`
// and nothing to convert, d.borrowed_text) when every byte is valid in it.
bool try_decode(std::string_view body, const std::string& name, bool borrow, Decoded& d) {
  std::string& out = d.text;
  if (is_utf8_name(name) || name == "us-ascii" || name == "ascii") {
    if (is_utf8_name(name) ? !is_valid_utf8(body) : !is_ascii(body)) return false;
    if (borrow) {
      d.borrowed = true;
      d.borrowed_text = body;
    } else {
      out.assign(body);
    }
    return true;
  }
  if (name == "iso-8859-1" || name == "latin1" || name == "latin-1" || name == "iso8859-1") {
    out = latin1_to_utf8(body);
    return true;
  }
  bool errors = false;
  if (!convert_to_utf8(body, name, out, errors)) return false;
  return !errors;
}

}  // namespace

Decoded decode_xml(std::string_view bytes, std::string_view content_type, bool borrow) {
  Decoded d;
  std::string bom_encoding;
  std::string_view body = bytes;
  for (const auto& bom : kBoms) {
    if (bytes.starts_with(bom.bytes)) {
      // FF FE 00 00 is UTF-32LE; FF FE followed by two zero bytes is not UTF-16.
      bom_encoding = bom.encoding;
      body = bytes.substr(bom.bytes.size());
      break;
    }
  }
  if (bom_encoding.empty()) {
    if (const char* wide = sniff_wide(bytes)) bom_encoding = wide;
  }

  // The XML declaration, read through the BOM's encoding when there is one.
  std::string xml_encoding;
  if (bom_encoding.empty() || bom_encoding == "utf-8") {
    xml_encoding = declared_encoding(body);
  } else {
    std::string head;
    bool errors = false;
    std::string_view prefix = body.substr(0, 1024);
    prefix = prefix.substr(0, prefix.size() - prefix.size() % 4);
    if (convert_to_utf8(prefix, bom_encoding, head, errors)) xml_encoding = declared_encoding(head);
    if (is_utf16_or_32_name(xml_encoding)) xml_encoding = bom_encoding;
  }

  std::string http_encoding = content_type_charset(content_type);
  std::erase(http_encoding, '\'');
  std::string media = media_type(content_type);
  bool acceptable = false;
  std::string rfc3023;
  if (media == "application/xml" || media == "application/xml-dtd" ||
      media == "application/xml-external-parsed-entity" ||
      (media.starts_with("application/") && media.ends_with("+xml"))) {
    acceptable = true;
    rfc3023 = !http_encoding.empty() ? http_encoding : !xml_encoding.empty() ? xml_encoding : "utf-8";
  } else if (media == "text/xml" || media == "text/xml-external-parsed-entity" ||
             (media.starts_with("text/") && media.ends_with("+xml"))) {
    acceptable = true;
    rfc3023 = !http_encoding.empty() ? http_encoding : "us-ascii";
  } else if (media.starts_with("text/")) {
    rfc3023 = !http_encoding.empty() ? http_encoding : "us-ascii";
  } else {
    rfc3023 = !xml_encoding.empty() ? xml_encoding : "utf-8";
  }
  if (rfc3023 == "gb2312") rfc3023 = "gb18030";
  if (xml_encoding == "gb2312") xml_encoding = "gb18030";
  if (!content_type.empty() && !acceptable) {
    d.bozo = true;
    d.bozo_reason = "decode: " + (is_valid_utf8(media) ? media : std::string("the media type")) +
                    " is not an XML media type";
  }

  // A wrong legacy declaration on a UTF-8 document.
  if (http_encoding.empty() && is_single_byte_legacy(rfc3023) && rfc3023 == xml_encoding &&
      !is_ascii(body) && is_valid_utf8(body)) {
    d.text.assign(body);
    d.encoding = "utf-8";
    d.bozo = true;
    d.bozo_reason = "decode: document declared as " + rfc3023 + " is UTF-8";
    return d;
  }

  std::vector<std::string> tried;
  // A byte order mark is the strongest evidence (XML 1.0 Appendix F).
  const std::string candidates[] = {bom_encoding, rfc3023, xml_encoding, "?detect", "utf-8",
                                    "windows-1252", "iso-8859-2"};
  for (const std::string& c : candidates) {
    std::string name = c;
    if (name == "?detect") {
      // A document that is UTF-8 but for a few stray bytes stays UTF-8.
      std::size_t multibyte = 0, invalid = 0;
      utf8_census(body, multibyte, invalid);
      if (multibyte > 0 && invalid <= multibyte) {
        d.text = mixed_utf8(body);
        d.encoding = "utf-8";
        d.bozo = true;
        d.bozo_reason = "decode: invalid UTF-8 bytes read as windows-1252";
        return d;
      }
      name = detect_charset(body);
    }
    if (name.empty() || std::find(tried.begin(), tried.end(), name) != tried.end()) continue;
    tried.push_back(name);
    if (try_decode(body, name, borrow, d)) {
      d.encoding = name == "utf8" ? "utf-8" : name;
      if (name == bom_encoding) {
        // The BOM decides; only a charset declared otherwise is a conflict.
        std::string declared = !http_encoding.empty() ? http_encoding : xml_encoding;
        if (!declared.empty() && declared != name && !is_utf16_or_32_name(declared) &&
            !(is_utf8_name(declared) && name == "utf-8")) {
          d.bozo = true;
          d.bozo_reason = "decode: document declared as " + declared + ", but its byte order mark says " + name;
        }
        return d;
      }
      if (name != rfc3023) {
        d.bozo = true;
        d.bozo_reason = "decode: document declared as " + rfc3023 + ", but parsed as " + name;
      }
      return d;
    }
  }
  bool errors = false;
  convert_to_utf8(body, "windows-1252", d.text, errors);
  d.encoding = "windows-1252";
  d.bozo = true;
  d.bozo_reason = "decode: document encoding unknown";
  return d;
}

}  // namespace tributary::feeds
