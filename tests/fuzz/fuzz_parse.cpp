// libFuzzer target for feeds::parse_document: charset detection, the
// repairing pre-pass, pugixml or the tolerant tokenizer, every dialect's
// element rules, dates, URL resolution, sanitizing, JSON Feed.
//
// The first input byte picks the HTTP context (Content-Type, URL,
// Content-Location) from a small table; the rest is the document.
// Invariants checked on every input:
//  - parse_document never crashes, hangs or leaks, whatever the bytes;
//  - the parse-json output (to_json + serialize) is valid UTF-8 and parses
//    back as JSON, and every entry round-trips: entry_from_json(to_json(e)) == e;
//  - a document without '&' or '<' inside a DOCTYPE never grows beyond a
//    small multiple of its size (no entity expansion).
//
// Build: cmake -DTRIBUTARY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ ...; run:
//   build/fuzz/tests/fuzz/fuzz_parse -dict=tests/fuzz/feed.dict -max_len=65536 CORPUS/ SEEDS/
// tests/fuzz/run_fuzz_parse.sh does that with seeds from the shared corpora.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "feeds/decode.h"
#include "feeds/json_dump.h"
#include "feeds/parse.h"

namespace {

namespace feeds = tributary::feeds;

struct Context {
  const char* content_type;
  const char* url;
  const char* content_location;
};

constexpr Context kContexts[] = {
    {"", "", ""},
    {"text/xml", "http://example.org/feed.xml", ""},
    {"application/xml; charset=utf-8", "http://example.org/a/b/feed", "../c/"},
    {"application/atom+xml", "https://example.org/", "javascript:alert(1)"},
    {"text/xml; charset=windows-1252", "http://example.org/", ""},
    {"application/rss+xml; charset=\"koi8-r\"", "http://example.org/", ""},
    {"text/plain", "http://example.org/", ""},
    {"application/json", "https://example.org/feed.json", ""},
    {"application/xml; charset=utf-16", "", ""},
    {"application/xml; charset=x-unknown", "http://[::1]/", "http://example.com/"},
};

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_parse: invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Context& c = kContexts[data[0] % std::size(kContexts)];
  std::string_view doc(reinterpret_cast<const char*>(data) + 1, size - 1);
  feeds::Source source;
  source.content_type = c.content_type;
  source.url = c.url;
  source.content_location = c.content_location;
  feeds::Feed feed = feeds::parse_document(doc, source);

  std::string out = boost::json::serialize(feeds::to_json(feed));
  if (!feeds::is_valid_utf8(out)) fail("output is not UTF-8");
  boost::system::error_code ec;
  boost::json::value back = boost::json::parse(out, ec);
  if (ec || !back.is_object()) fail("output is not a JSON object");
  for (const feeds::Entry& e : feed.entries) {
    if (!(feeds::entry_from_json(feeds::to_json(e)) == e)) fail("entry does not round-trip");
  }
  if (doc.find("<!") == std::string_view::npos && out.size() > 64 * doc.size() + 4096) {
    fail("output grew far beyond the input");
  }
  return 0;
}
