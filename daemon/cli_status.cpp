// `tributary status`: the poll state of every configured feed, as a table.
// Reads the store read-only, so it works beside a running daemon (WAL).

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "daemon/article_store.h"
#include "daemon/cli.h"
#include "daemon/config_file.h"
#include "daemon/store.h"

namespace tributary::daemon::cli {
namespace {

std::string ago(std::int64_t seconds) {
  bool future = seconds < 0;
  std::int64_t s = future ? -seconds : seconds;
  std::string span = s < 120       ? fmt::format("{}s", s)
                     : s < 7200    ? fmt::format("{}m", s / 60)
                     : s < 172800  ? fmt::format("{}h", s / 3600)
                                   : fmt::format("{}d", s / 86400);
  return future ? "in " + span : span + " ago";
}

// Display width in code points (good enough for URLs and error messages).
std::size_t width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string clip(std::string s, std::size_t max) {
  if (width(s) <= max) return s;
  std::size_t n = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++n > max - 1) break;
  }
  s.resize(i);
  return s + "…";
}

std::string state_word(const FeedState& f, std::int64_t now) {
  if (!f.last_poll) return "new";
  if (f.hold == "gone") return "gone";
  if (f.hold == "rate-limited" && f.next_poll && *f.next_poll > now) return "limited";
  if (f.error_count > 0) return "error";
  return "ok";
}

// A feed's full-text outcomes: "OK/TRIED" for the FULL TEXT column, and
// the failures by reason, most frequent first, for the note ("2 blocked,
// 1 wall").
struct FullTextSummary {
  std::string column;
  std::string failures;
};

FullTextSummary full_text_summary(const std::map<std::string, std::int64_t>& counts) {
  std::int64_t ok = 0, tried = 0;
  std::vector<std::pair<std::int64_t, std::string>> failed;
  for (const auto& [key, n] : counts) {
    tried += n;
    if (key == "ok") {
      ok = n;
    } else {
      failed.emplace_back(n, key.substr(key.find(':') + 1));
    }
  }
  std::stable_sort(failed.begin(), failed.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  FullTextSummary out{fmt::format("{}/{}", ok, tried), {}};
  for (const auto& [n, reason] : failed) {
    out.failures += fmt::format("{}{} {}", out.failures.empty() ? "" : ", ", n, reason);
  }
  return out;
}

}  // namespace

void add_status_command(CLI::App& app, int& exit_code) {
  auto config_path = std::make_shared<std::string>(default_config_path());
  CLI::App* cmd = app.add_subcommand("status", "Show the poll state of every feed (reads the store only)");
  cmd->add_option("--config,-c", *config_path, "Config file")->capture_default_str();
  cmd->callback([config_path, &exit_code] {
    auto config = load_config(*config_path);
    if (!config) {
      for (const auto& d : config.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
      exit_code = 1;
      return;
    }
    std::string db = (std::filesystem::path(config->daemon.state_dir) / "tributary.db").string();
    if (!std::filesystem::exists(db)) {
      std::fprintf(stderr, "tributary: no store at %s yet (the daemon has not run)\n", db.c_str());
      exit_code = 1;
      return;
    }
    auto store = Store::open_read_only(db);
    if (!store) {
      std::fprintf(stderr, "tributary: %s\n", store.error().message.c_str());
      exit_code = 1;
      return;
    }
    auto rows = store->feeds();
    auto counts = store->item_counts();
    auto articles = article_counts_by_feed(store->db());
    if (!rows || !counts || !articles) {
      std::fprintf(stderr, "tributary: %s\n",
                   (!rows ? rows.error() : !counts ? counts.error() : articles.error()).message.c_str());
      exit_code = 1;
      return;
    }
    std::map<std::string, const FeedState*> by_url;
    for (const auto& f : *rows) by_url[f.url] = &f;
    std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();

    // One row per configured feed, in config order.
    std::vector<std::vector<std::string>> table;
    table.push_back({"STATE", "HTTP", "ERRS", "ITEMS", "FULL TEXT", "LAST POLL", "NEXT POLL", "FEED", "NOTE"});
    int problems = 0;
    for (const auto& fc : config->feeds) {
      auto it = by_url.find(fc.url);
      FeedState none;
      const FeedState& f = it == by_url.end() ? none : *it->second;
      std::string state = !fc.enabled ? "off" : state_word(f, now);
      if (state == "error" || state == "gone" || state == "limited") ++problems;
      auto n = counts->find(f.id);
      std::string note = f.last_error;
      if (!f.effective_url.empty()) {
        note = "moved to " + f.effective_url + (note.empty() ? "" : "; " + note);
      }
      auto a = articles->find(f.id);
      FullTextSummary full_text = a == articles->end() ? FullTextSummary{fc.full_text ? "0/0" : "off", {}}
                                                       : full_text_summary(a->second);
      if (!full_text.failures.empty()) {
        note += (note.empty() ? "full text failed: " : "; full text failed: ") + full_text.failures;
      }
      table.push_back({state, f.last_status ? std::to_string(f.last_status) : "-",
                       std::to_string(f.error_count),
                       std::to_string(n == counts->end() ? 0 : n->second), full_text.column,
                       f.last_poll ? ago(now - *f.last_poll) : "never",
                       !fc.enabled ? "-" : f.next_poll ? ago(now - *f.next_poll) : "due",
                       clip(fc.url, 70), clip(note, 100)});
    }
    std::vector<std::size_t> widths(table[0].size(), 0);
    for (const auto& row : table) {
      for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
    }
    for (const auto& row : table) {
      std::string line;
      for (std::size_t c = 0; c < row.size(); ++c) {
        line += row[c];
        if (c + 1 < row.size()) line.append(widths[c] - width(row[c]) + 2, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      std::printf("%s\n", line.c_str());
    }
    std::printf("%zu feeds, %d with problems, store %s\n", config->feeds.size(), problems, db.c_str());
  });
}

}  // namespace tributary::daemon::cli
