#include "feeds/html/decode_page.h"

#include <algorithm>
#include <array>
#include <cstddef>

#include "feeds/decode.h"

namespace tributary::feeds::html {
namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
char lower_char(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && is_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && is_space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower_char);
  return out;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower_char(s[i]) != prefix[i]) return false;
  }
  return true;
}

// The prescan's view of the first 1024 bytes, with the steps of WHATWG HTML
// §13.2.3.2 as member functions.
class Prescan {
 public:
  explicit Prescan(std::string_view bytes) : b_(bytes.substr(0, 1024)) {}

  std::string run() {
    while (i_ < b_.size()) {
      std::string_view rest = b_.substr(i_);
      if (rest.starts_with("<!--")) {
        // The "-->" may share its dashes with the "<!--" ("<!-->").
        std::size_t end = b_.find("-->", i_ + 2);
        if (end == std::string_view::npos) return {};
        i_ = end + 3;
      } else if (starts_with_nocase(rest, "<meta") && rest.size() > 5 &&
                 (is_space(static_cast<unsigned char>(rest[5])) || rest[5] == '/')) {
        i_ += 6;
        if (std::string found = meta(); !found.empty()) return found;
      } else if ((rest.size() > 1 && rest[0] == '<' && is_alpha(static_cast<unsigned char>(rest[1]))) ||
                 (rest.size() > 2 && rest.starts_with("</") && is_alpha(static_cast<unsigned char>(rest[2])))) {
        // Another tag: skip its name, then its attributes.
        while (i_ < b_.size() && !is_space(static_cast<unsigned char>(b_[i_])) && b_[i_] != '>') ++i_;
        std::string name, value;
        while (attribute(name, value)) {
        }
      } else if (rest.starts_with("<!") || rest.starts_with("</") || rest.starts_with("<?")) {
        std::size_t end = b_.find('>', i_ + 2);
        if (end == std::string_view::npos) return {};
        i_ = end + 1;
      } else {
        ++i_;
      }
    }
    return {};
  }

 private:
  // The attributes of a <meta>: returns the charset it declares, or "".
  std::string meta() {
    bool got_http_equiv = false, got_content = false, got_charset = false;
    bool need_pragma_set = false;  // "need pragma" is null until set
    bool need_pragma = false;
    bool is_content_type = false;
    std::string charset;
    std::string name, value;
    while (attribute(name, value)) {
      if (name == "http-equiv" && !got_http_equiv) {
        got_http_equiv = true;
        if (value == "content-type") is_content_type = true;
      } else if (name == "content" && !got_content) {
        got_content = true;
        if (std::string c = charset_in_content(value); !c.empty() && charset.empty()) {
          charset = c;
          need_pragma_set = true;
          need_pragma = true;
        }
      } else if (name == "charset" && !got_charset) {
        got_charset = true;
        charset = lower_trimmed(value);
        need_pragma_set = true;
        need_pragma = false;
      }
    }
    if (!need_pragma_set || charset.empty()) return {};
    if (need_pragma && !is_content_type) return {};
    return charset;
  }

  // "get an attribute": false when there are no more attributes in this tag
  // (the position is then after its '>', or at the end).
  bool attribute(std::string& name, std::string& value) {
    name.clear();
    value.clear();
    while (i_ < b_.size() && (is_space(static_cast<unsigned char>(b_[i_])) || b_[i_] == '/')) ++i_;
    if (i_ >= b_.size()) return false;
    if (b_[i_] == '>') {
      ++i_;
      return false;
    }
    // The name.
    for (;; ++i_) {
      if (i_ >= b_.size()) return false;
      char c = b_[i_];
      if (c == '=' && !name.empty()) {
        ++i_;
        break;
      }
      if (is_space(static_cast<unsigned char>(c))) {
        while (i_ < b_.size() && is_space(static_cast<unsigned char>(b_[i_]))) ++i_;
        if (i_ < b_.size() && b_[i_] == '=') {
          ++i_;
          break;
        }
        return true;  // an attribute without a value
      }
      if (c == '/' || c == '>') return true;
      name += lower_char(c);
    }
    // The value.
    while (i_ < b_.size() && is_space(static_cast<unsigned char>(b_[i_]))) ++i_;
    if (i_ >= b_.size()) return false;
    char q = b_[i_];
    if (q == '"' || q == '\'') {
      ++i_;
      std::size_t end = b_.find(q, i_);
      if (end == std::string_view::npos) return false;
      for (std::size_t k = i_; k < end; ++k) value += lower_char(b_[k]);
      i_ = end + 1;
      return true;
    }
    if (q == '>') return true;
    for (; i_ < b_.size(); ++i_) {
      char c = b_[i_];
      if (is_space(static_cast<unsigned char>(c)) || c == '>') break;
      value += lower_char(c);
    }
    return i_ < b_.size();
  }

