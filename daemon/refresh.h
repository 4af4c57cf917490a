#pragma once

#include <string>
#include <vector>

#include "daemon/store.h"
#include "feeds/model.h"

namespace tributary::daemon {

// The identity of an entry within its feed: its GUID/id, else its link, else
// a hash of its title and content ("sha:" prefix keeps the spaces apart).
std::string item_key(const feeds::Entry& entry);

// The link of an entry reduced to what identifies the article across feeds:
// scheme and host lower-cased, default port and fragment dropped. "" when the
// entry has no http(s) link.
std::string canonical_link(std::string_view link);

// What one item may bring into the store, so that a hostile feed cannot
// make every later stage (store, dedup, outputs) carry megabytes per item:
// longer titles are cut (with "…"), longer summaries and contents cut
// before the markup the cut would split, longer ids and URLs (link,
// enclosures, comments, image) dropped.
inline constexpr std::size_t kMaxTitleBytes = 2048;
inline constexpr std::size_t kMaxTextBytes = 1u << 20;  // summary, content
inline constexpr std::size_t kMaxUrlBytes = 8192;

// Applies those limits to `entry`; true when anything was cut or dropped.
bool bound_entry(feeds::Entry& entry);

// The items of a parsed feed as the store takes them. Entries without any
// identity (no id, link, title or content) are skipped; each is bounded by
// bound_entry.
std::vector<NewItem> new_items(const feeds::Feed& feed);

}  // namespace tributary::daemon
