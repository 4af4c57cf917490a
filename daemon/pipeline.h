#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "daemon/http_client.h"
#include "daemon/schedule.h"
#include "daemon/store.h"
#include "feeds/model.h"

// The stages of one poll, each a function the daemon calls in turn:
//
//   poll_request   (io thread)    FeedState -> FetchRequest
//   process_fetch  (thread pool)  FetchResult -> PollResult: classify, parse,
//                                 pick the items, validate a permanent move
//   store_poll     (store strand) PollResult -> store rows + PollRecord + next poll
//                  (store_polls: a batch of them in one transaction)
//
// Only store_poll(s) have effects (on the store they are given).
namespace tributary::daemon {

// The built-in User-Agent: names the program and where to read about it.
inline constexpr const char* kUserAgent =
    "tributary/0.1 (feed aggregator; +https://github.com/tributary/tributary)";

struct PollContext {
  std::string url;                    // as configured (identifies the feed)
  std::string request_url;            // where this poll went (effective URL)
  std::vector<Origin> allow_private;  // origins a permanent move may point at on private addresses
  std::size_t max_items = 1000;       // items taken from one document, newest first
};

// What a poll turned into, ready for the store.
struct PollResult {
  PollOutcome outcome = PollOutcome::failed;
  int http_status = 0;
  std::string error;          // "" on success; else the cause, for the log and the store
  std::string etag;
  std::string last_modified;
  std::string cache_control;
  std::string expires;
  std::string retry_after;
  std::string moved_to;       // a validated 301/308 target ("" when none)
  std::string moved_rejected; // why a 301/308 target was not taken ("" when none)
  std::optional<feeds::FeedMeta> meta;
  std::vector<NewItem> items;
  std::size_t items_dropped = 0;  // beyond max_items
  std::optional<Seconds> feed_hint;
  std::uint64_t wire_bytes = 0;
  bool recovered = false;     // the parser needed error recovery (bozo)
  std::string recovered_reason;
};

// The request for a feed's next poll: to its effective URL (after a validated
// permanent redirect) with its stored validators.
FetchRequest poll_request(const std::string& configured_url, const FeedState& state,
                          std::string user_agent, std::vector<std::string> headers);

// Classifies a finished transfer and parses its body (which it consumes and
// frees). 429/503 become rate_limited, 410 gone, any other failure (network,
// status, empty body, not a feed, parse error, a broken document without
// items) failed. Never throws.
PollResult process_fetch(FetchResult fetched, const PollContext& context, TimePoint now);

// The newest `max` items of `feed` by date (undated ones keep document order,
// after the dated), with identities and bounded by bound_entry; entries with
// no identity are skipped.
std::vector<NewItem> pick_items(const feeds::Feed& feed, std::size_t max, std::size_t* dropped);

// True when `url` may become a feed's stored URL: http(s), and not a
// loopback/private/reserved IP literal unless its origin is in `allowed`.
bool acceptable_move(const std::string& url, const std::vector<Origin>& allowed);

// What storing a poll did.
struct StoredPoll {
  SaveStats saved;
  PollRecord record;
  NextPoll next;
  int errors = 0;  // consecutive failures after this poll
  std::string record_error;  // the poll record could not be written ("" when it was)
};

// Stores the items and feed metadata of a successful poll (one transaction)
// and records the poll with its next time, computed by `next_poll` from the
// feed's `interval` and `jitter_sample`. A store failure turns the poll into
// a failure (recorded, with backoff) and never loses what was stored before.
StoredPoll store_poll(Store& store, const FeedState& state, PollResult& result, Seconds interval,
                      const SchedulePolicy& policy, double jitter_sample, TimePoint now);

// One poll waiting for the store strand.
struct PendingPoll {
  FeedState state;  // as it was when the poll started
  PollResult result;
  Seconds interval{};
  SchedulePolicy policy;
  double jitter_sample = 0.5;
};

// What store_polls did.
struct StoredBatch {
  std::vector<StoredPoll> polls;  // one per pending poll, in order
  std::string rolled_back;        // why the one transaction failed ("" when it held)
  std::string error;              // a poll record the store could not write ("" when none)
};

// Stores each poll as store_poll does (a save that fails turns its poll into
// a failure), all in one transaction without a savepoint per feed. When any
// write fails, the batch is rolled back and every poll is stored again in a
// transaction of its own, so that one bad feed costs only itself.
StoredBatch store_polls(Store& store, std::span<PendingPoll> polls, TimePoint now);

// One log line for a poll's outcome, naming the feed URL and the cause.
std::string describe(const std::string& url, const PollResult& r, const SaveStats& saved,
                     const NextPoll& next);

}  // namespace tributary::daemon
