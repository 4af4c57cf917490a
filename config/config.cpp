#include "config/config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <toml++/toml.h>

#include "feeds/url.h"

namespace tributary::config {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxSocketPath = 107;

constexpr std::array<std::string_view, 14> kDaemonKeys = {
    "state_dir", "output_dir", "listen", "interval", "allow_private", "user_agent", "reload_on_change",
    "public_url", "websub_hub", "socket",
    "min_interval", "max_connections", "domain_connections", "domain_spacing"};
constexpr std::array<std::string_view, 10> kFeedKeys = {
    "url",        "title",   "tags",        "interval", "full_text", "enabled",
    "user_agent", "headers", "auth_header", "site_rule"};
constexpr std::array<std::string_view, 6> kOutputKeys = {"name", "title", "tags", "formats", "limit",
                                                        "feeds"};
constexpr std::array<std::string_view, 3> kRetentionKeys = {"max_age", "max_items_per_feed",
                                                            "keep_in_outputs"};
constexpr std::array<std::string_view, 4> kFullTextKeys = {"site_rules", "max_age", "per_poll",
                                                           "workers"};
constexpr std::array<std::string_view, 6> kDedupKeys = {"enabled", "stories", "representative", "window",
                                                        "memory",  "memory_copies"};
constexpr std::array<std::string_view, 6> kTopKeys = {"daemon", "feed", "output", "retention",
                                                      "full_text", "dedup"};
constexpr std::array<std::string_view, 3> kFormats = {"atom", "rss", "json"};

// The tables that know `key` ("[daemon] or [[feed]]"), for a key written in
// the wrong place: above every table header, or under the wrong one.
std::string tables_of(std::string_view key) {
  const std::pair<std::string_view, std::span<const std::string_view>> tables[] = {
      {"[daemon]", kDaemonKeys},       {"[[feed]]", kFeedKeys},         {"[[output]]", kOutputKeys},
      {"[retention]", kRetentionKeys}, {"[full_text]", kFullTextKeys}, {"[dedup]", kDedupKeys}};
  std::string out;
  for (const auto& [name, keys] : tables) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) continue;
    out += fmt::format("{}{}", out.empty() ? "" : " or ", name);
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// toml++ nests one table per part of a dotted key (a.b.c = 1, [a.b.c]) by
// recursion, and 100000 parts overflow the stack. It bounds arrays and
// inline tables (256 levels), not these: keys with more parts are refused
// before it sees them.
constexpr std::size_t kMaxKeyParts = 64;

// The line and column of the dot that gives a key more than kMaxKeyParts
// parts. Counts the dots outside strings and comments between two of
// "=[]{}," and line breaks: a value has at most one there (1.5), a key one
// fewer than its parts.
std::optional<std::pair<int, int>> overlong_key(std::string_view text) {
  int line = 1;
  std::size_t line_start = 0;
  std::size_t dots = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      dots = 0;
    } else if (c == '#') {
      i = std::min(text.find('\n', i), text.size()) - 1;  // the loop steps onto the '\n'
    } else if (c == '"' || c == '\'') {
      const std::string_view quote = text.substr(i, 3) == std::string(3, c) ? text.substr(i, 3) : text.substr(i, 1);
      for (i += quote.size(); i < text.size(); ++i) {
        if (text[i] == '\n') {
          if (quote.size() == 1) break;  // unterminated: toml++ reports it
          ++line;
          line_start = i + 1;
        } else if (c == '"' && text[i] == '\\') {
          if (i + 1 < text.size() && text[i + 1] == '\n') continue;  // a line-ending backslash
          ++i;
        } else if (text.compare(i, quote.size(), quote) == 0) {
          i += quote.size() - 1;
          break;
        }
      }
      if (i < text.size() && text[i] == '\n') --i;
    } else if (c == '.') {
      if (++dots >= kMaxKeyParts) {
        return std::pair{line, static_cast<int>(i - line_start + 1)};
      }
    } else if (std::string_view("=[]{},").find(c) != std::string_view::npos) {
      dots = 0;
    }
  }
  return std::nullopt;
}

// Collects diagnostics while walking the TOML tree.
class Checker {
 public:
  explicit Checker(std::string_view file) : file_(file) {}

