#include "daemon/metrics.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace tributary::daemon {
namespace {

TEST(Metrics, RendersPrometheusTextWithHelpTypeAndLabels) {
  Metrics m;
  m.add("tributary_polls_total", {{"outcome", "ok"}});
  m.add("tributary_polls_total", {{"outcome", "ok"}}, 2);
  m.add("tributary_polls_total", {{"outcome", "error"}});
  m.set("tributary_queue_size", {{"queue", "fetch"}}, 7);
  m.set("tributary_store_items", 1234);
  std::string text = m.render();
  EXPECT_NE(text.find("# HELP tributary_polls_total "), std::string::npos);
  EXPECT_NE(text.find("# TYPE tributary_polls_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("tributary_polls_total{outcome=\"ok\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tributary_polls_total{outcome=\"error\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE tributary_queue_size gauge\n"), std::string::npos);
  EXPECT_NE(text.find("tributary_queue_size{queue=\"fetch\"} 7\n"), std::string::npos);
  EXPECT_NE(text.find("tributary_store_items 1234\n"), std::string::npos);
  // A counter nobody touched yet still shows up, at 0.
  EXPECT_NE(text.find("\ntributary_retention_deleted_total 0\n"), std::string::npos);
  EXPECT_EQ(m.value("tributary_polls_total", {{"outcome", "ok"}}), 3);
  EXPECT_EQ(m.value("tributary_polls_total", {{"outcome", "nope"}}), 0);
}

TEST(Metrics, EveryLineIsAValidSampleOrComment) {
  Metrics m;
  m.add("tributary_domain_wait_seconds_total", {{"domain", "ex\"am\\ple\n.com"}}, 1.5);
  for (std::size_t pos = 0, end; pos < m.render().size(); pos = end + 1) {
    std::string text = m.render();
    end = text.find('\n', pos);
    ASSERT_NE(end, std::string::npos) << "the text ends with a newline";
    std::string line = text.substr(pos, end - pos);
    SCOPED_TRACE(line);
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
    ASSERT_TRUE(line.starts_with("tributary_"));
    auto space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos);
    std::size_t used = 0;
    (void)std::stod(line.substr(space + 1), &used);
    EXPECT_EQ(used, line.size() - space - 1);
  }
  EXPECT_NE(m.render().find("{domain=\"ex\\\"am\\\\ple\\n.com\"} 1.5\n"), std::string::npos) << m.render();
}

TEST(Metrics, CountsFromManyThreads) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) m.add("tributary_items_total", {{"result", "new"}});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.value("tributary_items_total", {{"result", "new"}}), 40000);
}

TEST(Metrics, ClearDropsAGaugesOldLabels) {
  Metrics m;
  m.set("tributary_feeds", {{"state", "failing"}}, 3);
  m.clear("tributary_feeds");
  m.set("tributary_feeds", {{"state", "enabled"}}, 5);
  std::string text = m.render();
  EXPECT_EQ(text.find("state=\"failing\""), std::string::npos);
  EXPECT_NE(text.find("tributary_feeds{state=\"enabled\"} 5\n"), std::string::npos);
}

}  // namespace
}  // namespace tributary::daemon
