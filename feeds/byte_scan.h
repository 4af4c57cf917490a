// byte_scan.h - find the next byte an escaper must replace, sixteen bytes at
// a time where there is SSE2 (every x86-64): feed text runs for kilobytes
// without one. Shared by the XML and JSON writers.
#pragma once

#include <cstddef>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tributary::feeds {

// Index of the first byte at or after `i` that is one of a, b, c, d (repeat
// one to look for fewer) or, with `controls`, below 0x20; s.size() if none.
inline std::size_t find_escapable(std::string_view s, std::size_t i, char a, char b, char c, char d,
                                bool controls = false) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
  const __m128i max_control = _mm_set1_epi8(controls ? 0x1F : 0);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmpeq_epi8(v, vd)));
    if (controls) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_min_epu8(v, max_control), v));  // v <= 0x1F
    if (const int mask = _mm_movemask_epi8(hit)) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  for (; i < s.size(); ++i) {
    const char x = s[i];
    if (x == a || x == b || x == c || x == d || (controls && static_cast<unsigned char>(x) < 0x20)) break;
  }
  return i;
}

}  // namespace tributary::feeds
