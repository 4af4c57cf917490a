#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "daemon/cli.h"
#include "feeds/date.h"
#include "feeds/decode.h"
#include "feeds/html/extract.h"
#include "feeds/html/site_rules.h"

// `tributary extract [--url URL] [--format text|html|json] [--rules DIR] FILE|-`
// prints the main article of one HTML page: its text (paragraphs separated
// by blank lines, no headline), its sanitized HTML, or both with the page's
// metadata as one JSON object.
namespace tributary::daemon::cli {
namespace {

bool read_input(const std::string& file, std::string& out) {
  if (file == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = std::move(s).str();
  return !in.bad();
}

// The charset a page declares in its first 1024 bytes (<meta charset> or
// <meta http-equiv="Content-Type" content="...; charset=...">), lower case.
std::string declared_charset(std::string_view bytes) {
  std::string head(bytes.substr(0, 1024));
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t pos = head.find("charset");
  while (pos != std::string::npos) {
    std::size_t i = pos + 7;
    while (i < head.size() && (head[i] == ' ' || head[i] == '=' || head[i] == '"' || head[i] == '\'')) ++i;
    std::size_t start = i;
    while (i < head.size() && (std::isalnum(static_cast<unsigned char>(head[i])) || head[i] == '-' || head[i] == '_')) ++i;
    if (i > start) return head.substr(start, i - start);
    pos = head.find("charset", pos + 7);
  }
  return {};
}

// Page bytes to UTF-8 (HTML5 encoding sniffing, simplified): a BOM, then
// valid UTF-8 is taken as UTF-8 whatever a <meta> claims (pages that lie
// about their charset are mostly UTF-8 ones), then the declared charset,
// then windows-1252.
std::string page_to_utf8(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (feeds::is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  bool had_errors = false;
  std::string charset = declared_charset(bytes);
  if (!charset.empty() && charset != "utf-8" && charset != "utf8" &&
      feeds::convert_to_utf8(bytes, charset, out, had_errors)) {
    return out;
  }
  if (feeds::convert_to_utf8(bytes, "windows-1252", out, had_errors)) return out;
  return std::string(bytes);
}

bool read_file_text(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = std::move(s).str();
  return true;
}

// The site rules for `url` from the rule directory: the first file of
// site_rule_file_names(host) that exists, followed by global.txt.
std::optional<feeds::html::SiteRules> load_rules(const std::string& dir, const std::string& url) {
  namespace fs = std::filesystem;
  std::optional<feeds::html::SiteRules> rules;
  std::string host = feeds::html::url_host(url);
  std::string text;
  for (const auto& name : feeds::html::site_rule_file_names(host)) {
    if (read_file_text(fs::path(dir) / name, text)) {
      rules = feeds::html::parse_site_rules(text);
      for (const auto& w : rules->warnings) std::fprintf(stderr, "tributary extract: %s: %s\n", name.c_str(), w.c_str());
      break;
    }
  }
  if (read_file_text(fs::path(dir) / "global.txt", text)) {
    feeds::html::SiteRules global = feeds::html::parse_site_rules(text);
    if (!rules) rules = feeds::html::SiteRules{};
    feeds::html::merge_site_rules(*rules, global);
  }
  return rules;
}

}  // namespace

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
    std::string bytes;
    if (!read_input(opts->file, bytes)) {
      std::fprintf(stderr, "tributary extract: cannot read %s\n", opts->file.c_str());
      exit_code = 1;
      return;
    }
    std::optional<feeds::html::SiteRules> rules;
    if (!opts->rules_dir.empty()) rules = load_rules(opts->rules_dir, opts->url);
    std::string page = page_to_utf8(bytes);
    auto article = feeds::html::extract(page, opts->url, rules ? &*rules : nullptr);
    if (!article) {
      std::fprintf(stderr, "tributary extract: %s\n", article.error().message.c_str());
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