  void error(const toml::source_region& where, std::string message) {
    diagnostics_.push_back(Diagnostic{file_, static_cast<int>(where.begin.line),
                                      static_cast<int>(where.begin.column), std::move(message)});
  }
  void error(const toml::node& node, std::string message) { error(node.source(), std::move(message)); }

  template <std::size_t N>
  void check_keys(const toml::table& table, const std::array<std::string_view, N>& known,
                  std::string_view where) {
    for (const auto& [key, value] : table) {
      std::string_view k = key.str();
      if (std::find(known.begin(), known.end(), k) != known.end()) continue;
      std::string_view best;
      std::size_t best_distance = 3;
      for (auto candidate : known) {
        std::size_t d = edit_distance(k, candidate);
        if (d < best_distance) best_distance = d, best = candidate;
      }
      auto message = fmt::format("unknown key '{}' in {}", k, where);
      if (!best.empty()) {
        message += fmt::format(" (did you mean '{}'?)", best);
      } else if (auto home = tables_of(k); !home.empty()) {
        message += fmt::format(" (it belongs in {})", home);
      }
      error(key.source().begin.line ? key.source() : value.source(), std::move(message));
    }
  }

  std::optional<std::string> string(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (n->is_string()) return *n->value<std::string>();
    error(*n, fmt::format("'{}' must be a string", key));
    return std::nullopt;
  }

  // A User-Agent header value: one line, or the request would carry the
  // rest as headers of its own.
  std::optional<std::string> user_agent(const toml::table& t) {
    auto s = string(t, "user_agent");
    if (s && s->find_first_of("\r\n") != std::string::npos) {
      error(*t.get("user_agent"), "'user_agent' must be one line");
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> boolean(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (n->is_boolean()) return *n->value<bool>();
    error(*n, fmt::format("'{}' must be true or false", key));
    return std::nullopt;
  }

  std::optional<std::int64_t> integer(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (n->is_integer()) return n->value<std::int64_t>();
    error(*n, fmt::format("'{}' must be an integer", key));
    return std::nullopt;
  }

  std::vector<std::string> strings(const toml::table& t, std::string_view key) {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) {
      error(*n, fmt::format("'{}' must be an array of strings", key));
      return out;
    }
    for (const auto& item : *a) {
      if (item.is_string()) {
        out.push_back(*item.value<std::string>());
      } else {
        error(item, fmt::format("'{}' must hold only strings", key));
      }
    }
    return out;
  }

  // A duration; poll intervals (`floor` > 0) may not go below the floor,
  // other durations may be 0 ("off").
  std::optional<Seconds> duration(const toml::table& t, std::string_view key,
                                  Seconds floor = kMinInterval) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    std::optional<Seconds> d;
    if (auto s = n->value<std::string>()) {
      d = parse_duration(*s);
    } else if (n->is_integer()) {
      d = Seconds{*n->value<std::int64_t>()};
    }
    if (!d || d->count() < 0 || (floor.count() > 0 && d->count() == 0)) {
      error(*n, fmt::format("'{}' must be a duration such as \"30m\", \"2h\" or \"1h30m\"", key));
      return std::nullopt;
    }
    if (*d < floor) {
      error(*n, floor.count() % 60 == 0
                    ? fmt::format("'{}' is below the minimum poll interval of {} minutes", key,
                                  floor.count() / 60)
                    : fmt::format("'{}' is below the minimum poll interval of {} seconds", key,
                                  floor.count()));
      return std::nullopt;
    }
    return d;
  }

  std::vector<Diagnostic> take() { return std::move(diagnostics_); }
  bool ok() const { return diagnostics_.empty(); }

 private:
  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

// "IPV4:PORT" with a port number, "[IPV6]:PORT", or "" (no server). The
// server binds an address: a host name ("localhost:8080") would pass here
// and then stop the daemon at start.
bool is_listen_address(std::string_view listen) {
  if (listen.empty()) return true;
  auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  auto host = listen.substr(0, colon);
  bool ip = host.front() == '['
                ? host.size() > 2 && host.back() == ']' &&
                      boost::urls::parse_ipv6_address(host.substr(1, host.size() - 2)).has_value()
                : boost::urls::parse_ipv4_address(host).has_value();
  if (!ip) return false;
  auto port = listen.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc{} && end == port.data() + port.size() && value <= 65535;
}

bool is_origin(std::string_view origin) {
  auto scheme = feeds::url_scheme(origin);
  if (scheme != "http" && scheme != "https") return false;
  auto rest = origin.substr(scheme.size() + 1);
  return rest.starts_with("//") && rest.size() > 2 && rest.find('/', 2) == std::string_view::npos;
}

std::string absolute_path(std::string_view value, const fs::path& base_dir) {
  fs::path p(value);
  if (p.is_relative()) p = base_dir / p;
  return p.lexically_normal().string();
}

}  // namespace

