#pragma once

#include <boost/json/object.hpp>

#include "feeds/model.h"

namespace tributary::feeds {

// The feed as the JSON object of the `parse --json` contract
// (shared/contracts/parse-json.md, schema v1): absent values are null,
// arrays always present, dates RFC 3339 UTC.
boost::json::object to_json(const Feed& feed);

// One entry as a JSON object of the same contract, and back. The round trip
// entry_from_json(to_json(e)) == e holds for every entry.
boost::json::object to_json(const Entry& entry);
Entry entry_from_json(const boost::json::object& o);

}  // namespace tributary::feeds
