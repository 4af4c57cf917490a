#include "config/config.h"

#include <cstdio>
#include <tuple>

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

// A dotted key of 100000 parts (a.a.a... = 1 or [a.a.a...], 200 KB)
// overflowed the stack inside toml++ (check-config: signal 11).
TEST(Config, KeysWithTooManyDottedPartsAreAnErrorNotACrash) {
  auto key = [](std::size_t parts) {
    std::string k = "a";
    for (std::size_t i = 1; i < parts; ++i) k += i % 2 ? ".\"b\"" : " . c";
    return k;
  };
  for (const std::string& text : {"# x\n" + key(100000) + " = 1\n", "# x\n[" + key(100000) + "]\n",
                                  "# x\n[[" + key(65) + "]]\n", "# x\nt = { " + key(65) + " = 1 }\n"}) {
    SCOPED_TRACE(text.substr(0, 40));
    auto errors = parse_errors(text);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].line, 2);
    EXPECT_EQ(errors[0].message, "a key with more than 64 dotted parts");
  }
  // 64 parts reach toml++; dots in strings, comments and values are not
  // parts of keys.
  const std::string dots(200, '.');
  for (const std::string& text :
       {key(64) + " = 1\n", "# " + dots + "\n[daemon]\nlisten = \"" + dots + "\"\n",
        "[daemon] # '\nlisten = \"\"\"\n" + dots + "\\\n" + dots + "\"\"\"\n",
        "[daemon]\nlisten = '''\n" + dots + "'''\ninterval = 1.5\n"}) {
    SCOPED_TRACE(text.substr(0, 40));
    auto c = parse(text, "feeds.toml", kDefaults);
    if (!c) {
      for (const auto& d : c.error()) EXPECT_EQ(d.message.find("dotted parts"), std::string::npos) << d.to_string();
    }
  }
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

TEST(Config, PerFeedSettings) {
  Config c = parse_ok(R"(
[[feed]]
url         = "https://a.example/rss"
interval    = "2h"
tags        = ["tech", "linux"]
full_text   = false
enabled     = false
user_agent  = "MyReader/1.0"
headers     = ["X-Api-Key: 42"]
auth_header = "Bearer s3cret"
site_rule   = "rules/a.example.txt"
)");
  ASSERT_EQ(c.feeds.size(), 1u);
  const FeedConfig& f = c.feeds[0];
  EXPECT_EQ(f.interval, std::chrono::hours(2));
  EXPECT_EQ(f.tags, (std::vector<std::string>{"tech", "linux"}));
  EXPECT_FALSE(f.full_text);
  EXPECT_FALSE(f.enabled);
  EXPECT_EQ(f.user_agent, "MyReader/1.0");
  EXPECT_EQ(f.headers, std::vector<std::string>{"X-Api-Key: 42"});
  EXPECT_EQ(f.auth_header, "Bearer s3cret");
  EXPECT_EQ(f.site_rule, "/etc/tributary/rules/a.example.txt");  // relative to the file
}

TEST(Config, RetentionDefaultsAndOverrides) {
  Config d = parse_ok("");
  EXPECT_EQ(d.retention.max_age, kDefaultMaxAge);
  EXPECT_EQ(d.retention.max_items_per_feed, kDefaultMaxItemsPerFeed);
  EXPECT_TRUE(d.retention.keep_in_outputs);
  Config c = parse_ok("[retention]\nmax_age = \"30d\"\nmax_items_per_feed = 0\nkeep_in_outputs = false\n");
  EXPECT_EQ(c.retention.max_age, std::chrono::hours(24 * 30));
  EXPECT_EQ(c.retention.max_items_per_feed, 0);
  EXPECT_FALSE(c.retention.keep_in_outputs);
  Config off = parse_ok("[retention]\nmax_age = 0\n");
  EXPECT_EQ(off.retention.max_age.count(), 0);
}