  // "extract a character encoding from a meta element" (WHATWG HTML §2.3.10).
  static std::string charset_in_content(std::string_view s) {
    std::size_t pos = 0;
    for (;;) {
      pos = s.find("charset", pos);
      if (pos == std::string_view::npos) return {};
      pos += 7;
      std::size_t k = pos;
      while (k < s.size() && is_space(static_cast<unsigned char>(s[k]))) ++k;
      if (k < s.size() && s[k] == '=') {
        pos = k + 1;
        break;
      }
    }
    while (pos < s.size() && is_space(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos >= s.size()) return {};
    char q = s[pos];
    if (q == '"' || q == '\'') {
      std::size_t end = s.find(q, pos + 1);
      if (end == std::string_view::npos) return {};
      return lower_trimmed(s.substr(pos + 1, end - pos - 1));
    }
    std::size_t end = pos;
    while (end < s.size() && !is_space(static_cast<unsigned char>(s[end])) && s[end] != ';') ++end;
    return lower_trimmed(s.substr(pos, end - pos));
  }

  std::string_view b_;
  std::size_t i_ = 0;
};

// WHATWG Encoding Standard labels whose decoder is not the encoding ICU
// gives the same name (or that ICU does not know under that label).
struct LabelRule {
  std::string_view label;
  std::string_view encoding;
};
constexpr std::array kLabels = {
    LabelRule{"ascii", "windows-1252"},        LabelRule{"us-ascii", "windows-1252"},
    LabelRule{"iso-8859-1", "windows-1252"},   LabelRule{"iso8859-1", "windows-1252"},
    LabelRule{"iso_8859-1", "windows-1252"},   LabelRule{"latin1", "windows-1252"},
    LabelRule{"l1", "windows-1252"},           LabelRule{"cp1252", "windows-1252"},
    LabelRule{"x-cp1252", "windows-1252"},     LabelRule{"cp819", "windows-1252"},
    LabelRule{"ansi_x3.4-1968", "windows-1252"}, LabelRule{"x-user-defined", "windows-1252"},
    LabelRule{"iso-8859-9", "windows-1254"},   LabelRule{"latin5", "windows-1254"},
    LabelRule{"iso-8859-11", "windows-874"},   LabelRule{"tis-620", "windows-874"},
    LabelRule{"gb2312", "gb18030"},            LabelRule{"gbk", "gb18030"},
    LabelRule{"x-gbk", "gb18030"},             LabelRule{"chinese", "gb18030"},
    LabelRule{"euc-kr", "windows-949"},        LabelRule{"ks_c_5601-1987", "windows-949"},
    LabelRule{"korean", "windows-949"},        LabelRule{"shift_jis", "windows-31j"},
    LabelRule{"shift-jis", "windows-31j"},     LabelRule{"sjis", "windows-31j"},
    LabelRule{"ms_kanji", "windows-31j"},      LabelRule{"x-sjis", "windows-31j"},
    LabelRule{"big5", "big5-hkscs"},           LabelRule{"x-x-big5", "big5-hkscs"},
    LabelRule{"utf8", "utf-8"},                LabelRule{"unicode-1-1-utf-8", "utf-8"},
    LabelRule{"utf-16", "utf-16le"},           LabelRule{"unicode", "utf-16le"},
    LabelRule{"ucs-2", "utf-16le"},
};

bool is_wide(std::string_view encoding) {
  return encoding.starts_with("utf-16") || encoding.starts_with("utf-32");
}

// Encodings whose bytes are all ASCII: valid UTF-8 says nothing about them.
bool is_seven_bit_stateful(std::string_view encoding) {
  return encoding.starts_with("iso-2022-") || encoding == "utf-7" || encoding == "hz-gb-2312";
}

}  // namespace

std::string meta_charset(std::string_view bytes) { return Prescan(bytes).run(); }

std::string encoding_for_label(std::string_view label) {
  std::string l = lower_trimmed(label);
  for (const auto& rule : kLabels) {
    if (rule.label == l) return std::string(rule.encoding);
  }
  return l;
}