std::string feed_url_problem(std::string_view url) {
  auto scheme = feeds::url_scheme(url);
  if (scheme != "http" && scheme != "https" && scheme != "file") {
    return "must be an http://, https:// or file:// URL";
  }
  if (url.find_first_of(" \t\r\n") != std::string_view::npos) return "contains white space";
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return "is not a valid URL (" + parsed.error().message() + ")";
  if (scheme != "file" && parsed->encoded_host().empty()) return "has no host";
  if (parsed->has_port() && parsed->port_number() == 0) return "has an invalid port";
  return {};
}

std::string feed_identity(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::string(url);
  boost::urls::url u(*parsed);
  u.normalize();
  u.remove_fragment();
  if ((u.scheme() == "http" && u.port_number() == 80) ||
      (u.scheme() == "https" && u.port_number() == 443)) {
    u.remove_port();
  }
  if (!u.has_authority() || !u.encoded_path().empty()) return std::string(u.buffer());
  // Boost.URL 1.81's set_path("/") writes "/./" here; assemble it instead.
  std::string out = fmt::format("{}://{}/", u.scheme(), std::string_view(u.encoded_authority()));
  if (u.has_query()) out += "?" + std::string(u.encoded_query());
  return out;
}

std::string Diagnostic::to_string() const {
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

std::optional<Seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc{} || n < 0) return std::nullopt;
    i = static_cast<std::size_t>(end - text.data());
    std::int64_t unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return std::nullopt;
      }
      ++i;
    } else if (any) {
      return std::nullopt;  // "1h30" is ambiguous
    }
    if (n > std::int64_t{1} << 40) return std::nullopt;
    total += n * unit;
    any = true;
  }
  return Seconds{total};
}

std::string base_url(const DaemonConfig& daemon) {
  if (!daemon.public_url.empty()) return daemon.public_url;
  if (daemon.listen.empty() || !is_listen_address(daemon.listen)) return {};
  std::string_view listen = daemon.listen;
  auto colon = listen.rfind(':');
  std::string_view host = listen.substr(0, colon);
  bool wildcard = host.front() == '['
                      ? boost::urls::parse_ipv6_address(host.substr(1, host.size() - 2))->is_unspecified()
                      : boost::urls::parse_ipv4_address(host)->is_unspecified();
  if (wildcard || listen.substr(colon + 1) == "0") return {};
  return "http://" + daemon.listen;
}

Seconds effective_interval(const DaemonConfig& daemon, const FeedConfig& feed) {
  return std::max(feed.interval.value_or(daemon.interval), daemon.min_interval);
}

