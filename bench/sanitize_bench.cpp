// feeds::html::sanitize and html_to_text on realistic article HTML.
//
// The documents are generated deterministically: paragraphs of prose with
// links (absolute and relative, with query strings), inline markup, named
// and numeric character references, a Cyrillic paragraph, figures with
// srcset/sizes, a table, lists, a blockquote, styled spans, and the usual
// noise an article page carries (a script, share buttons with onclick, an
// iframe embed, comments). Throughput is in bytes of input per CPU second.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "feeds/html/sanitize.h"

namespace {

using tributary::feeds::html::html_to_text;
using tributary::feeds::html::sanitize;

constexpr const char* kBase = "https://news.example.com/2024/03/15/a-long-article-slug/";

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : state_(seed) {}

  std::uint32_t next(std::uint32_t n) {
    state_ = state_ * 1664525u + 1013904223u;
    return (state_ >> 8) % n;
  }

  std::string sentence() {
    static constexpr const char* kWords[] = {
        "the",      "council",   "said",   "on",        "Tuesday",  "that",     "its",      "budget",
        "would",    "include",   "new",    "funding",   "for",      "schools",  "and",      "roads",
        "although", "critics",   "argued", "plan",      "was",      "too",      "little",   "late",
        "residents", "gathered", "outside", "city",     "hall",     "where",    "mayor",    "spoke",
        "briefly",  "about",     "what",   "happens",   "next",     "after",    "months",   "of",
        "debate",   "officials", "expect", "results",   "by",       "summer",   "analysts", "noted"};
    std::string s;
    const std::uint32_t n = 8 + next(14);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (i > 0) s += ' ';
      s += kWords[next(sizeof kWords / sizeof *kWords)];
      if (next(17) == 0) s += ",";
    }
    switch (next(6)) {
      case 0: s += " &mdash; " + std::string(kWords[next(8)]) + " &ldquo;quoted&rdquo;"; break;
      case 1: s += " it&rsquo;s &amp; that&#8217;s"; break;
      case 2: s += " 5&nbsp;km"; break;
      default: break;
    }
    s[0] = static_cast<char>(s[0] >= 'a' && s[0] <= 'z' ? s[0] - 32 : s[0]);
    return s + ". ";
  }

  std::string link(const std::string& text) {
    switch (next(4)) {
      case 0:
        return "<a href=\"/2024/02/" + std::to_string(next(100000)) + "/related-story\">" + text + "</a>";
      case 1:
        return "<a href=\"https://www.example.org/reports/" + std::to_string(next(9999)) +
               "?utm_source=rss&amp;utm_medium=feed\" target=\"_blank\" rel=\"noopener\">" + text + "</a>";
      default:
        return "<a href=\"https://en.wikipedia.org/wiki/Topic_" + std::to_string(next(500)) +
               "\" class=\"external\">" + text + "</a>";
    }
  }

  std::string paragraph() {
    std::string p = "<p>";
    const std::uint32_t n = 2 + next(4);
    for (std::uint32_t i = 0; i < n; ++i) {
      std::string s = sentence();
      switch (next(5)) {
        case 0: p += link(s.substr(0, s.find(' ', 10))) + s.substr(s.find(' ', 10)); break;
        case 1: p += "<em>" + s + "</em>"; break;
        case 2: p += "<strong>" + s.substr(0, 12) + "</strong>" + s.substr(12); break;
        default: p += s;
      }
    }
    return p + "</p>\n";
  }

  std::string figure() {
    const std::string id = std::to_string(100000 + next(900000));
    const std::string img = "https://cdn.example.com/images/2024/03/photo-" + id;
    return "<figure class=\"wp-block-image size-large\"><img loading=\"lazy\" decoding=\"async\" width=\"800\" "
           "height=\"533\" src=\"" + img + "-800x533.jpg\" alt=\"Residents gather outside city hall\" srcset=\"" +
           img + "-480x320.jpg 480w, " + img + "-800x533.jpg 800w, " + img +
           "-1200x800.jpg 1200w\" sizes=\"(max-width: 800px) 100vw, 800px\" /><figcaption>Photo: "
           "<span style=\"color: #666666; font-size: 0.9em;\">Jane Doe / Example News</span>"
           "</figcaption></figure>\n";
  }

  std::string table() {
    std::string t = "<table class=\"data\"><thead><tr><th>District</th><th>2023</th><th>2024</th></tr></thead><tbody>";
    for (int r = 0; r < 4; ++r) {
      t += "<tr><td>District " + std::to_string(r + 1) + "</td><td align=\"right\">" + std::to_string(next(9000)) +
           "</td><td align=\"right\">" + std::to_string(next(9000)) + "</td></tr>";
    }
    return t + "</tbody></table>\n";
  }

  std::string noise() {
    switch (next(5)) {
      case 0:
        return "<script type=\"text/javascript\">window.dataLayer = window.dataLayer || []; "
               "dataLayer.push({'event': 'article_view', 'id': 12345});</script>\n";
      case 1:
        return "<div class=\"share-buttons\"><a href=\"#\" onclick=\"share('twitter'); return false;\">Share</a> "
               "<button onclick=\"copyLink()\">Copy link</button></div>\n";
      case 2:
        return "<iframe src=\"https://www.youtube.com/embed/abc123\" width=\"560\" height=\"315\" "
               "allowfullscreen></iframe>\n";
      case 3: return "<!-- ad slot: in-article-2 -->\n";
      default:
        return "<blockquote class=\"twitter-tweet\"><p lang=\"en\" dir=\"ltr\">" + sentence() +
               "</p>&mdash; Someone (@someone) <a href=\"https://twitter.com/someone/status/1\">March 15, 2024</a>"
               "</blockquote>\n";
    }
  }

  std::string article(std::size_t target) {
    std::string a = "<div class=\"entry-content\">\n";
    while (a.size() < target) {
      switch (next(12)) {
        case 0: a += figure(); break;
        case 1: a += table(); break;
        case 2:
          a += "<ul>";
          for (int i = 0; i < 3; ++i) a += "<li>" + sentence() + "</li>";
          a += "</ul>\n";
          break;
        case 3: a += "<h2>" + sentence() + "</h2>\n"; break;
        case 4: a += noise(); break;
        case 5:
          a += "<p>\xD0\x93\xD0\xBE\xD1\x80\xD0\xBE\xD0\xB4\xD1\x81\xD0\xBA\xD0\xBE\xD0\xB9 \xD1\x81\xD0\xBE"
               "\xD0\xB2\xD0\xB5\xD1\x82 \xD1\x83\xD1\x82\xD0\xB2\xD0\xB5\xD1\x80\xD0\xB4\xD0\xB8\xD0\xBB "
               "\xD0\xB1\xD1\x8E\xD0\xB4\xD0\xB6\xD0\xB5\xD1\x82 \xC2\xAB\xD0\xBD\xD0\xB0 \xD0\xB1\xD1\x83"
               "\xD0\xB4\xD1\x83\xD1\x89\xD0\xB8\xD0\xB9 \xD0\xB3\xD0\xBE\xD0\xB4\xC2\xBB.</p>\n";
          break;
        default: a += paragraph();
      }
    }
    return a + "</div>\n";
  }

 private:
  std::uint32_t state_;
};

