#include "config/config.h"

#include <gtest/gtest.h>

namespace tributary::config {
namespace {

const Defaults kDefaults{"/var/lib/tributary"};

Config parse_ok(std::string_view text) {
  auto c = parse(text, "/etc/tributary/feeds.toml", kDefaults);
  if (!c) {
    for (const auto& d : c.error()) ADD_FAILURE() << d.to_string();
    return {};
  }
  return *c;
}

std::vector<Diagnostic> parse_errors(std::string_view text) {
  auto c = parse(text, "feeds.toml", kDefaults);
  EXPECT_FALSE(c.has_value());
  return c ? std::vector<Diagnostic>{} : c.error();
}

TEST(Config, ReadsTheDesignExample) {
  Config c = parse_ok(R"(
[daemon]
state_dir  = "/var/lib/tributary"
output_dir = "public"
listen     = "127.0.0.1:8080"
interval   = "30m"
allow_private = ["http://127.0.0.1:8787"]

[[feed]]
url       = "https://www.themoscowtimes.com/rss/news"
title     = "The Moscow Times"
tags      = ["russia"]
interval  = "15m"
full_text = true

[[output]]
name    = "russia"
tags    = ["russia"]
formats = ["atom", "rss", "json"]
limit   = 100
)");
  EXPECT_EQ(c.daemon.state_dir, "/var/lib/tributary");
  EXPECT_EQ(c.daemon.output_dir, "/etc/tributary/public");  // relative to the file
  EXPECT_EQ(c.daemon.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.daemon.interval, std::chrono::minutes(30));
  ASSERT_EQ(c.daemon.allow_private.size(), 1u);
  ASSERT_EQ(c.feeds.size(), 1u);
  EXPECT_EQ(c.feeds[0].url, "https://www.themoscowtimes.com/rss/news");
  EXPECT_EQ(c.feeds[0].title, "The Moscow Times");
  EXPECT_EQ(c.feeds[0].tags, std::vector<std::string>{"russia"});
  EXPECT_EQ(c.feeds[0].interval, std::chrono::minutes(15));
  EXPECT_TRUE(c.feeds[0].full_text);
  EXPECT_EQ(c.feeds[0].line, 9);
  ASSERT_EQ(c.outputs.size(), 2u);
  EXPECT_EQ(c.outputs[0].name, "all");
  EXPECT_EQ(c.outputs[1].name, "russia");
  EXPECT_EQ(c.outputs[1].limit, 100);
}

TEST(Config, EmptyFileGetsDefaults) {
  Config c = parse_ok("");
  EXPECT_EQ(c.daemon.state_dir, "/var/lib/tributary");
  EXPECT_EQ(c.daemon.output_dir, "/var/lib/tributary/public");
  EXPECT_EQ(c.daemon.listen, kDefaultListen);
  EXPECT_EQ(c.daemon.interval, kDefaultInterval);
  ASSERT_EQ(c.outputs.size(), 1u);
  EXPECT_EQ(c.outputs[0].name, "all");
  EXPECT_EQ(c.outputs[0].limit, kDefaultOutputLimit);
}

TEST(Config, SyntaxErrorNamesLineAndColumn) {
  auto errors = parse_errors("[daemon]\nlisten = \"127.0.0.1:8080\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_GT(errors[0].column, 1);
  EXPECT_EQ(errors[0].to_string().rfind("feeds.toml:2:", 0), 0u) << errors[0].to_string();
}

TEST(Config, UnknownKeySuggestsTheNearestOne) {
  auto errors = parse_errors("[[feed]]\nurl = \"https://a.example/rss\"\ntitel = \"A\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].column, 1);
  EXPECT_NE(errors[0].message.find("did you mean 'title'"), std::string::npos) << errors[0].message;
}

TEST(Config, ReportsEveryProblemNotJustTheFirst) {
  auto errors = parse_errors(R"([daemon]
interval = "1m"
[[feed]]
url = "ftp://a.example/rss"
[[feed]]
url = "https://b.example/rss"
full_text = "yes"
[[feed]]
url = "https://b.example/rss"
[[output]]
name = "x"
formats = ["atom", "html"]
)");
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].line, 2);  // below the floor
  EXPECT_NE(errors[0].message.find("minimum"), std::string::npos);
  EXPECT_EQ(errors[1].line, 4);  // scheme
  EXPECT_EQ(errors[2].line, 7);  // type
  EXPECT_EQ(errors[3].line, 9);  // duplicate
  EXPECT_NE(errors[3].message.find("duplicate"), std::string::npos);
  EXPECT_EQ(errors[4].line, 12);  // format
}

TEST(Config, FeedWithoutUrlIsAnError) {
  auto errors = parse_errors("[[feed]]\ntitle = \"x\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("needs a 'url'"), std::string::npos);
}

TEST(Config, AllowPrivateEntriesMustBeOrigins) {
  auto errors = parse_errors("[daemon]\nallow_private = [\"127.0.0.1\", \"http://10.0.0.1:80/x\"]\n");
  EXPECT_EQ(errors.size(), 2u);
  parse_ok("[daemon]\nallow_private = [\"http://127.0.0.1:8787\", \"https://[::1]:8443\"]\n");
}

TEST(Duration, ParsesUnitsAndRejectsGarbage) {
  struct Case {
    const char* text;
    std::optional<long> seconds;
  };
  const Case cases[] = {
      {"90s", 90},      {"15m", 900},    {"2h", 7200},      {"1h30m", 5400}, {"1d", 86400},
      {"300", 300},     {"", std::nullopt}, {"m", std::nullopt}, {"5x", std::nullopt},
      {"-5m", std::nullopt}, {"1h30", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto d = parse_duration(c.text);
    if (c.seconds) {
      ASSERT_TRUE(d.has_value());
      EXPECT_EQ(d->count(), *c.seconds);
    } else {
      EXPECT_FALSE(d.has_value());
    }
  }
}

TEST(Config, EffectiveIntervalNeverBelowTheFloor) {
  DaemonConfig d;
  FeedConfig f;
  EXPECT_EQ(effective_interval(d, f), kDefaultInterval);
  f.interval = std::chrono::minutes(10);
  EXPECT_EQ(effective_interval(d, f), std::chrono::minutes(10));
  f.interval = std::chrono::seconds(1);
  EXPECT_EQ(effective_interval(d, f), kMinInterval);
}

}  // namespace
}  // namespace tributary::config
