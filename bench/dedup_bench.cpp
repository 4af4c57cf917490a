// Throughput of feeds/dedup: URL canonicalization, title cleaning, and the
// deduplicator with and without the story layer.
//
// Items come from the shared labeled corpus when it is present
// (../shared/corpora/dedup/uci-exactdup-dev.jsonl next to the checkout),
// else from a deterministic generator. The corpus is replicated with
// publication times shifted by a week per copy (ids and links suffixed), so
// copies never join each other and the index grows as in a long-running
// daemon. Report items/s with --benchmark_counters_tabular=true; the figures
// are CPU time.
//
// `dedup_bench --memory CORPUS_DIR` instead prints what the deduplicator
// remembers per copy: the feeds of a shared/bench/gen_feeds.py corpus are
// parsed and filed one feed per add(), as the daemon's cold run files them
// (daemon/dedup_index.cpp dedup_item), with stories on and off; the figure
// is heap bytes in use (mallinfo2: in use plus mapped blocks) after filing minus before, per copy.

#include <malloc.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>

#include "feeds/dedup/deduplicator.h"
#include "feeds/dedup/terms.h"
#include "feeds/dedup/title.h"
#include "feeds/dedup/url_canon.h"
#include "feeds/parse.h"

namespace {

namespace dedup = tributary::feeds::dedup;

std::string field(const boost::json::object& o, const char* name) {
  const boost::json::value* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::vector<dedup::Item> load_corpus() {
  std::vector<dedup::Item> items;
  std::ifstream in(std::string(TRIBUTARY_SOURCE_DIR) + "/../shared/corpora/dedup/uci-exactdup-dev.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    boost::json::value v = boost::json::parse(line);
    const auto& o = v.as_object();
    dedup::Item item;
    item.id = field(o, "id");
    item.title = field(o, "title");
    item.link = field(o, "link");
    item.feed = field(o, "feed");
    item.guid = field(o, "guid");
    if (const auto* p = o.if_contains("published"); p != nullptr && p->is_number()) {
      item.published = dedup::Millis(std::chrono::milliseconds(static_cast<std::int64_t>(p->to_number<double>())));
    }
    items.push_back(std::move(item));
  }
  return items;
}

// A stand-in when the shared corpus is absent: headlines from a small
// vocabulary, some repeated with tracking parameters or a wire prefix.
std::vector<dedup::Item> generate_items(std::size_t n) {
  static const char* kWords[] = {"Fed", "stocks", "rally", "China", "data", "bankruptcy", "exchange",
                                 "Bitcoin", "recall", "GM", "weather", "jobs", "growth", "ECB", "talks",
                                 "Ukraine", "Russia", "sanctions", "oil", "prices", "merger", "deal",
                                 "Apple", "iPhone", "launch", "review", "game", "Xbox", "earnings", "bank"};
  std::uint64_t x = 88172645463325252ull;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  std::vector<dedup::Item> items;
  for (std::size_t i = 0; i < n; ++i) {
    dedup::Item item;
    item.id = "gen-" + std::to_string(i);
    for (int w = 0; w < 8; ++w) {
      if (w > 0) item.title += ' ';
      item.title += kWords[next() % std::size(kWords)];
    }
    item.feed = "Feed " + std::to_string(next() % 50);
    item.link = "http://www.example" + std::to_string(next() % 50) + ".com/news/" + std::to_string(i);
    item.published = dedup::Millis(std::chrono::milliseconds(1394470370698 + static_cast<std::int64_t>(i) * 20000));
    items.push_back(item);
    if (next() % 3 == 0) {
      item.id += "-copy";
      item.link += "?utm_source=rss&fbclid=abc";
      item.title = "UPDATE 1-" + item.title;
      items.push_back(std::move(item));
    }
  }
  return items;
}

const std::vector<dedup::Item>& base_items() {
  static const std::vector<dedup::Item> items = [] {
    auto corpus = load_corpus();
    return corpus.empty() ? generate_items(5000) : corpus;
  }();
  return items;
}

std::vector<dedup::Item> replicated(std::size_t copies) {
  const auto& base = base_items();
  std::vector<dedup::Item> out;
  out.reserve(base.size() * copies);
  for (std::size_t c = 0; c < copies; ++c) {
    // Appended, not "~" + to_string(c): GCC 12 -O3 warns a false -Wrestrict.
    std::string suffix(1, '~');
    suffix += std::to_string(c);
    for (dedup::Item item : base) {
      item.id += suffix;
      if (!item.link.empty()) item.link += (item.link.find('?') == std::string::npos ? "?copy=" : "&copy=") + suffix;
      if (!item.guid.empty()) item.guid += suffix;
      if (item.published) *item.published += std::chrono::hours(24 * 7 * static_cast<int>(c));
      out.push_back(std::move(item));
    }
  }
  return out;
}

void BM_CanonicalUrl(benchmark::State& state) {
  const auto& items = base_items();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(dedup::canonical_url(items[i].link));
    if (++i == items.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CanonicalUrl);

void BM_CleanTitle(benchmark::State& state) {
  const auto& items = base_items();
  dedup::Publishers publishers;
  for (const auto& item : items) publishers.add(item.feed);
  std::size_t i = 0;
  for (auto _ : state) {
    auto clean = dedup::clean_title(items[i].title, dedup::TitleRules{&publishers, {}});
    benchmark::DoNotOptimize(dedup::title_words(clean.text));
    if (++i == items.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CleanTitle);

// The whole input as one batch, as `tributary dedup` files it.
void BM_Deduplicate(benchmark::State& state) {
  auto items = replicated(static_cast<std::size_t>(state.range(0)));
  dedup::Options options;
  options.stories = state.range(1) != 0;
  options.batches_are_documents = false;
  for (auto _ : state) {
    dedup::Deduplicator d(options);
    benchmark::DoNotOptimize(d.add(items));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(items.size()));
  state.SetLabel(options.stories ? "exact+stories" : "exact layer");
}
BENCHMARK(BM_Deduplicate)->Args({1, 0})->Args({1, 1})->Args({8, 0})->Args({8, 1})->Unit(benchmark::kMillisecond);

// A daemon's refreshes: batches of 50 items, the window bounded by
// forget_before every 20 batches.
void BM_DeduplicateIncremental(benchmark::State& state) {
  auto items = replicated(4);
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.published < b.published; });
  dedup::Options options;
  options.stories = state.range(0) != 0;
  constexpr std::size_t kBatch = 50;
  for (auto _ : state) {
    dedup::Deduplicator d(options);
    for (std::size_t i = 0, n = 0; i < items.size(); i += kBatch, ++n) {
      std::size_t end = std::min(items.size(), i + kBatch);
      benchmark::DoNotOptimize(d.add(std::span<const dedup::Item>(items).subspan(i, end - i)));
      if (n % 20 == 19 && items[i].published) d.forget_before(*items[i].published - std::chrono::hours(96));
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(items.size()));
  state.SetLabel(options.stories ? "exact+stories, batches of 50" : "exact layer, batches of 50");
}
BENCHMARK(BM_DeduplicateIncremental)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// ---- --memory ----------------------------------------------------------

// The copies of each feed of a generated corpus, as the daemon's
// dedup_item makes them (title and summary as plain text, the summary's
// first 1200 bytes, the feed's title as its name).
std::vector<std::vector<dedup::Item>> corpus_feeds(const std::string& dir) {
  std::vector<std::vector<dedup::Item>> feeds;
  std::ifstream list(dir + "/feeds.txt");
  std::string path;
  auto plain = [](const std::optional<tributary::feeds::Text>& t) {
    if (!t) return std::string();
    return t->is_html() ? dedup::summary_text(t->value) : t->value;
  };
  while (std::getline(list, path)) {
    std::ifstream in(dir + "/" + path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    tributary::feeds::Source source;
    source.url = "http://127.0.0.1/" + path;
    tributary::feeds::Feed feed = tributary::feeds::parse_document(bytes.str(), source);
    std::string name = feed.meta.title && !feed.meta.title->value.empty() ? feed.meta.title->value : path;
    std::vector<dedup::Item> items;
    for (const auto& e : feed.entries) {
      dedup::Item item;
      item.title = plain(e.title);
      item.link = e.link;
      item.guid = e.id;
      const auto& body = e.summary ? e.summary : e.content;
      if (body) {
        item.summary = dedup::summary_text(body->value);
        std::size_t n = std::min<std::size_t>(item.summary.size(), 1200);
        while (n > 0 && n < item.summary.size() && (static_cast<unsigned char>(item.summary[n]) & 0xC0) == 0x80) --n;
        item.summary.resize(n);
      }
      item.feed = name;
      if (const auto& t = e.published ? e.published : e.updated) {
        item.published = dedup::Millis(std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()));
      }
      items.push_back(std::move(item));
    }
    feeds.push_back(std::move(items));
  }
  return feeds;
}

int print_memory(const std::string& dir) {
  auto feeds = corpus_feeds(dir);
  std::size_t copies = 0;
  for (const auto& f : feeds) copies += f.size();
  if (copies == 0) {
    std::fprintf(stderr, "no feeds in %s (python3 shared/bench/gen_feeds.py %s)\n", dir.c_str(), dir.c_str());
    return 1;
  }
  for (bool stories : {true, false}) {
    // In use: the arenas' chunks plus the large blocks malloc maps apart.
    auto heap = [] {
      struct mallinfo2 m = mallinfo2();
      return m.uordblks + m.hblkhd;
    };
    malloc_trim(0);
    std::size_t before = heap();
    dedup::Options options;
    options.stories = stories;
    auto d = std::make_unique<dedup::Deduplicator>(options);
    for (const auto& f : feeds) d->add(f);
    std::size_t after = heap();
    // The result, to compare builds: how many groups and stories, and a
    // digest of every copy's assignment.
    std::size_t groups = 0, story_count = 0;
    std::uint64_t digest = 0xcbf29ce484222325ull;
    for (std::size_t h = 0; h < d->size(); ++h) {
      dedup::Assignment a = d->assignment(h);
      groups += a.group == h;
      story_count += a.story == h;
      for (std::size_t v : {a.group, a.story}) digest = (digest ^ v) * 0x100000001b3ull;
    }
    std::printf("%s: %zu feeds, %zu copies, %.1f MB heap, %.0f bytes per copy (%zu groups, %zu stories, digest %016llx)\n",
                stories ? "exact+stories" : "exact layer", feeds.size(), copies,
                static_cast<double>(after - before) / 1e6, static_cast<double>(after - before) / static_cast<double>(copies),
                groups, story_count, static_cast<unsigned long long>(digest));
  }
  // The same with forgetting, as a daemon bounds its window: every 100
  // feeds, the copies of all but the last 400 feeds by handle, or those
  // published over two days before the newest, in turn; a digest of the
  // remembered copies' assignments after each add().
  dedup::Deduplicator d;
  std::uint64_t digest = 0xcbf29ce484222325ull;
  std::vector<std::size_t> first_handle;
  dedup::Millis newest{};
  for (std::size_t f = 0; f < feeds.size(); ++f) {
    first_handle.push_back(d.size());
    d.add(feeds[f]);
    for (const auto& item : feeds[f]) newest = std::max(newest, item.published.value_or(newest));
    if (f % 100 == 99) {
      if (f % 200 == 99) {
        d.forget_handles_before(f >= 399 ? first_handle[f - 399] : 0);
      } else {
        d.forget_before(newest - std::chrono::hours(48));
      }
    }
    for (std::size_t h = d.first_remembered(); h < d.size(); ++h) {
      dedup::Assignment a = d.assignment(h);
      for (std::size_t v : {a.group, a.story}) digest = (digest ^ v) * 0x100000001b3ull;
    }
  }
  std::printf("with forgetting: %zu of %zu copies remembered, digest %016llx\n", d.size() - d.first_remembered(),
              d.size(), static_cast<unsigned long long>(digest));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--memory") == 0) return print_memory(argv[2]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
