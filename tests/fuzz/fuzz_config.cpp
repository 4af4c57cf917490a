// libFuzzer target for the config module: config::parse (TOML -> Config with
// diagnostics), config::diff, OPML parsing and appending feeds to a file.
//
// The first byte picks the mode; the rest is the input.
//  even: the input is a feeds file. parse must not crash or throw; every
//        diagnostic has a position >= 1:1; a parsed config diffs as unchanged
//        against itself; feed_identity is idempotent on its URLs; exporting
//        its feeds to OPML and appending them to an empty file gives a file
//        that parses, with the same URLs and titles (trimmed, as import
//        trims attributes; titles without control characters, which XML
//        cannot carry).
//  odd:  the input is an OPML document. If it parses, appending its feeds to
//        a small valid file gives a file that parses (what import-opml
//        writes must always load), keeps the original text as its prefix,
//        and holds every added URL with its title.
//
// Build: cmake -DTRIBUTARY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ ...; run:
//   build/fuzz/tests/fuzz/fuzz_config -max_total_time=600 -dict=tests/fuzz/config.dict corpus/

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/diff.h"
#include "config/opml.h"

namespace {

namespace config = tributary::config;

const config::Defaults kDefaults{"/var/lib/tributary"};

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_config: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

std::string_view trim(std::string_view s) {
  auto b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

bool has_controls(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// TOML strings are UTF-8; XML 1.0 also excludes U+FFFE/U+FFFF. Titles with
// those cannot round-trip through OPML by design.
bool xml_safe(std::string_view s) {
  return !has_controls(s) && s.find("\xEF\xBF\xBE") == std::string_view::npos &&
         s.find("\xEF\xBF\xBF") == std::string_view::npos;
}

config::Config must_parse(const std::string& text, const char* what) {
  auto c = config::parse(text, "/etc/tributary/f.toml", kDefaults);
  if (!c) {
    std::string why = text + "\n---\n";
    for (const auto& d : c.error()) why += d.to_string() + "\n";
    fail(what, why);
  }
  return *c;
}

void fuzz_toml(std::string_view text) {
  auto parsed = config::parse(text, "/etc/tributary/f.toml", kDefaults);
  if (!parsed) {
    if (parsed.error().empty()) fail("failure without diagnostics", text);
    for (const auto& d : parsed.error()) {
      if (d.line < 1 || d.column < 1) fail("diagnostic without a position", d.to_string());
    }
    return;
  }
  const config::Config& c = *parsed;
  auto d = config::diff(c, c);
  if (d.feeds_changed() || d.outputs_changed || d.retention_changed || !d.needs_restart.empty()) {
    fail("a config differs from itself", text);
  }
  for (const auto& f : c.feeds) {
    std::string id = config::feed_identity(f.url);
    if (config::feed_identity(id) != id) fail("feed_identity is not idempotent", f.url);
  }
  auto opml = config::parse_opml(config::write_opml(config::opml_feeds(c), "x"));
  if (!opml) fail("write_opml output does not parse", opml.error().message);
  auto appended = config::append_feeds("", config::Config{}, *opml, "fuzz");
  config::Config back = must_parse(appended.text, "exported feeds do not load back");
  std::map<std::string, std::string> titles;
  for (const auto& f : back.feeds) titles[f.url] = f.title;
  for (const auto& f : c.feeds) {
    if (!xml_safe(f.url)) continue;
    auto it = titles.find(f.url);
    // file: URLs are not OPML subscriptions.
    if (it == titles.end()) {
      if (f.url.starts_with("http")) fail("feed lost in the OPML round trip", f.url);
      continue;
    }
    // OPML import trims attribute values: compare trimmed titles.
    std::string_view title = trim(f.title);
    if (xml_safe(title) && title != f.url && it->second != title) {
      fail("title changed in the OPML round trip", f.title + " -> " + it->second);
    }
  }
}

void fuzz_opml(std::string_view xml) {
  auto feeds = config::parse_opml(xml);
  if (!feeds) return;
  const std::string base = "# mine\n[daemon]\nlisten = \"127.0.0.1:8080\"\n\n[[feed]]\nurl = \"https://a.example/\"\n";
  config::Config existing = must_parse(base, "base config");
  auto r = config::append_feeds(base, existing, *feeds, "Imported from fuzz.opml");
  if (r.text.compare(0, base.size(), base) != 0) fail("existing text changed", r.text);
  config::Config after = must_parse(r.text, "import-opml would write a config that does not load");
  if (after.feeds.size() != existing.feeds.size() + r.added.size()) fail("feed count", r.text);
  std::map<std::string, const config::OpmlFeed*> by_url;
  for (const auto& f : *feeds) by_url.emplace(f.url, &f);
  for (std::size_t i = 0; i < r.added.size(); ++i) {
    const auto& f = after.feeds[existing.feeds.size() + i];
    if (f.url != r.added[i]) fail("added URL changed", f.url + " vs " + r.added[i]);
    if (f.title != by_url.at(f.url)->title) fail("title changed", f.title);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    fuzz_toml(input);
  } else {
    fuzz_opml(input);
  }
  return 0;
}
