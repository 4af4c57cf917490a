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

// The items of a parsed feed as the store takes them. Entries without any
// identity (no id, link, title or content) are skipped.
std::vector<NewItem> new_items(const feeds::Feed& feed);

}  // namespace tributary::daemon
