#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "feeds/model.h"

namespace tributary::feeds {

// The feed as the JSON object of the `parse --json` contract
// (shared/contracts/parse-json.md, schema v1): absent values are null,
// arrays always present, dates RFC 3339 UTC.
boost::json::object to_json(const Feed& feed);

// Appends the same document as boost::json::serialize(to_json(feed)) (same
// members in the same order, same escaping) to `out`, without building a
// JSON DOM: the `parse --json` command prints feeds this way.
void append_json(std::string& out, const Feed& feed);

// Appends `s` as a JSON string, escaped as Boost.JSON's serializer does.
void append_json_string(std::string& out, std::string_view s);

// One entry as a JSON object of the same contract, and back. The round trip
// entry_from_json(to_json(e)) == e holds for every entry.
boost::json::object to_json(const Entry& entry);
Entry entry_from_json(const boost::json::object& o);

}  // namespace tributary::feeds