void BM_Sanitize(benchmark::State& state) {
  const std::string html = Generator(42).article(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::string out = sanitize(html, kBase);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(html.size()));
}
BENCHMARK(BM_Sanitize)->Arg(2 << 10)->Arg(6 << 10)->Arg(10 << 10);

void BM_SanitizeNoBase(benchmark::State& state) {
  const std::string html = Generator(42).article(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::string out = sanitize(html, "");
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(html.size()));
}
BENCHMARK(BM_SanitizeNoBase)->Arg(6 << 10);

void BM_HtmlToText(benchmark::State& state) {
  const std::string html = Generator(42).article(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::string out = html_to_text(html);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(html.size()));
}
BENCHMARK(BM_HtmlToText)->Arg(2 << 10)->Arg(6 << 10)->Arg(10 << 10);

// Real article HTML: Mozilla Readability's expected outputs (extracted
// articles, 1-400 KB) from the shared extraction corpus, all of them per
// iteration. Skipped when the corpus is absent.
std::vector<std::string> read_corpus(const char* name) {
  std::vector<std::string> pages;
  const std::filesystem::path dir =
      std::filesystem::path(TRIBUTARY_SOURCE_DIR) / ".." / "shared" / "corpora" / "extraction" / "readability" /
      "test-pages";
  if (!std::filesystem::is_directory(dir)) return pages;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path() / name, std::ios::binary);
    if (in) pages.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return pages;
}

template <class F>
void run_corpus(benchmark::State& state, const char* name, F f) {
  const std::vector<std::string> pages = read_corpus(name);
  if (pages.empty()) {
    state.SkipWithError("extraction corpus not found");
    return;
  }
  std::int64_t bytes = 0;
  for (const auto& p : pages) bytes += static_cast<std::int64_t>(p.size());
  for (auto _ : state) {
    for (const auto& p : pages) {
      std::string out = f(p);
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * bytes);
  state.counters["pages"] = static_cast<double>(pages.size());
}

void BM_SanitizeReadabilityArticles(benchmark::State& state) {
  run_corpus(state, "expected.html", [](const std::string& p) { return sanitize(p, kBase); });
}
BENCHMARK(BM_SanitizeReadabilityArticles)->Unit(benchmark::kMillisecond);

void BM_HtmlToTextReadabilityArticles(benchmark::State& state) {
  run_corpus(state, "expected.html", [](const std::string& p) { return html_to_text(p); });
}
BENCHMARK(BM_HtmlToTextReadabilityArticles)->Unit(benchmark::kMillisecond);

// Whole pages (scripts, styles, navigation): not what sanitize is fed, but a
// stress test of the tokenizer on real markup.
void BM_SanitizeReadabilitySourcePages(benchmark::State& state) {
  run_corpus(state, "source.html", [](const std::string& p) { return sanitize(p, kBase); });
}
BENCHMARK(BM_SanitizeReadabilitySourcePages)->Unit(benchmark::kMillisecond);

// A short feed title/summary: the other half of the hot path.
void BM_SanitizeShortText(benchmark::State& state) {
  const std::string html = "City council approves budget &mdash; schools &amp; roads get more";
  for (auto _ : state) {
    std::string out = sanitize(html, kBase);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(html.size()));
}
BENCHMARK(BM_SanitizeShortText);

}  // namespace

BENCHMARK_MAIN();
