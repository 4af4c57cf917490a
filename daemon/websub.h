#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/http_client.h"

namespace tributary::daemon {

// The publisher side of WebSub (W3C Recommendation, 2018-01-23, §6): the
// outputs name their hub with rel="hub" (see feeds/writer.h), and after a
// render that changed outputs the hub is told which topics to fetch again.

// The body of a publish notification for `topic`, form-encoded as hubs
// expect it: "hub.mode=publish&hub.url=<topic, percent-encoded>".
std::string publish_notification(std::string_view topic);

// POSTs one publish notification per topic to `hub` through `client` (on
// its io thread), logging the outcome. A hub answers 2xx when it accepted
// the notification; anything else is logged as a warning and not retried
// (the next change announces again).
void ping_hub(HttpClient& client, const std::string& hub, const std::vector<std::string>& topics,
              const std::string& user_agent);

}  // namespace tributary::daemon
