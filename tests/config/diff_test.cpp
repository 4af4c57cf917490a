#include "config/diff.h"

#include <gtest/gtest.h>

namespace tributary::config {
namespace {

Config parse_ok(std::string_view text) {
  auto c = parse(text, "/etc/tributary/tributary.toml", Defaults{"/var/lib/tributary"});
  if (!c) {
    for (const auto& d : c.error()) ADD_FAILURE() << d.to_string();
    return {};
  }
  return *c;
}

using Urls = std::vector<std::string>;

TEST(ConfigDiff, SortsFeedsIntoAddedRemovedChangedUnchanged) {
  Config before = parse_ok(R"(
[[feed]]
url = "https://keep.example/"
[[feed]]
url = "https://gone.example/"
[[feed]]
url = "https://tweak.example/"
interval = "1h"
[[feed]]
url = "https://off.example/"
)");
  // Reordered, one removed, one added, one changed, one disabled.
  Config after = parse_ok(R"(
# a comment moves every line
[[feed]]
url = "https://new.example/"
[[feed]]
url = "https://tweak.example/"
interval = "2h"
[[feed]]
url = "https://off.example/"
enabled = false
[[feed]]
url = "https://keep.example/"
)");
  ConfigDiff d = diff(before, after);
  EXPECT_EQ(d.added, Urls{"https://new.example/"});
  EXPECT_EQ(d.removed, (Urls{"https://gone.example/", "https://off.example/"}));
  EXPECT_EQ(d.changed, Urls{"https://tweak.example/"});
  EXPECT_EQ(d.unchanged, Urls{"https://keep.example/"});
  EXPECT_TRUE(d.outputs_changed);
  EXPECT_TRUE(d.needs_restart.empty());
}

TEST(ConfigDiff, SameFeedsNothingChanges) {
  const char* text = "[[feed]]\nurl = \"https://a.example/\"\n";
  ConfigDiff d = diff(parse_ok(text), parse_ok(std::string("\n\n") + text));
  EXPECT_FALSE(d.feeds_changed());
  EXPECT_FALSE(d.outputs_changed);
  EXPECT_FALSE(d.retention_changed);
  EXPECT_EQ(d.unchanged, Urls{"https://a.example/"});
}

TEST(ConfigDiff, RetitlingAFeedOrEditingAnOutputRendersAgain) {
  ConfigDiff retitled = diff(parse_ok("[[feed]]\nurl = \"https://a.example/\"\n"),
                             parse_ok("[[feed]]\nurl = \"https://a.example/\"\ntitle = \"A\"\n"));
  EXPECT_EQ(retitled.changed, Urls{"https://a.example/"});
  EXPECT_TRUE(retitled.outputs_changed);
  ConfigDiff interval = diff(parse_ok("[[feed]]\nurl = \"https://a.example/\"\n"),
                             parse_ok("[[feed]]\nurl = \"https://a.example/\"\ninterval = \"1h\"\n"));
  EXPECT_FALSE(interval.outputs_changed);
  ConfigDiff output = diff(parse_ok(""), parse_ok("[[output]]\nname = \"x\"\n"));
  EXPECT_TRUE(output.outputs_changed);
  EXPECT_FALSE(output.feeds_changed());
}

TEST(ConfigDiff, ListsDaemonKeysThatNeedARestart) {
  ConfigDiff d = diff(parse_ok("[daemon]\nlisten = \"127.0.0.1:1\"\n"),
                      parse_ok("[daemon]\nlisten = \"127.0.0.1:2\"\nstate_dir = \"/srv/t\"\n"
                               "allow_private = [\"http://127.0.0.1:9\"]\n"
                               "[retention]\nmax_age = \"1d\"\n"));
  EXPECT_EQ(d.needs_restart,
            (Urls{"[daemon] state_dir", "[daemon] output_dir", "[daemon] listen", "[daemon] allow_private"}));
  EXPECT_TRUE(d.retention_changed);
}

// What the running daemon reads only at start: a reload that changes it
// says so instead of reporting success while nothing changes.
TEST(ConfigDiff, ListsStartOnlySettingsOfEveryTable) {
  ConfigDiff d = diff(parse_ok(""), parse_ok("[daemon]\nmax_connections = 4\ndomain_spacing = \"2s\"\n"
                                             "websub_hub = \"https://hub.example/\"\n"
                                             "[full_text]\nworkers = 3\nmax_age = \"1d\"\n"
                                             "[dedup]\nstories = \"off\"\n"));
  EXPECT_EQ(d.needs_restart, (Urls{"[daemon] websub_hub", "[daemon] max_connections", "[daemon] domain_spacing",
                                   "[full_text] workers", "[dedup]"}));
  // Read at every use: no restart needed.
  EXPECT_TRUE(diff(parse_ok(""), parse_ok("[daemon]\ninterval = \"1h\"\n"
                                          "[full_text]\nper_poll = 3\n[retention]\nmax_items_per_feed = 5\n"))
                  .needs_restart.empty());
}

}  // namespace
}  // namespace tributary::config