DecodedPage decode_page(std::string_view bytes, std::string_view content_type) {
  DecodedPage out;
  auto decode_as = [&](std::string_view encoding, std::string_view body, const char* source) {
    if (encoding == "utf-8" && is_valid_utf8(body)) {
      out.text.assign(body);
    } else if (!convert_to_utf8(body, encoding, out.text, out.had_errors)) {
      return false;
    }
    out.encoding = std::string(encoding);
    out.source = source;
    return true;
  };

  struct Bom {
    std::string_view bytes;
    std::string_view encoding;
  };
  static constexpr Bom kBoms[] = {{"\xEF\xBB\xBF", "utf-8"}, {"\xFF\xFE", "utf-16le"}, {"\xFE\xFF", "utf-16be"}};
  for (const auto& bom : kBoms) {
    if (bytes.starts_with(bom.bytes) && decode_as(bom.encoding, bytes.substr(bom.bytes.size()), "bom")) {
      return out;
    }
  }

  std::string http = encoding_for_label(content_type_charset(content_type));
  std::string meta;
  if (http.empty()) {
    meta = encoding_for_label(meta_charset(bytes));
    // HTML Standard: a <meta> that claims UTF-16 was read as ASCII, so it
    // cannot be true; it means UTF-8.
    if (is_wide(meta)) meta = "utf-8";
  }
  const std::string& declared = http.empty() ? meta : http;
  const char* declared_source = http.empty() ? "meta" : "http";

  if ((is_wide(http) || is_seven_bit_stateful(declared)) && decode_as(declared, bytes, declared_source)) {
    return out;
  }
  if (is_valid_utf8(bytes)) {
    out.text.assign(bytes);
    out.encoding = "utf-8";
    out.source = declared == "utf-8" ? declared_source : "utf-8";
    return out;
  }
  if (!declared.empty() && declared != "utf-8" && !is_wide(declared) &&
      decode_as(declared, bytes, declared_source)) {
    return out;
  }
  if (declared == "utf-8" && decode_as("utf-8", bytes, declared_source)) return out;
  if (declared.empty()) {
    // Undeclared pages are mostly in the writer's locale: a Russian page is
    // windows-1251 or KOI8-R, not windows-1252. Browsers guess from the
    // bytes (chardetng, CED); so does ICU. Its guess counts when every byte
    // is valid in it.
    std::string guess = encoding_for_label(detect_charset(bytes, /*markup=*/true));
    DecodedPage saved = out;
    if (!guess.empty() && guess != "windows-1252" && guess != "utf-8" && !is_wide(guess) &&
        decode_as(guess, bytes, "detected") && !out.had_errors) {
      return out;
    }
    out = std::move(saved);
  }
  if (decode_as("windows-1252", bytes, "default")) return out;
  // Unreachable with a working ICU; keep the promise of valid UTF-8 anyway.
  out.text.clear();
  for (unsigned char c : bytes) out.text += c < 0x80 ? static_cast<char>(c) : '?';
  out.encoding = "us-ascii";
  out.source = "default";
  out.had_errors = true;
  return out;
}

std::string_view binary_media_type(std::string_view bytes) {
  struct Signature {
    std::size_t offset;
    std::string_view bytes;
    std::string_view media_type;
  };
  static constexpr Signature kSignatures[] = {
      {0, "%PDF-", "application/pdf"},
      {0, "\x89PNG\r\n\x1A\n", "image/png"},
      {0, "\xFF\xD8\xFF", "image/jpeg"},
      {0, "GIF87a", "image/gif"},
      {0, "GIF89a", "image/gif"},
      {8, "WEBP", "image/webp"},  // after "RIFF" and a length
      {4, "ftyp", "video/mp4"},
      {0, "ID3", "audio/mpeg"},
      {0, "OggS", "application/ogg"},
      {0, "PK\x03\x04", "application/zip"},
      {0, "\x1F\x8B\x08", "application/gzip"},
  };
  for (const auto& sig : kSignatures) {
    if (sig.offset == 8 && !bytes.starts_with("RIFF")) continue;
    if (bytes.size() >= sig.offset && bytes.substr(sig.offset).starts_with(sig.bytes)) return sig.media_type;
  }
  return {};
}

bool is_html_response(std::string_view content_type, std::string_view bytes) {
  if (!binary_media_type(bytes).empty()) return false;
  enum class Verdict { html, sniff, other };
  struct Rule {
    std::string_view media_type;
    Verdict verdict;
  };
  static constexpr Rule kRules[] = {
      {"text/html", Verdict::html},           {"application/xhtml+xml", Verdict::html},
      {"", Verdict::sniff},                   {"application/octet-stream", Verdict::sniff},
      {"text/plain", Verdict::sniff},         {"application/unknown", Verdict::sniff},
      {"unknown/unknown", Verdict::sniff},
  };
  std::string type = media_type(content_type);
  Verdict verdict = Verdict::other;
  for (const auto& rule : kRules) {
    if (rule.media_type == type) verdict = rule.verdict;
  }
  if (verdict != Verdict::sniff) return verdict == Verdict::html;

  std::string_view head = bytes.substr(0, 512);
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  while (!head.empty() && is_space(static_cast<unsigned char>(head.front()))) head.remove_prefix(1);
  static constexpr std::string_view kSignatures[] = {"<!doctype html", "<html", "<head", "<body", "<!--"};
  return std::any_of(std::begin(kSignatures), std::end(kSignatures), [&](std::string_view sig) {
    if (!starts_with_nocase(head, sig)) return false;
    // The tag name must end there: "<header" is not "<head".
    if (sig == "<!--" || head.size() == sig.size()) return true;
    unsigned char next = static_cast<unsigned char>(head[sig.size()]);
    return is_space(next) || next == '>' || next == '/';
  });
}

}  // namespace tributary::feeds::html
