#include "feeds/dedup/item_lines.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace tributary::feeds::dedup {
namespace {

TEST(ItemLines, ReadsEveryMemberAndSkipsBlankLines) {
  auto items = parse_item_lines(
      "\n{\"id\":\"a\",\"title\":\"T\",\"link\":\"https://x/\",\"summary\":\"<p>s</p>\",\"feed\":\"F\","
      "\"guid\":\"g\",\"published\":1394470370,\"extra\":[1]}\r\n  \n"
      "{\"id\":7,\"title\":\"U\",\"published\":1394470370698,\"link\":null}");
  ASSERT_TRUE(items.has_value()) << items.error().message;
  ASSERT_EQ(items->size(), 2u);
  const Item& a = (*items)[0];
  EXPECT_EQ(a.id, "a");
  EXPECT_EQ(a.title, "T");
  EXPECT_EQ(a.link, "https://x/");
  EXPECT_EQ(a.summary, "<p>s</p>");
  EXPECT_EQ(a.feed, "F");
  EXPECT_EQ(a.guid, "g");
  EXPECT_EQ(a.published, Millis(std::chrono::milliseconds(1394470370000)));
  const Item& b = (*items)[1];
  EXPECT_EQ(b.id, "7");
  EXPECT_EQ(b.link, "");
  EXPECT_EQ(b.published, Millis(std::chrono::milliseconds(1394470370698)));
}

// Each of these was accepted before (with an empty id, a shared id, or a
// published time that overflowed the conversion to milliseconds) and gave
// silently wrong groups.
TEST(ItemLines, RejectsBadLinesWithTheirNumberAndReason) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"{\"id\":\"a\",", "line 1: incomplete JSON"},
      {"{\"id\":\"a\",\"title\":\"\xff\"}", "line 1: syntax error"},
      {"[1,2]", "line 1: not a JSON object"},
      {"{\"id\":\"a\",\"title\":\"x\"} {}", "line 1: extra data"},
      {"\n\n{\"title\":\"x\"}", "line 3: missing \"id\""},
      {"{\"id\":\"a\"}", "line 1: missing \"title\""},
      {"{\"id\":null,\"title\":\"x\"}", "line 1: missing \"id\""},
      {"{\"id\":{},\"title\":\"x\"}", "line 1: \"id\" must be a string"},
      {"{\"id\":\"a\",\"title\":[\"x\"]}", "line 1: \"title\" must be a string"},
      {"{\"id\":\"a\",\"title\":\"x\",\"guid\":true}", "line 1: \"guid\" must be a string"},
      {"{\"id\":\"a\",\"title\":\"x\"}\n{\"id\":\"a\",\"title\":\"y\"}", "line 2: duplicate id (first on line 1)"},
      {"{\"id\":1,\"title\":\"x\"}\n\n{\"id\":\"1\",\"title\":\"y\"}", "line 3: duplicate id (first on line 1)"},
      {"{\"id\":\"a\",\"title\":\"x\",\"published\":\"2020\"}", "line 1: \"published\" must be a number"},
      {"{\"id\":\"a\",\"title\":\"x\",\"published\":1e300}", "line 1: \"published\" is out of range"},
      {"{\"id\":\"a\",\"title\":\"x\",\"published\":-1e300}", "line 1: \"published\" is out of range"},
      {"{\"id\":\"a\",\"title\":\"x\",\"published\":9.2e18}", "line 1: \"published\" is out of range"},
      {"{\"id\":\"a\",\"title\":\"x\",\"published\":-9e12}", "line 1: \"published\" is out of range"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = parse_item_lines(c.text);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::invalid_input);
    EXPECT_EQ(r.error().message.rfind("dedup: ", 0), 0u) << r.error().message;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

TEST(ItemLines, AcceptsTimesUpToTheRangeOfADate) {
  auto r = parse_item_lines("{\"id\":\"a\",\"title\":\"x\",\"published\":8.64e15}\n"
                            "{\"id\":\"b\",\"title\":\"x\",\"published\":-8.64e12}");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0].published, Millis(std::chrono::milliseconds(8640000000000000)));
  EXPECT_EQ((*r)[1].published, Millis(std::chrono::milliseconds(-8640000000000000)));
}

TEST(ItemLines, NestingTooDeepIsAnErrorNotACrash) {
  std::string deep = "{\"id\":\"a\",\"title\":\"x\",\"extra\":" + std::string(100000, '[') + "}";
  auto r = parse_item_lines(deep);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("line 1: too deep"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace tributary::feeds::dedup
