#include "daemon/websub.h"

#include "daemon/log.h"

namespace tributary::daemon {

std::string publish_notification(std::string_view topic) {
  // application/x-www-form-urlencoded (WHATWG URL §5): unreserved bytes as
  // they are, everything else percent-encoded.
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out = "hub.mode=publish&hub.url=";
  for (char ch : topic) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '*') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

void ping_hub(HttpClient& client, const std::string& hub, const std::vector<std::string>& topics,
              const std::string& user_agent) {
  for (const auto& topic : topics) {
    FetchRequest req;
    req.url = hub;
    req.user_agent = user_agent;
    req.accept = "*/*";
    req.post_body = publish_notification(topic);
    // The hub is configured by the admin: its origin may be private.
    if (auto o = Origin::parse(hub)) req.allow_private.push_back(*o);
    client.fetch(std::move(req), [hub, topic](FetchResult r) {
      if (r.http_status >= 200 && r.http_status < 300) {
        log::info("websub: hub {} notified of {}", hub, topic);
      } else {
        log::warning("websub: hub {} did not accept {}: {}", hub, topic,
                     r.error.message.empty() ? "status " + std::to_string(r.http_status) : r.error.message);
      }
    });
  }
}

}  // namespace tributary::daemon
