#include "feeds/xml.h"

#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tributary::feeds::xml {

void walk(pugi::xml_node root, Handler& handler) {
  std::vector<Attribute> attributes;
  pugi::xml_node node = root.first_child();
  while (node) {
    bool descend = false;
    switch (node.type()) {
      case pugi::node_element: {
        attributes.clear();
        for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
          attributes.push_back({a.name(), a.value()});
        }
        handler.start_element(node.name(), attributes);
        descend = true;
        break;
      }
      case pugi::node_pcdata:
      case pugi::node_cdata: handler.characters(node.value()); break;
      default: break;
    }
    if (descend && node.first_child()) {
      node = node.first_child();
      continue;
    }
    if (descend) handler.end_element(node.name());
    // Climb until a node has a next sibling, closing the elements left.
    while (!node.next_sibling()) {
      node = node.parent();
      if (!node || node == root) return;
      handler.end_element(node.name());
    }
    node = node.next_sibling();
  }
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

namespace {

// Index of the first byte at or after `i` that append_escaped replaces
// (& < >, and " in an attribute), or s.size(): sixteen bytes at a time where
// there is SSE2 (every x86-64).
std::size_t next_markup(std::string_view s, std::size_t i, bool attribute) {
  const char quote = attribute ? '"' : '&';
#if defined(__SSE2__)
  const __m128i amp = _mm_set1_epi8('&');
  const __m128i lt = _mm_set1_epi8('<');
  const __m128i gt = _mm_set1_epi8('>');
  const __m128i q = _mm_set1_epi8(quote);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, q)));
    if (const int mask = _mm_movemask_epi8(hit)) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < s.size() && s[i] != '&' && s[i] != '<' && s[i] != '>' && s[i] != quote) ++i;
  return i;
}

}  // namespace

void append_escaped(std::string& out, std::string_view s, bool attribute) {
  std::size_t start = 0;
  for (std::size_t i = next_markup(s, 0, attribute); i < s.size(); i = next_markup(s, i + 1, attribute)) {
    out.append(s.substr(start, i - start));
    switch (s[i]) {
      case '&': out.append("&amp;"); break;
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      default: out.append("&quot;"); break;
    }
    start = i + 1;
  }
  out.append(s.substr(start));
}

}  // namespace tributary::feeds::xml