tl::expected<Config, std::vector<Diagnostic>> parse(std::string_view text, std::string_view path,
                                                    const Defaults& defaults) {
  Checker check(path);
  if (auto at = overlong_key(text)) {
    return tl::unexpected(std::vector<Diagnostic>{Diagnostic{
        std::string(path), at->first, at->second, fmt::format("a key with more than {} dotted parts", kMaxKeyParts)}});
  }
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    check.error(e.source(), std::string(e.description()));
    return tl::unexpected(check.take());
  }

  fs::path base_dir = fs::path(path).parent_path();
  if (base_dir.empty()) base_dir = ".";

  Config config;
  config.path = std::string(path);
  check.check_keys(root, kTopKeys, "the top level");

  // [daemon]
  DaemonConfig& d = config.daemon;
  d.state_dir = defaults.state_dir;
  if (const toml::node* n = root.get("daemon")) {
    if (const toml::table* t = n->as_table()) {
      check.check_keys(*t, kDaemonKeys, "[daemon]");
      if (auto s = check.string(*t, "state_dir")) d.state_dir = absolute_path(*s, base_dir);
      if (auto s = check.string(*t, "output_dir")) d.output_dir = absolute_path(*s, base_dir);
      if (auto s = check.string(*t, "listen")) {
        if (is_listen_address(*s)) {
          d.listen = *s;
        } else {
          check.error(*t->get("listen"),
                      fmt::format("listen '{}' must read HOST:PORT with an IP address, e.g. \"127.0.0.1:8080\" "
                                  "or \"[::1]:8080\" (or \"\" to serve nothing)", *s));
        }
      }
      if (auto b = check.boolean(*t, "reload_on_change")) d.reload_on_change = *b;
      for (auto [key, slot] : {std::pair{"public_url", &d.public_url}, std::pair{"websub_hub", &d.websub_hub}}) {
        if (auto s = check.string(*t, key)) {
          auto scheme = feeds::url_scheme(*s);
          if ((scheme != "http" && scheme != "https") || !feed_url_problem(*s).empty() ||
              s->find_first_of("?#") != std::string::npos) {
            check.error(*t->get(key), fmt::format("'{}' must be an http:// or https:// URL without "
                                                  "query or fragment, e.g. \"https://feeds.example.org\"", key));
          } else {
            *slot = *s;
            if (key == std::string_view("public_url")) {
              while (slot->ends_with('/')) slot->pop_back();
            }
          }
        }
      }
      if (auto s = check.string(*t, "socket")) {
        if (s->empty()) {
          check.error(*t->get("socket"), "'socket' must name a path for a Unix socket");
        } else if (std::string socket = absolute_path(*s, base_dir); socket.size() > kMaxSocketPath) {
          // sockaddr_un holds 108 bytes with the terminating NUL.
          check.error(*t->get("socket"), fmt::format("'socket' path {} is {} bytes long; a Unix socket path "
                                                     "holds at most {}", socket, socket.size(), kMaxSocketPath));
        } else {
          d.socket = std::move(socket);
        }
      }
      // Read first: it is the floor of every interval below.
      if (auto v = check.duration(*t, "min_interval", Seconds{1})) d.min_interval = *v;
      if (auto v = check.duration(*t, "interval", d.min_interval)) d.interval = *v;
      auto count = [&](std::string_view key, std::int64_t lo, std::int64_t hi, int& out) {
        if (auto v = check.integer(*t, key)) {
          if (*v < lo || *v > hi) {
            check.error(*t->get(key), fmt::format("'{}' must be between {} and {}", key, lo, hi));
          } else {
            out = static_cast<int>(*v);
          }
        }
      };
      count("max_connections", 1, 1024, d.max_connections);
      count("domain_connections", 1, 64, d.domain_connections);
      if (auto v = check.duration(*t, "domain_spacing", Seconds{0})) d.domain_spacing = *v;
      if (auto s = check.user_agent(*t)) d.user_agent = *s;
      d.allow_private = check.strings(*t, "allow_private");
      if (const toml::node* a = t->get("allow_private"); a && a->is_array()) {
        for (const auto& item : *a->as_array()) {
          auto s = item.value<std::string>();
          if (s && !is_origin(*s)) {
            check.error(item, fmt::format("allow_private entry '{}' must be an origin like "
                                          "\"http://127.0.0.1:8080\" (scheme, host, port)", *s));
          }
        }
      }
    } else {
      check.error(*n, "'daemon' must be a table: [daemon]");
    }
  }
  if (d.state_dir.empty()) d.state_dir = absolute_path("state", base_dir);
  if (d.output_dir.empty()) d.output_dir = (fs::path(d.state_dir) / "public").string();

  // [[feed]]
  std::map<std::string, int> seen_urls;  // identity -> line of first use
  if (const toml::node* n = root.get("feed")) {
    const toml::array* feeds = n->as_array();
    if (!feeds || !feeds->is_array_of_tables()) {
      check.error(*n, "'feed' must be an array of tables: [[feed]]");
    } else {
      for (const auto& node : *feeds) {
        const toml::table& t = *node.as_table();
        check.check_keys(t, kFeedKeys, "[[feed]]");
        FeedConfig f;
        f.line = static_cast<int>(t.source().begin.line);
        f.column = static_cast<int>(t.source().begin.column);
        if (auto s = check.string(t, "url")) {
          f.url = *s;
          const toml::node& url_node = *t.get("url");
          if (auto problem = feed_url_problem(f.url); !problem.empty()) {
            check.error(url_node, fmt::format("feed url '{}' {}", f.url, problem));
          } else if (auto [it, fresh] = seen_urls.emplace(feed_identity(f.url),
                                                          static_cast<int>(url_node.source().begin.line));
                     !fresh) {
            check.error(url_node, fmt::format("duplicate feed '{}' (already at line {})", f.url,
                                              it->second));
          }
        } else if (!t.get("url")) {
          check.error(t, "[[feed]] needs a 'url'");
        }
        if (auto s = check.string(t, "title")) f.title = *s;
        f.tags = check.strings(t, "tags");
        f.interval = check.duration(t, "interval", config.daemon.min_interval);
        if (auto b = check.boolean(t, "full_text")) f.full_text = *b;
        if (auto b = check.boolean(t, "enabled")) f.enabled = *b;
        if (auto s = check.user_agent(t)) f.user_agent = *s;
        f.headers = check.strings(t, "headers");
        for (const auto& h : f.headers) {
          auto colon = h.find(':');
          if (colon == 0 || colon == std::string::npos ||
              h.find_first_of("\r\n") != std::string::npos ||
              h.substr(0, colon).find_first_of(" \t") != std::string::npos) {
            check.error(*t.get("headers"), fmt::format("header '{}' must read 'Name: value'", h));
          }
        }
        if (auto s = check.string(t, "auth_header")) {
          if (s->empty() || s->find_first_of("\r\n") != std::string::npos) {
            check.error(*t.get("auth_header"),
                        "'auth_header' must be one line, e.g. \"Bearer TOKEN\" or \"Basic BASE64\"");
          } else {
            f.auth_header = *s;
          }
        }
        if (auto s = check.string(t, "site_rule")) {
          if (s->empty()) {
            check.error(*t.get("site_rule"), "'site_rule' must name an ftr-site-config file");
          } else {
            f.site_rule = absolute_path(*s, base_dir);
          }
        }
        config.feeds.push_back(std::move(f));
      }
    }
  }

  // [[output]]; `all` always exists and may be redefined.
  OutputConfig all{"all", "", {}, {"atom", "rss", "json"}, kDefaultOutputLimit, {}};
  config.outputs.push_back(all);
  if (const toml::node* n = root.get("output")) {
    const toml::array* outputs = n->as_array();
    if (!outputs || !outputs->is_array_of_tables()) {
      check.error(*n, "'output' must be an array of tables: [[output]]");
    } else {
      std::set<std::string> names;
      for (const auto& node : *outputs) {
        const toml::table& t = *node.as_table();
        check.check_keys(t, kOutputKeys, "[[output]]");
        OutputConfig o{"", "", {}, {"atom", "rss", "json"}, kDefaultOutputLimit, {}};
        if (auto s = check.string(t, "name")) o.name = *s;
        if (o.name.empty() || o.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
                                  std::string::npos) {
          check.error(t.get("name") ? t.get("name")->source() : t.source(),
                      "[[output]] needs a 'name' made of letters, digits, '-' and '_'");
        } else if (!names.insert(o.name).second) {
          check.error(*t.get("name"), fmt::format("duplicate output '{}'", o.name));
        }
        if (auto s = check.string(t, "title")) o.title = *s;
        o.tags = check.strings(t, "tags");
        o.feeds = check.strings(t, "feeds");
        for (const auto& url : o.feeds) {
          if (!seen_urls.contains(feed_identity(url))) {
            check.error(*t.get("feeds"), fmt::format("output feed '{}' is not a [[feed]] url", url));
          }
        }
        if (t.get("formats")) {
          o.formats = check.strings(t, "formats");
          if (const toml::array* a = t.get("formats")->as_array(); a && a->empty()) {
            // An output without a format would publish nothing, silently.
            check.error(*t.get("formats"), "'formats' needs at least one of atom, rss or json");
          }
          for (const auto& f : o.formats) {
            if (std::find(kFormats.begin(), kFormats.end(), f) == kFormats.end()) {
              check.error(*t.get("formats"),
                          fmt::format("unknown format '{}' (use atom, rss or json)", f));
            }
          }
        }
        if (auto v = check.integer(t, "limit")) {
          if (*v < 1 || *v > 100000) {
            check.error(*t.get("limit"), "'limit' must be between 1 and 100000");
          } else {
            o.limit = static_cast<int>(*v);
          }
        }
        if (o.name == "all") {
          config.outputs.front() = std::move(o);
        } else {
          config.outputs.push_back(std::move(o));
        }
      }
    }
  }

  // [retention]
  if (const toml::node* n = root.get("retention")) {
    if (const toml::table* t = n->as_table()) {
      RetentionConfig& r = config.retention;
      check.check_keys(*t, kRetentionKeys, "[retention]");
      if (auto v = check.duration(*t, "max_age", Seconds{0})) r.max_age = *v;
      if (auto v = check.integer(*t, "max_items_per_feed")) {
        if (*v < 0 || *v > 10'000'000) {
          check.error(*t->get("max_items_per_feed"),
                      "'max_items_per_feed' must be between 0 (no limit) and 10000000");
        } else {
          r.max_items_per_feed = static_cast<int>(*v);
        }
      }
      if (auto b = check.boolean(*t, "keep_in_outputs")) r.keep_in_outputs = *b;
    } else {
      check.error(*n, "'retention' must be a table: [retention]");
    }
  }

  // [dedup]
  if (const toml::node* n = root.get("dedup")) {
    if (const toml::table* t = n->as_table()) {
      DedupConfig& dedup = config.dedup;
      check.check_keys(*t, kDedupKeys, "[dedup]");
      if (auto b = check.boolean(*t, "enabled")) dedup.enabled = *b;
      auto one_of = [&](std::string_view key, std::initializer_list<std::string_view> values, std::string& out) {
        auto v = check.string(*t, key);
        if (!v) return;
        if (std::find(values.begin(), values.end(), *v) == values.end()) {
          std::string list;
          for (auto value : values) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", value);
          check.error(*t->get(key), fmt::format("'{}' must be one of {}", key, list));
          return;
        }
        out = *v;
      };
      one_of("stories", {"story", "event", "off"}, dedup.stories);
      one_of("representative", {"original", "first", "latest"}, dedup.representative);
      if (auto v = check.duration(*t, "window", Seconds{0})) dedup.window = *v;
      if (auto v = check.duration(*t, "memory", Seconds{0})) dedup.memory = *v;
      if (auto v = check.integer(*t, "memory_copies")) {
        if (*v < 1000 || *v > 10000000) {
          check.error(*t->get("memory_copies"), "'memory_copies' must be between 1000 and 10000000");
        } else {
          dedup.memory_copies = *v;
        }
      }
    } else {
      check.error(*n, "'dedup' must be a table: [dedup]");
    }
  }

  // [full_text]
  if (const toml::node* n = root.get("full_text")) {
    if (const toml::table* t = n->as_table()) {
      FullTextConfig& f = config.full_text;
      check.check_keys(*t, kFullTextKeys, "[full_text]");
      if (auto s = check.string(*t, "site_rules")) {
        if (s->empty()) {
          check.error(*t->get("site_rules"), "'site_rules' must name a directory of ftr-site-config files");
        } else {
          f.site_rules = absolute_path(*s, base_dir);
          f.site_rules_line = static_cast<int>(t->get("site_rules")->source().begin.line);
          f.site_rules_column = static_cast<int>(t->get("site_rules")->source().begin.column);
        }
      }
      if (auto v = check.duration(*t, "max_age", Seconds{0})) f.max_age = *v;
      for (auto [key, slot, max] : {std::tuple{"per_poll", &f.per_poll, 1000}, std::tuple{"workers", &f.workers, 64}}) {
        if (auto v = check.integer(*t, key)) {
          if (*v < 1 || *v > max) {
            check.error(*t->get(key), fmt::format("'{}' must be between 1 and {}", key, max));
          } else {
            *slot = static_cast<int>(*v);
          }
        }
      }
    } else {
      check.error(*n, "'full_text' must be a table: [full_text]");
    }
  }

  if (!check.ok()) {
    auto problems = check.take();
    std::stable_sort(problems.begin(), problems.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return tl::unexpected(std::move(problems));
  }
  return config;
}

}  // namespace tributary::config
