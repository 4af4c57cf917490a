#include "daemon/pipeline.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include "daemon/refresh.h"
#include "feeds/date.h"
#include "feeds/parse.h"
#include "feeds/url.h"

namespace tributary::daemon {
namespace {

std::string span_text(Seconds s) {
  auto n = s.count();
  if (n < 120) return fmt::format("{}s", n);
  if (n < 7200) return fmt::format("{}m", (n + 30) / 60);
  if (n < 3 * 86400) return fmt::format("{}h{:02}m", n / 3600, (n % 3600) / 60);
  return fmt::format("{}d{}h", n / 86400, (n % 86400) / 3600);
}

bool private_literal(const boost::urls::url_view& u) {
  std::string host(u.host_address());
  if (u.host_type() == boost::urls::host_type::ipv4) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    if (inet_pton(AF_INET, host.c_str(), &in.sin_addr) != 1) return true;
    return is_private_address(reinterpret_cast<const sockaddr*>(&in));
  }
  if (u.host_type() == boost::urls::host_type::ipv6) {
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    if (inet_pton(AF_INET6, host.c_str(), &in6.sin6_addr) != 1) return true;
    return is_private_address(reinterpret_cast<const sockaddr*>(&in6));
  }
  if (u.host_type() == boost::urls::host_type::name) {
    std::string name = u.host_name();
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    while (!name.empty() && name.back() == '.') name.pop_back();
    // RFC 6761 §6.3: localhost names are loopback whatever DNS says.
    return name == "localhost" || name.ends_with(".localhost") || name.empty();
  }
  return true;  // IPvFuture and the like
}

std::optional<TimePoint> entry_time(const feeds::Entry& e) {
  if (e.published) return e.published;
  return e.updated;
}

}  // namespace

FetchRequest poll_request(const std::string& configured_url, const FeedState& state,
                          std::string user_agent, std::vector<std::string> headers) {
  FetchRequest req;
  req.url = state.effective_url.empty() ? configured_url : state.effective_url;
  req.etag = state.etag;
  req.last_modified = state.last_modified;
  req.user_agent = user_agent.empty() ? std::string(kUserAgent) : std::move(user_agent);
  req.headers = std::move(headers);
  // A feed written in the config may always reach its own origin.
  if (auto o = Origin::parse(configured_url)) req.allow_private.push_back(*o);
  return req;
}

bool acceptable_move(const std::string& url, const std::vector<Origin>& allowed) {
  auto scheme = feeds::url_scheme(url);
  if (scheme != "http" && scheme != "https") return false;
  auto u = boost::urls::parse_uri(url);
  if (!u || !u->has_authority()) return false;
  if (!private_literal(*u)) return true;
  auto origin = Origin::parse(url);
  return origin && std::find(allowed.begin(), allowed.end(), *origin) != allowed.end();
}

std::vector<NewItem> pick_items(const feeds::Feed& feed, std::size_t max, std::size_t* dropped) {
  std::vector<std::size_t> order(feed.entries.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (order.size() > max) {
    // Newest first; undated entries after the dated ones, in document order.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      auto ta = entry_time(feed.entries[a]);
      auto tb = entry_time(feed.entries[b]);
      if (ta && tb) return *ta > *tb;
      return ta.has_value() && !tb.has_value();
    });
    if (dropped) *dropped = order.size() - max;
    order.resize(max);
    std::sort(order.begin(), order.end());  // back to document order
  } else if (dropped) {
    *dropped = 0;
  }
  std::vector<NewItem> items;
  items.reserve(order.size());
  for (std::size_t i : order) {
    const feeds::Entry& e = feed.entries[i];
    std::string key = item_key(e);
    if (key.empty()) continue;
    NewItem& item = items.emplace_back(NewItem{std::move(key), {}, e});
    bound_entry(item.entry);
    item.canonical_url = canonical_link(item.entry.link);
  }
  return items;
}

