// libFuzzer target for `tributary dedup`'s input and the deduplicator:
// feeds::dedup::parse_item_lines (JSON lines -> items), then title
// normalization, URL canonicalization, the duplicate and story layers.
//
// The first byte picks the options: bit 0 turns the story layer off, bit 1
// files the items as documents of a daemon (batches_are_documents), bit 2
// files them in two batches (the second half after the first). The rest is
// the JSON lines.
// Invariants checked on every input:
//  - parsing never crashes; a failure names its line ("dedup: line N: ");
//  - every item gets a handle; group and story roots are items, a root is
//    its own group/story, and every group lies inside one story (the
//    contract: items of one group have one story).
//
// Build: cmake -DTRIBUTARY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ ...; run:
//   build/fuzz/tests/fuzz/fuzz_dedup -dict=tests/fuzz/dedup.dict -max_len=8192 CORPUS/ SEEDS/
// tests/fuzz/run_fuzz_dedup.sh does that with seeds from the shared corpora.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/dedup/deduplicator.h"
#include "feeds/dedup/item_lines.h"

namespace {

namespace dedup = tributary::feeds::dedup;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_dedup: invariant broken: %s\n%.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto items = dedup::parse_item_lines(text);
  if (!items) {
    if (!items.error().message.starts_with("dedup: line ")) fail("error without a line", items.error().message);
    return 0;
  }
  dedup::Options options;
  options.stories = (data[0] & 1) == 0;
  options.batches_are_documents = (data[0] & 2) != 0;
  dedup::Deduplicator d(options);
  std::span<const dedup::Item> all(*items);
  std::vector<std::size_t> handles;
  if (data[0] & 4) {
    std::size_t half = all.size() / 2;
    handles = d.add(all.first(half));
    auto rest = d.add(all.subspan(half));
    handles.insert(handles.end(), rest.begin(), rest.end());
  } else {
    handles = d.add(all);
  }
  if (handles.size() != items->size() || d.size() != items->size()) fail("an item without a handle", text);
  for (std::size_t h : handles) {
    if (h >= d.size()) fail("handle out of range", text);
    dedup::Assignment a = d.assignment(h);
    if (a.group >= d.size() || a.story >= d.size()) fail("root out of range", text);
    if (d.assignment(a.group).group != a.group) fail("a group root is not its own group", text);
    if (d.assignment(a.story).story != a.story) fail("a story root is not its own story", text);
    if (d.assignment(a.group).story != a.story) fail("a group spans two stories", text);
    if (!options.stories && a.story != a.group) fail("story differs from group without stories", text);
  }
  return 0;
}
