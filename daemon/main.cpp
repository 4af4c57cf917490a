#include <cstdio>
#include <exception>

#include "daemon/cli.h"

int main(int argc, char** argv) {
  namespace cli = tributary::daemon::cli;
  CLI::App app{"tributary: a feed aggregator daemon"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tributary 0.1.0");
  int exit_code = 0;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tributary: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