PollResult process_fetch(FetchResult fetched, const PollContext& context, TimePoint now) {
  PollResult r;
  r.http_status = static_cast<int>(fetched.http_status);
  r.wire_bytes = fetched.wire_bytes;
  r.cache_control = std::move(fetched.cache_control);
  r.expires = std::move(fetched.expires);
  r.retry_after = std::move(fetched.retry_after);
  switch (fetched.status) {
    case FetchStatus::failed:
      if (fetched.http_status == 429 || fetched.http_status == 503) {
        r.outcome = PollOutcome::rate_limited;
        r.error = fmt::format("rate limited (HTTP {})", fetched.http_status);
      } else if (fetched.http_status == 410) {
        r.outcome = PollOutcome::gone;
        r.error = "gone (HTTP 410)";
      } else {
        r.outcome = PollOutcome::failed;
        r.error = fetched.error.message.empty() ? "fetch failed" : fetched.error.message;
      }
      return r;
    case FetchStatus::not_modified:
      r.outcome = PollOutcome::not_modified;
      // RFC 9111 §4.3.4: a 304 may carry fresh validators.
      r.etag = std::move(fetched.etag);
      r.last_modified = std::move(fetched.last_modified);
      return r;
    case FetchStatus::ok:
      break;
  }
  if (fetched.body.empty()) {
    r.outcome = PollOutcome::failed;
    r.error = "empty response";
    return r;
  }
  feeds::Source source{fetched.effective_url.empty() ? context.request_url : fetched.effective_url,
                       fetched.content_type, fetched.content_location, fetched.content_language};
  // Only the newest max_items entries are kept while parsing: a document of
  // 50,000 items costs no more memory than one of 2 * max_items.
  Result<feeds::Feed> feed = feeds::parse(fetched.body, source, feeds::ParseOptions{context.max_items});
  // The body is the largest thing a poll holds; let it go before the items
  // are built.
  std::string().swap(fetched.body);
  if (!feed) {
    r.outcome = PollOutcome::failed;
    // The parser says "not a feed" itself when the document is something else.
    r.error = "parse error: " + feed.error().message;
    return r;
  }
  if (feed->bozo && feed->entries.empty()) {
    // A broken document with nothing in it (cut short, say): a failure, not
    // an empty feed whose metadata would replace what is stored.
    r.outcome = PollOutcome::failed;
    r.error = "parse error: broken document without items (" + feed->bozo_reason + ")";
    return r;
  }
  r.outcome = PollOutcome::fetched;
  r.etag = std::move(fetched.etag);
  r.last_modified = std::move(fetched.last_modified);
  r.recovered = feed->bozo;
  r.recovered_reason = feed->bozo_reason;
  r.feed_hint = feed_interval_hint(*feed, now);
  r.items = pick_items(*feed, context.max_items, &r.items_dropped);
  r.items_dropped += feed->entries_dropped;
  r.meta = std::move(feed->meta);
  // A permanent redirect is taken only now that its target served a feed.
  const std::string& moved = fetched.permanent_url;
  if (!moved.empty() && moved != context.request_url && moved != context.url) {
    if (acceptable_move(moved, context.allow_private)) {
      r.moved_to = moved;
    } else {
      r.moved_rejected = moved;
    }
  }
  return r;
}

