#include "feeds/url.h"

#include <gtest/gtest.h>

namespace tributary::feeds {
namespace {

TEST(ResolveUrl, FollowsRfc3986Examples) {
  const char* base = "http://a/b/c/d;p?q";
  struct Case { const char* ref; const char* expected; };
  const Case cases[] = {
      {"g", "http://a/b/c/g"},          {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},        {"/g", "http://a/g"},
      {"//g", "http://g"},              {"?y", "http://a/b/c/d;p?y"},
      {"#s", "http://a/b/c/d;p?q#s"},   {"../g", "http://a/b/g"},
      {"../../../g", "http://a/g"},     {"", "http://a/b/c/d;p?q"},
      {"  g  ", "http://a/b/c/g"},      {"https://x/y", "https://x/y"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.ref);
    EXPECT_EQ(resolve_url(base, c.ref), c.expected);
  }
}

TEST(ResolveUrl, LeavesReferenceAloneWithoutUsableBase) {
  EXPECT_EQ(resolve_url("", "/a"), "/a");
  EXPECT_EQ(resolve_url("not a url", "/a"), "/a");
}

TEST(SafeUrl, AcceptsWebSchemesAndRefusesScriptSchemes) {
  EXPECT_TRUE(is_safe_url("https://example.org/"));
  EXPECT_TRUE(is_safe_url("mailto:a@b"));
  EXPECT_FALSE(is_safe_url("javascript:alert(1)"));
  EXPECT_FALSE(is_safe_url(" JavaScript:alert(1)"));
  EXPECT_FALSE(is_safe_url("data:text/html,x"));
  EXPECT_TRUE(is_safe_url("feed:https://example.org/rss"));
  EXPECT_TRUE(is_safe_url("feed://example.org/rss"));
  EXPECT_FALSE(is_safe_url("feed:javascript:alert(1)"));
  EXPECT_FALSE(is_safe_url("feed:java\tscript:alert(1)"));
  EXPECT_FALSE(is_safe_url("FEED: data:text/html,x"));
  EXPECT_FALSE(is_safe_url("/relative"));
  EXPECT_EQ(url_scheme("HTTP://x"), "http");
}

}  // namespace
}  // namespace tributary::feeds
