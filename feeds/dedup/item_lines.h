#pragma once

#include <string_view>
#include <vector>

#include "feeds/dedup/deduplicator.h"
#include "feeds/result.h"

// The input of `tributary dedup` (contracts/dedup-io.md): JSON lines of
// feed items.
namespace tributary::feeds::dedup {

// Parses JSON lines, one object per line; blank lines are skipped and
// unknown members ignored. `id` (unique) and `title` are required; `id`,
// `title`, `link`, `summary`, `feed` and `guid` are strings (numbers are
// taken as their text); `published` is Unix time in seconds, or in
// milliseconds when above 1e11, within +-8.64e15 ms (the range of a
// JavaScript Date). Optional members may be null. Fails with
// Errc::invalid_input and "dedup: line N: why" on the first bad line.
Result<std::vector<Item>> parse_item_lines(std::string_view text);

}  // namespace tributary::feeds::dedup