TEST(Config, DedupDefaultsAndOverrides) {
  Config d = parse_ok("");
  EXPECT_TRUE(d.dedup.enabled);
  EXPECT_EQ(d.dedup.stories, "story");
  EXPECT_EQ(d.dedup.representative, "original");
  EXPECT_EQ(d.dedup.window, std::chrono::hours(72));
  Config c = parse_ok(
      "[dedup]\nenabled = false\nstories = \"event\"\nrepresentative = \"latest\"\nwindow = \"1d\"\n"
      "memory = \"2d\"\nmemory_copies = 50000\n");
  EXPECT_FALSE(c.dedup.enabled);
  EXPECT_EQ(c.dedup.stories, "event");
  EXPECT_EQ(c.dedup.representative, "latest");
  EXPECT_EQ(c.dedup.window, std::chrono::hours(24));
  EXPECT_EQ(c.dedup.memory, std::chrono::hours(48));
  EXPECT_EQ(d.dedup.memory_copies, 20000);
  EXPECT_EQ(c.dedup.memory_copies, 50000);
  auto errors = parse_errors("[dedup]\nstories = \"paragraph\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_NE(errors[0].message.find("'stories' must be one of"), std::string::npos);
  errors = parse_errors("[dedup]\nmemory_copies = 10\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("'memory_copies' must be between"), std::string::npos);
}

TEST(Config, PollingAndPolitenessKeys) {
  Config d = parse_ok("");
  EXPECT_EQ(d.daemon.min_interval, kMinInterval);
  EXPECT_EQ(d.daemon.max_connections, 32);
  EXPECT_EQ(d.daemon.domain_connections, 1);
  EXPECT_EQ(d.daemon.domain_spacing.count(), 0);
  Config c = parse_ok(
      "[daemon]\nmin_interval = \"5s\"\ninterval = \"10s\"\nmax_connections = 8\n"
      "domain_connections = 4\ndomain_spacing = \"2s\"\n[[feed]]\nurl = \"https://a.example/\"\n"
      "interval = \"7s\"\n[[feed]]\nurl = \"https://b.example/\"\n");
  EXPECT_EQ(c.daemon.min_interval, std::chrono::seconds(5));
  EXPECT_EQ(c.daemon.interval, std::chrono::seconds(10));
  EXPECT_EQ(c.daemon.max_connections, 8);
  EXPECT_EQ(c.daemon.domain_connections, 4);
  EXPECT_EQ(c.daemon.domain_spacing, std::chrono::seconds(2));
  ASSERT_EQ(c.feeds.size(), 2u);
  EXPECT_EQ(effective_interval(c.daemon, c.feeds[0]), std::chrono::seconds(7));
  EXPECT_EQ(effective_interval(c.daemon, c.feeds[1]), std::chrono::seconds(10));
  // The floor holds for every interval, and the counts have ranges.
  auto errors = parse_errors("[daemon]\nmin_interval = \"30s\"\ninterval = \"10s\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_NE(errors[0].message.find("below the minimum poll interval of 30 seconds"), std::string::npos);
  EXPECT_EQ(parse_errors("[daemon]\ninterval = \"1m\"\n")[0].message,
            "'interval' is below the minimum poll interval of 5 minutes");
  EXPECT_EQ(parse_errors("[daemon]\ndomain_connections = 0\n")[0].message,
            "'domain_connections' must be between 1 and 64");
  EXPECT_EQ(parse_errors("[daemon]\nmax_connections = 5000\n")[0].message,
            "'max_connections' must be between 1 and 1024");
  EXPECT_EQ(parse_errors("[daemon]\nmin_interval = \"0s\"\n").size(), 1u);
}

// Each line is a whole file with one mistake; the diagnostic must point at
// the right place and say what is wrong.
TEST(Config, ListenTakesAnIpAddressAndPort) {
  for (const char* listen : {"127.0.0.1:8080", "0.0.0.0:80", "[::1]:8080", "[::]:8080", ""}) {
    SCOPED_TRACE(listen);
    EXPECT_EQ(parse_ok(std::string("[daemon]\nlisten = \"") + listen + "\"\n").daemon.listen, listen);
  }
}

TEST(Config, BaseUrlIsPublicUrlOrAnAddressReadersCanReach) {
  const std::tuple<const char*, const char*, const char*> cases[] = {
      {"127.0.0.1:8080", "", "http://127.0.0.1:8080"},
      {"[::1]:8080", "", "http://[::1]:8080"},
      {"192.0.2.7:80", "", "http://192.0.2.7:80"},
      {"0.0.0.0:8080", "", ""},  // every interface: no host to name
      {"[::]:8080", "", ""},
      {"127.0.0.1:0", "", ""},  // a port picked at start
      {"", "", ""},
      {"0.0.0.0:8080", "https://feeds.example.org", "https://feeds.example.org"},
  };
  for (const auto& [listen, public_url, expected] : cases) {
    SCOPED_TRACE(listen);
    config::DaemonConfig d;
    d.listen = listen;
    d.public_url = public_url;
    EXPECT_EQ(config::base_url(d), expected);
  }
}

TEST(Config, EachMistakeIsReportedAtItsPosition) {
  struct Case {
    const char* text;
    int line;
    int column;
    const char* says;
  };
  const Case cases[] = {
      {"[deamon]\n", 1, 2, "did you mean 'daemon'"},
      {"listen = \"127.0.0.1:8080\"\n[daemon]\n", 1, 1, "'listen' in the top level (it belongs in [daemon])"},
      {"interval = \"1h\"\n", 1, 1, "(it belongs in [daemon] or [[feed]])"},
      {"[daemon]\nurl = \"https://a.example/\"\n", 2, 1, "in [daemon] (it belongs in [[feed]])"},
      {"[daemon]\nlisten = \"localhost\"\n", 2, 10, "HOST:PORT"},
      {"[daemon]\nlisten = \"127.0.0.1:99999\"\n", 2, 10, "HOST:PORT"},
      {"[daemon]\nlisten = \"localhost:8080\"\n", 2, 10, "with an IP address"},
      {"[daemon]\nuser_agent = \"x\\r\\nX-Evil: 1\"\n", 2, 14, "one line"},
      {"[[feed]]\nurl = \"https://a.example/\"\nuser_agent = \"\"\"\nx\ny\"\"\"\n", 3, 14, "one line"},
      {"[daemon]\nlisten = \"[::1:8080\"\n", 2, 10, "HOST:PORT"},
      {"[daemon]\nsocket = \"/run/tributary/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\"\n",
       2, 10, "holds at most 107"},
      {"[daemon]\nlisten = \"[localhost]:8080\"\n", 2, 10, "HOST:PORT"},
      {"[daemon]\nintervall = \"1h\"\n", 2, 1, "did you mean 'interval'"},
      {"[daemon]\nreload_on_change = 1\n", 2, 20, "true or false"},
      {"[[feed]]\nurl = 42\n", 2, 7, "must be a string"},
      {"[[feed]]\nurl = \"https://\"\n", 2, 7, "url"},
      {"[[feed]]\nurl = \"http://a b.example/\"\n", 2, 7, "white space"},
      {"[[feed]]\nurl = \"gopher://a.example/\"\n", 2, 7, "http://"},
      {"[[feed]]\nurl = \"https://a.example/\"\ninterval = \"4m\"\n", 3, 12, "minimum"},
      {"[[feed]]\nurl = \"https://a.example/\"\ninterval = \"soon\"\n", 3, 12, "duration"},
      {"[[feed]]\nurl = \"https://a.example/\"\ntags = \"tech\"\n", 3, 8, "array of strings"},
      {"[[feed]]\nurl = \"https://a.example/\"\ntags = [\"a\", 1]\n", 3, 14, "only strings"},
      {"[[feed]]\nurl = \"https://a.example/\"\nsite_rules = \"x\"\n", 3, 1, "did you mean 'site_rule'"},
      {"[[feed]]\nurl = \"https://a.example/\"\nauth_header = \"\"\n", 3, 15, "auth_header"},
      {"[[feed]]\nurl = \"https://a.example/\"\nheaders = [\"NoColon\"]\n", 3, 11, "Name: value"},
      {"[[feed]]\nurl = \"https://A.example:443/\"\n[[feed]]\nurl = \"https://a.example\"\n", 4, 7,
       "already at line 2"},
      {"[feed]\nurl = \"https://a.example/\"\n", 1, 1, "[[feed]]"},
      {"[[output]]\nname = \"x y\"\n", 2, 8, "letters, digits"},
      {"[[output]]\nname = \"x\"\nlimit = 0\n", 3, 9, "between 1"},
      {"[[output]]\nname = \"x\"\nformats = []\n", 3, 11, "at least one"},
      {"[retention]\nmax_age = \"forever\"\n", 2, 11, "duration"},
      {"[retention]\nmax_items_per_feed = -1\n", 2, 22, "between 0"},
      {"[retention]\nkeep_in_output = true\n", 2, 1, "did you mean 'keep_in_outputs'"},
      {"retention = 5\n", 1, 13, "must be a table"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto errors = parse_errors(c.text);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].line, c.line);
    EXPECT_EQ(errors[0].column, c.column);
    EXPECT_NE(errors[0].message.find(c.says), std::string::npos) << errors[0].message;
  }
}

TEST(FeedIdentity, SameFeedWrittenDifferentlyIsOneIdentity) {
  struct Case {
    const char* a;
    const char* b;
    bool same;
  };
  const Case cases[] = {
      {"https://A.Example/rss", "https://a.example/rss", true},
      {"HTTPS://a.example:443/rss", "https://a.example/rss", true},
      {"http://a.example:80", "http://a.example/", true},
      {"https://a.example/%7Euser/rss", "https://a.example/~user/rss", true},
      {"https://a.example/a/../rss#top", "https://a.example/rss", true},
      {"https://a.example/rss", "http://a.example/rss", false},
      {"https://a.example/rss", "https://a.example/rss/", false},
      {"https://a.example/rss?x=1", "https://a.example/rss?x=2", false},
      {"https://a.example:8443/rss", "https://a.example/rss", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.a) + " vs " + c.b);
    EXPECT_EQ(feed_identity(c.a) == feed_identity(c.b), c.same);
  }
}

TEST(Config, TheShippedExampleIsValid) {
  std::string path = std::string(TRIBUTARY_SOURCE_DIR) + "/config/tributary.example.toml";
  FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr) << path;
  std::string text;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  auto c = parse(text, path, kDefaults);
  if (!c) {
    for (const auto& d : c.error()) ADD_FAILURE() << d.to_string();
  }
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
