// `tributary dedup`: JSON lines of feed items in, one JSON line per item out,
// with its duplicate group and story (contracts/dedup-io.md).

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/cli.h"
#include "daemon/config_file.h"
#include "feeds/dedup/deduplicator.h"
#include "feeds/dedup/item_lines.h"
#include "feeds/json_dump.h"

namespace tributary::daemon::cli {
namespace {

namespace dedup = feeds::dedup;

struct DedupOptions {
  std::string file = "-";
  std::string granularity = "story";
  bool no_stories = false;
  bool explain = false;
  double dup_window_hours = 72;
  double story_window_hours = 48;
  double join = -1;
  double merge = -1;
  double idf = -1;
  double cohesion = -1;
  int max_members = -1;
};

// A number from `lo` to `hi` (CLI::Range lets NaN through: it fails both
// comparisons, and a NaN window does not convert to hours).
CLI::Validator finite_in(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& value) -> std::string {
        double x = 0;
        if (CLI::detail::lexical_cast(value, x) && std::isfinite(x) && x >= lo && x <= hi) return {};
        return "Value " + value + " is not a number from " + CLI::detail::to_string(lo) + " to " +
               CLI::detail::to_string(hi);
      },
      "NUMBER");
}

int run_dedup(const DedupOptions& opts) {
  dedup::Options options;
  if (opts.granularity == "story") {
    options.story = dedup::story_params(dedup::Granularity::story);
  } else if (opts.granularity == "event") {
    options.story = dedup::story_params(dedup::Granularity::event);
  } else {
    std::fprintf(stderr, "tributary dedup: --granularity must be story or event\n");
    return 2;
  }
  if (opts.join >= 0) options.story.join = opts.join;
  if (opts.merge >= 0) options.story.merge = opts.merge;
  if (opts.idf >= 0) options.story.idf_exponent = opts.idf;
  if (opts.cohesion >= 0) options.story.cohesion = opts.cohesion;
  if (opts.max_members >= 0) options.story.max_members = static_cast<std::uint32_t>(opts.max_members);
  options.stories = !opts.no_stories;
  options.duplicate_window = std::chrono::hours(static_cast<long>(opts.dup_window_hours));
  options.story_window = std::chrono::hours(static_cast<long>(opts.story_window_hours));

  auto text = read_file(opts.file);
  if (!text) {
    std::fprintf(stderr, "tributary dedup: %s\n", text.error().message.c_str());
    return 1;
  }
  auto items = dedup::parse_item_lines(*text);
  if (!items) {
    std::fprintf(stderr, "tributary %s\n", items.error().message.c_str());
    return 1;
  }
  options.keep_keys = opts.explain;
  options.batches_are_documents = false;  // one batch of a whole crawl log
  dedup::Deduplicator dedup(options);
  std::vector<std::size_t> handles = dedup.add(*items);
  // Handles are 0, 1, 2, ... in filing order: map them back to input lines.
  std::vector<std::size_t> line_of(handles.size());
  for (std::size_t i = 0; i < handles.size(); ++i) line_of[handles[i]] = i;
  std::string out;
  out.reserve(items->size() * 64);
  std::string label;
  auto append_label = [&](char prefix, const std::string& id) {
    label.assign(1, prefix);
    label += id;
    feeds::append_json_string(out, label);
  };
  for (std::size_t i = 0; i < items->size(); ++i) {
    dedup::Assignment a = dedup.assignment(handles[i]);
    out += "{\"id\":";
    feeds::append_json_string(out, (*items)[i].id);
    out += ",\"group\":";
    append_label('g', (*items)[line_of[a.group]].id);
    out += ",\"story\":";
    append_label('s', (*items)[line_of[a.story]].id);
    if (opts.explain) {
      out += ",\"clean_title\":";
      feeds::append_json_string(out, dedup.keys(handles[i]).clean.text);
      out += ",\"flags\":" + std::to_string(dedup.keys(handles[i]).clean.flags);
    }
    out += "}\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

void add_dedup_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<DedupOptions>();
  CLI::App* cmd = app.add_subcommand(
      "dedup", "Group feed items: JSON lines {id,title,link,summary,feed,published,guid} in, "
               "{id,group,story} out");
  cmd->add_option("FILE", opts->file, "JSON lines file, or - for standard input (default)");
  cmd->add_option("--granularity", opts->granularity,
                  "story layer: 'story' (one developing story) or 'event' (one event, reworded)")
      ->check(CLI::IsMember({"story", "event"}));
  cmd->add_flag("--no-stories", opts->no_stories, "duplicate layer only: story = group");
  // At most ~114 years: the windows become a count of hours (a larger double
  // does not fit) and are added to item times.
  cmd->add_option("--dup-window-hours", opts->dup_window_hours, "duplicate layer time window (72)")
      ->check(finite_in(0, 1e6));
  cmd->add_option("--story-window-hours", opts->story_window_hours, "idle time that closes a story (48)")
      ->check(finite_in(0, 1e6));
  cmd->add_option("--join", opts->join, "override: cosine to join a story")->check(finite_in(0, 1));
  cmd->add_option("--merge", opts->merge, "override: centroid cosine to merge two stories")->check(finite_in(0, 1));
  cmd->add_option("--idf", opts->idf, "override: IDF exponent of term weights")->check(finite_in(0, 100));
  cmd->add_option("--cohesion", opts->cohesion, "override: mean similarity to a story's members to join it")
      ->check(finite_in(0, 1));
  cmd->add_option("--max-members", opts->max_members, "override: size of a story that takes no more items by similarity");
  cmd->add_flag("--explain", opts->explain, "also print each item's clean title and flags");
  cmd->callback([opts, &exit_code] { exit_code = run_dedup(*opts); });
}

}  // namespace tributary::daemon::cli
