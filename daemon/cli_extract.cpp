#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "daemon/cli.h"
#include "daemon/config_file.h"
#include "daemon/site_rule_library.h"
#include "feeds/date.h"
#include "feeds/html/decode_page.h"
#include "feeds/html/extract.h"

// `tributary extract [--url URL] [--format text|html|json] [--rules DIR] FILE|-`
// prints the main article of one HTML page: its text (paragraphs separated
// by blank lines, no headline), its sanitized HTML, or both with the page's
// metadata as one JSON object.
namespace tributary::daemon::cli {
void add_extract_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string url;
    std::string format = "text";
    std::string rules_dir;
    std::string file;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("extract", "Extract the main article of an HTML page");
  cmd->add_option("--url", opts->url, "Address of the page (base for relative links, site-rule lookup)");
  cmd->add_option("--format", opts->format, "Output: text (default), html or json")
      ->check(CLI::IsMember({"text", "html", "json"}));
  cmd->add_option("--rules", opts->rules_dir, "Directory of ftr-site-config rule files")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("FILE", opts->file, "HTML file, or - for standard input")->required();
  cmd->callback([opts, &exit_code] {
    auto bytes = read_file(opts->file);
    if (!bytes) {
      std::fprintf(stderr, "tributary extract: %s\n", bytes.error().message.c_str());
      exit_code = 1;
      return;
    }
    if (std::string_view type = feeds::html::binary_media_type(*bytes); !type.empty()) {
      std::fprintf(stderr, "tributary extract: %s is not an HTML page (%.*s)\n",
                   opts->file == "-" ? "standard input" : opts->file.c_str(),
                   static_cast<int>(type.size()), type.data());
      exit_code = 1;
      return;
    }
    std::shared_ptr<const feeds::html::SiteRules> rules;
    if (!opts->rules_dir.empty()) {
      SiteRuleLibrary library(opts->rules_dir, [](const std::string& warning) {
        std::fprintf(stderr, "tributary extract: %s\n", warning.c_str());
      });
      rules = library.rules_for(opts->url);
    }
    // A file has no Content-Type: BOM, <meta> prescan, valid UTF-8, else windows-1252.
    std::string page = feeds::html::decode_page(*bytes, "").text;
    auto article = feeds::html::extract(page, opts->url, rules.get());
    if (!article) {
      std::fprintf(stderr, "tributary %s\n", article.error().message.c_str());
      exit_code = 1;
      return;
    }
    std::string out;
    if (opts->format == "text") {
      out = article->text;
    } else if (opts->format == "html") {
      out = article->html;
    } else {
      boost::json::object o;
      o["title"] = article->title;
      o["byline"] = article->byline;
      o["published"] = article->published ? feeds::format_rfc3339(*article->published) : std::string();
      o["lead_image"] = article->lead_image;
      o["lang"] = article->lang;
      o["dir"] = article->dir;
      o["site_name"] = article->site_name;
      o["excerpt"] = article->excerpt;
      o["html"] = article->html;
      o["text"] = article->text;
      out = boost::json::serialize(o);
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    exit_code = 0;
  });
}

}  // namespace tributary::daemon::cli