namespace {

// store_poll's work. `batched`: inside Store::batch, where a failed write
// leaves the transaction unusable, so it is returned at once and `result`
// stays as it was, for the retry.
Result<StoredPoll> store_one(Store& store, const FeedState& state, PollResult& result,
                             Seconds interval, const SchedulePolicy& policy, double jitter_sample,
                             TimePoint now, bool batched) {
  StoredPoll out;
  PollRecord& rec = out.record;
  rec.status = result.http_status;
  rec.polled_at = now.time_since_epoch().count();
  if (result.outcome == PollOutcome::fetched) {
    auto saved = batched ? store.save_in_batch(state.id, *result.meta, result.items, rec.polled_at)
                         : store.save(state.id, *result.meta, result.items, rec.polled_at);
    if (!saved && batched) return tl::unexpected(saved.error());
    if (!saved) {
      result.outcome = PollOutcome::failed;
      result.error = saved.error().message;
    } else {
      out.saved = *saved;
      rec.effective_url = result.moved_to;
      if (result.feed_hint) rec.hint_interval = result.feed_hint->count();
    }
  }
  bool ok = result.outcome == PollOutcome::fetched || result.outcome == PollOutcome::not_modified;
  if (ok) {
    rec.etag = result.etag;
    rec.last_modified = result.last_modified;
  } else {
    rec.error = result.error;
  }
  out.errors = ok ? 0 : state.error_count + 1;

  PollFacts facts;
  facts.outcome = result.outcome;
  facts.errors = out.errors;
  facts.cache_control = result.cache_control;
  facts.expires = result.expires;
  facts.retry_after = result.retry_after;
  if (result.feed_hint && result.outcome == PollOutcome::fetched) {
    facts.feed_hint = result.feed_hint;
  } else if (state.hint_interval) {
    facts.feed_hint = Seconds{*state.hint_interval};
  }
  out.next = next_poll(now, interval, facts, policy, jitter_sample);
  rec.next_poll = out.next.at.time_since_epoch().count();
  if (result.outcome == PollOutcome::gone) {
    rec.hold = "gone";
  } else if (out.next.reason == "retry-after") {
    rec.hold = "rate-limited";
  }
  if (auto w = store.record_poll(state.id, rec); !w) {
    if (batched) return tl::unexpected(w.error());
    // The items (if any) are committed; only the bookkeeping is lost, and
    // the in-memory schedule still holds.
    out.record_error = w.error().message;
    if (result.error.empty()) result.error = w.error().message;
  }
  return out;
}

}  // namespace

StoredPoll store_poll(Store& store, const FeedState& state, PollResult& result, Seconds interval,
                      const SchedulePolicy& policy, double jitter_sample, TimePoint now) {
  return *store_one(store, state, result, interval, policy, jitter_sample, now, false);
}

StoredBatch store_polls(Store& store, std::span<PendingPoll> polls, TimePoint now) {
  StoredBatch out;
  out.polls.resize(polls.size());
  auto one = [&](PendingPoll& p, bool batched) {
    return store_one(store, p.state, p.result, p.interval, p.policy, p.jitter_sample, now, batched);
  };
  auto batch = store.batch(now.time_since_epoch().count(), [&]() -> Result<void> {
    for (std::size_t i = 0; i < polls.size(); ++i) {
      auto s = one(polls[i], true);
      if (!s) return tl::unexpected(s.error());
      out.polls[i] = std::move(*s);
    }
    return {};
  });
  if (batch) return out;
  out.rolled_back = batch.error().message;
  for (std::size_t i = 0; i < polls.size(); ++i) {
    out.polls[i] = *one(polls[i], false);
    if (!out.polls[i].record_error.empty()) out.error = out.polls[i].record_error;
  }
  return out;
}

std::string describe(const std::string& url, const PollResult& r, const SaveStats& saved,
                     const NextPoll& next) {
  std::string when = fmt::format("next poll in {}", span_text(next.delay));
  switch (r.outcome) {
    case PollOutcome::fetched: {
      std::string line = fmt::format("feed {}: {} new, {} merged, {} known", url, saved.added,
                                     saved.merged, saved.unchanged);
      if (r.items_dropped) line += fmt::format(", {} older items over the per-poll cap skipped", r.items_dropped);
      if (next.reason != "interval") line += fmt::format(" ({}, by {})", when, next.reason);
      return line;
    }
    case PollOutcome::not_modified:
      return fmt::format("feed {}: not modified", url);
    case PollOutcome::failed:
      return fmt::format("feed {}: {} ({})", url, r.error, when);
    case PollOutcome::rate_limited:
      if (next.reason == "retry-after") {
        return fmt::format("feed {}: {}: rate limited until {} (Retry-After)", url, r.error,
                           feeds::format_rfc3339(next.at));
      }
      return fmt::format("feed {}: {}{} ({})", url, r.error,
                         r.retry_after.empty() ? "" : ", unusable Retry-After ignored", when);
    case PollOutcome::gone:
      return fmt::format("feed {}: gone (HTTP 410): polling stopped, one re-check on {}; remove it "
                         "from the config",
                         url, feeds::format_rfc3339(next.at));
  }
  return {};
}

}  // namespace tributary::daemon
