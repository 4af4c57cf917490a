// libFuzzer target for feeds::html::sanitize and html_to_text.
//
// Invariants checked on every input:
//  - both outputs are valid UTF-8 without C0 controls other than TAB and LF;
//  - the sanitized output has no <script, no on* attribute, no attribute
//    value with a script scheme, and every '<' in it starts a tag that the
//    sanitizer writes (a letter or '/' follows);
//  - sanitize is idempotent: sanitize(sanitize(x)) == sanitize(x).
// The first byte picks the base URL, so that resolution is fuzzed too.
//
// Build: cmake -DTRIBUTARY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ ...; run:
//   build/fuzz/tests/fuzz/fuzz_sanitize -max_total_time=300 corpus/

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>

#include "feeds/html/entities.h"
#include "feeds/html/sanitize.h"

namespace {

using tributary::feeds::html::decode_entities;
using tributary::feeds::html::html_to_text;
using tributary::feeds::html::sanitize;

[[noreturn]] void fail(const char* what, std::string_view in, std::string_view out) {
  std::fprintf(stderr, "invariant broken: %s\ninput:  %.*s\noutput: %.*s\n", what, static_cast<int>(in.size()),
               in.data(), static_cast<int>(out.size()), out.data());
  std::abort();
}

bool valid_utf8_text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b < 0x20 && b != '\t' && b != '\n') return false;
      ++i;
      continue;
    }
    std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
    if (len == 0 || b > 0xF4 || i + len > s.size()) return false;
    char32_t cp = b & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const char32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return r;
}

bool is_url_attribute(std::string_view name) {
  for (std::string_view u : {"href", "src", "xlink:href", "action", "background", "cite", "data", "datasrc",
                             "dynsrc", "icon", "longdesc", "lowsrc", "poster", "usemap", "srcset", "ping",
                             "altimg"}) {
    if (name == u) return true;
  }
  return false;
}

// Walks the tags of sanitize's canonical output: <name a="v" b="w"> / </name>.
void check_markup(std::string_view in, std::string_view out) {
  const std::string folded = lower(out);
  if (folded.find("<script") != std::string::npos) fail("<script in output", in, out);
  std::size_t i = 0;
  while ((i = out.find('<', i)) != std::string_view::npos) {
    const std::size_t gt = out.find('>', i);
    if (gt == std::string_view::npos) fail("unterminated tag", in, out);
    std::string_view tag = out.substr(i + 1, gt - i - 1);
    if (tag.empty() || !(tag[0] == '/' || (tag[0] >= 'a' && tag[0] <= 'z'))) fail("stray <", in, out);
    // Attributes: ` name="value"`; values never contain '"' or '>'.
    std::size_t a = tag.find(' ');
    while (a != std::string_view::npos && a + 1 < tag.size() && tag[a + 1] != '/') {
      const std::size_t eq = tag.find("=\"", a);
      if (eq == std::string_view::npos) fail("attribute without value", in, out);
      const std::string name = lower(tag.substr(a + 1, eq - a - 1));
      const std::size_t close = tag.find('"', eq + 2);
      if (close == std::string_view::npos) fail("unquoted attribute", in, out);
      if (name.starts_with("on")) fail("event handler attribute", in, out);
      if (is_url_attribute(name)) {
        // Every URL of the value (srcset and ping hold several), with the
        // characters browsers ignore removed.
        const std::string decoded = lower(decode_entities(tag.substr(eq + 2, close - eq - 2)));
        const bool list = name == "srcset" || name == "ping";
        std::size_t u = 0;
        while (u < decoded.size()) {
          while (list && u < decoded.size() && (decoded[u] == ' ' || decoded[u] == ',')) ++u;
          std::string url;
          while (u < decoded.size() && (!list || decoded[u] != ' ')) url += decoded[u++];
          if (name == "srcset") {
            while (u < decoded.size() && decoded[u] != ',') ++u;
          }
          std::string compact;
          for (char c : url) {
            if (static_cast<unsigned char>(c) > 0x20) compact += c;
          }
          if (compact.starts_with("javascript:") || compact.starts_with("vbscript:") ||
              compact.starts_with("livescript:") || compact.starts_with("data:text")) {
            fail("script URL in attribute", in, out);
          }
        }
      }
      a = tag.find(' ', close);
    }
    i = gt + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kBases[] = {"", "https://example.com/dir/page.html",
                                                "javascript:alert(1)//", "http://a/b/c/d;p?q"};
  const std::string_view base = kBases[data[0] % 4];
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);

  const std::string out = sanitize(in, base);
  if (!valid_utf8_text(out)) fail("invalid UTF-8 or control character", in, out);
  check_markup(in, out);
  const std::string again = sanitize(out, base);
  if (again != out) fail("not idempotent", out, again);

  const std::string text = html_to_text(in);
  if (!valid_utf8_text(text)) fail("html_to_text: invalid UTF-8", in, text);
  return 0;
}
