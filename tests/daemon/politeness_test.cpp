#include "daemon/politeness.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace tributary::daemon {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(DomainKey, GroupsHostsByRegistrableDomain) {
  struct Case {
    std::string url;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"https://feeds.bbc.co.uk/news/rss.xml", "bbc.co.uk"},
      {"https://www.bbc.co.uk/", "bbc.co.uk"},
      {"http://a.b.github.io/feed", "b.github.io"},  // github.io is a public suffix
      {"HTTP://WWW.Example.COM./feed", "example.com"},
      {"https://example.com:8443/x", "example.com"},
      {"http://127.0.0.1:8080/feed", "127.0.0.1"},  // not the ".1" zone
      {"http://[::1]:8080/feed", "::1"},
      {"http://localhost:8080/", "localhost"},
      {"http://co.uk/", "co.uk"},  // a bare public suffix is its own group
      {"file:///var/feeds/a.xml", ""},
      {"not a url", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    EXPECT_EQ(domain_key(c.url), c.expected);
  }
}

TEST(DomainSlots, LimitsConnectionsPerDomain) {
  DomainSlots slots(PolitenessPolicy{2, milliseconds(0)});
  auto t0 = SteadyTime{} + seconds(100);
  EXPECT_EQ(slots.ready_at("a.com", t0), t0);
  slots.start("a.com", t0);
  EXPECT_EQ(slots.ready_at("a.com", t0), t0);
  slots.start("a.com", t0);
  EXPECT_EQ(slots.ready_at("a.com", t0), std::nullopt);
  EXPECT_EQ(slots.ready_at("b.com", t0), t0);  // other domains are not affected
  slots.finish("a.com");
  EXPECT_EQ(slots.ready_at("a.com", t0), t0);
  EXPECT_EQ(slots.busy("a.com"), 1);
}

TEST(DomainSlots, TheLocalHostGetsMoreConnectionsAndNoSpacing) {
  DomainSlots slots(PolitenessPolicy{1, milliseconds(2000), 3});
  auto t0 = SteadyTime{} + seconds(100);
  for (std::string key : {"127.0.0.1", "127.3.4.5", "::1", "localhost", "feeds.localhost"}) {
    SCOPED_TRACE(key);
    EXPECT_TRUE(is_local_key(key));
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(slots.ready_at(key, t0), t0);  // no spacing
      slots.start(key, t0);
    }
    EXPECT_EQ(slots.ready_at(key, t0), std::nullopt);
  }
  for (std::string key : {"128.0.0.1", "10.0.0.1", "example.com", "localhost.example.com", "::2"}) {
    SCOPED_TRACE(key);
    EXPECT_FALSE(is_local_key(key));
    slots.start(key, t0);
    EXPECT_EQ(slots.ready_at(key, t0), std::nullopt);  // the policy's one connection
  }
}

TEST(DomainSlots, SpacesTheStartsOfRequestsToOneDomain) {
  DomainSlots slots(PolitenessPolicy{1, milliseconds(2000)});
  auto t0 = SteadyTime{} + seconds(100);
  slots.start("a.com", t0);
  slots.finish("a.com");
  EXPECT_EQ(slots.ready_at("a.com", t0 + seconds(1)), t0 + seconds(2));
  EXPECT_EQ(slots.ready_at("a.com", t0 + seconds(3)), t0 + seconds(3));
}

// Runs queued jobs on a real io_context; jobs record their start and are
// finished by the test.
class FetchQueueTest : public ::testing::Test {
 protected:
  void push(FetchQueue& q, const std::string& domain, int id) {
    q.push(domain, [this, id] { started.push_back(id); });
  }
  boost::asio::io_context io;
  std::vector<int> started;
};

TEST_F(FetchQueueTest, OneConnectionPerDomainRunsItsJobsInOrder) {
  FetchQueue q(io, PolitenessPolicy{1, milliseconds(0)}, 10);
  push(q, "a.com", 1);
  push(q, "a.com", 2);
  push(q, "a.com", 3);
  EXPECT_EQ(started, (std::vector<int>{1}));
  EXPECT_EQ(q.queued(), 2u);
  q.done("a.com");
  EXPECT_EQ(started, (std::vector<int>{1, 2}));
  q.done("a.com");
  q.done("a.com");
  EXPECT_EQ(started, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(q.active(), 0);
}

TEST_F(FetchQueueTest, DomainsTakeTurnsWithinTheGlobalLimit) {
  FetchQueue q(io, PolitenessPolicy{4, milliseconds(0)}, 2);
  push(q, "a.com", 1);
  push(q, "a.com", 2);
  push(q, "a.com", 3);
  push(q, "b.com", 4);
  EXPECT_EQ(started, (std::vector<int>{1, 2}));  // the global limit
  q.done("a.com");
  EXPECT_EQ(started, (std::vector<int>{1, 2, 4}));  // b's turn before a's third
  q.done("a.com");
  EXPECT_EQ(started, (std::vector<int>{1, 2, 4, 3}));
}

TEST_F(FetchQueueTest, PausedQueueStartsNothingUntilResumed) {
  FetchQueue q(io, PolitenessPolicy{1, milliseconds(0)}, 10);
  q.set_paused(true);
  push(q, "a.com", 1);
  push(q, "b.com", 2);
  EXPECT_TRUE(started.empty());
  q.set_paused(false);
  EXPECT_EQ(started, (std::vector<int>{1, 2}));
}

TEST_F(FetchQueueTest, SpacingDelaysTheNextStartOnATimer) {
  FetchQueue q(io, PolitenessPolicy{1, milliseconds(150)}, 10);
  auto t0 = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point second_start;
  q.push("a.com", [&] { started.push_back(1); });
  q.push("a.com", [&] {
    started.push_back(2);
    second_start = std::chrono::steady_clock::now();
  });
  q.done("a.com");
  EXPECT_EQ(started, (std::vector<int>{1}));  // spacing not yet over
  io.run_for(seconds(2));
  ASSERT_EQ(started, (std::vector<int>{1, 2}));
  EXPECT_GE(second_start - t0, milliseconds(150));
}

TEST_F(FetchQueueTest, ClearDropsQueuedJobs) {
  FetchQueue q(io, PolitenessPolicy{1, milliseconds(0)}, 10);
  push(q, "a.com", 1);
  push(q, "a.com", 2);
  q.clear();
  q.done("a.com");
  EXPECT_EQ(started, (std::vector<int>{1}));
  EXPECT_EQ(q.queued(), 0u);
}

}  // namespace
}  // namespace tributary::daemon
