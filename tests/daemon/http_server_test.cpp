#include "daemon/http_server.h"

#include <gtest/gtest.h>

namespace tributary::daemon {
namespace {

DocumentMap docs() {
  auto d = std::make_shared<Document>();
  d->body = "<feed/>";
  d->etag = "\"abc\"";
  d->modified = 1'717'200'000;  // Sat, 01 Jun 2024 00:00:00 GMT
  d->last_modified = "Sat, 01 Jun 2024 00:00:00 GMT";
  return DocumentMap{{"/feeds/all.atom", d}};
}

TEST(Decide, AnswersConditionalRequests) {
  struct Case {
    const char* method;
    const char* target;
    const char* inm;
    const char* ims;
    unsigned status;
  };
  const Case cases[] = {
      {"GET", "/feeds/all.atom", "", "", 200},
      {"HEAD", "/feeds/all.atom", "", "", 200},
      {"GET", "/feeds/all.atom?x=1", "", "", 200},
      {"GET", "/feeds/all.atom", "\"abc\"", "", 304},
      {"GET", "/feeds/all.atom", "W/\"abc\"", "", 304},
      {"GET", "/feeds/all.atom", "\"x\", \"abc\"", "", 304},
      {"GET", "/feeds/all.atom", "*", "", 304},
      {"GET", "/feeds/all.atom", "\"abd\"", "", 200},
      {"GET", "/feeds/all.atom", "", "Sat, 01 Jun 2024 00:00:00 GMT", 304},
      {"GET", "/feeds/all.atom", "", "Sun, 02 Jun 2024 00:00:00 GMT", 304},
      {"GET", "/feeds/all.atom", "", "Fri, 31 May 2024 23:59:59 GMT", 200},
      {"GET", "/feeds/all.atom", "", "garbage", 200},
      // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
      {"GET", "/feeds/all.atom", "\"x\"", "Sun, 02 Jun 2024 00:00:00 GMT", 200},
      {"GET", "/feeds/other.atom", "", "", 404},
      {"GET", "/", "", "", 404},
      {"POST", "/feeds/all.atom", "", "", 405},
      {"DELETE", "/feeds/all.atom", "", "", 405},
  };
  auto map = docs();
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.method) + " " + c.target + " inm=" + c.inm + " ims=" + c.ims);
    EXPECT_EQ(decide(map, c.method, c.target, c.inm, c.ims).status, c.status);
  }
  EXPECT_TRUE(decide(map, "HEAD", "/feeds/all.atom", "", "").head);
}

}  // namespace
}  // namespace tributary::daemon
