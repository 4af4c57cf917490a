#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "daemon/cli.h"
#include "daemon/config_file.h"
#include "feeds/json_dump.h"
#include "feeds/parse.h"

namespace tributary::daemon::cli {

void add_parse_command(CLI::App& app, int& exit_code) {
  struct Options {
    bool json = false;
    std::string url;
    std::vector<std::string> headers;
    std::vector<std::string> files;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("parse", "Parse feed documents and print them as JSON");
  cmd->add_flag("--json", opts->json, "Print the parse-json contract (one JSON object per line)");
  cmd->add_option("--url", opts->url, "Address the document was fetched from (base URI)");
  cmd->add_option("--header", opts->headers, "An HTTP response header, 'Name: value' (repeatable)");
  cmd->add_option("FILE", opts->files, "Feed files, or - for standard input")->required();
  cmd->callback([opts, &exit_code] {
    feeds::Source source;
    source.url = opts->url;
    for (const auto& h : opts->headers) {
      auto colon = h.find(':');
      if (colon == std::string::npos) {
        std::fprintf(stderr, "tributary parse: bad --header '%s' (want 'Name: value')\n", h.c_str());
        exit_code = 2;
        return;
      }
      std::string name = h.substr(0, colon);
      std::string value = h.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == "content-type") source.content_type = value;
      if (name == "content-location") source.content_location = value;
      if (name == "content-language") source.content_language = value;
    }
    std::string line;  // reused: a feed's JSON is as large as the feed
    for (const auto& file : opts->files) {
      auto bytes = read_file(file);
      if (!bytes) {
        std::fprintf(stderr, "tributary parse: %s\n", bytes.error().message.c_str());
        exit_code = 1;
        continue;
      }
      // Unrecognized input is still a result (format ""), as the contract asks.
      line.clear();
      feeds::append_json(line, feeds::parse_document(*bytes, source));
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), stdout);
    }
  });
}

}  // namespace tributary::daemon::cli
