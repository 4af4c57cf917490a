// The daemon's service-manager side, in process: the watchdog pings over a
// real sd_notify socket, and the config reloader reacts to file edits and
// SIGHUP, keeping the running config when the new file is invalid.
#include "daemon/config_reload.h"
#include "daemon/watchdog.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;

// A datagram socket playing systemd's notify socket.
class NotifySocket {
 public:
  NotifySocket() {
    dir_ = fs::temp_directory_path() / ("tributary-notify-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    path_ = (dir_ / "notify").string();
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::close(fd_);
    fs::remove_all(dir_);
  }
  // Everything received so far (the kernel queues only a few datagrams:
  // drain often, as systemd does).
  std::vector<std::string> messages() {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, 0)) > 0;) seen_.emplace_back(buf, static_cast<std::size_t>(n));
    return seen_;
  }

 private:
  fs::path dir_;
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> seen_;
};

int count(const std::vector<std::string>& messages, const std::string& what) {
  int n = 0;
  for (const auto& m : messages) n += m.find(what) != std::string::npos ? 1 : 0;
  return n;
}

// Runs `io` for `d`, draining `sock` every 50 ms.
void run_for(asio::io_context& io, std::chrono::milliseconds d, NotifySocket* sock = nullptr) {
  io.restart();
  for (auto end = std::chrono::steady_clock::now() + d; std::chrono::steady_clock::now() < end;) {
    io.run_for(std::chrono::milliseconds(50));
    io.restart();
    if (sock) sock->messages();
  }
}

TEST(Watchdog, PingsAtHalfTheIntervalAndNotWhenUnhealthy) {
  NotifySocket sock;
  ::setenv("WATCHDOG_USEC", "200000", 1);  // 200 ms: ping every 100 ms
  {
    asio::io_context io;
    Watchdog w(io);
    ASSERT_TRUE(w.interval().has_value());
    EXPECT_EQ(w.interval()->count(), 100000);
    w.start();
    run_for(io, std::chrono::milliseconds(550), &sock);
    w.stop();
    int pings = count(sock.messages(), "WATCHDOG=1");
    EXPECT_GE(pings, 4);  // at start, then every 100 ms
    EXPECT_LE(pings, 7);
    EXPECT_EQ(w.pings(), pings);
  }
  {
    asio::io_context io;
    Watchdog w(io, [] { return false; });
    w.start();
    int before = count(sock.messages(), "WATCHDOG=1");
    run_for(io, std::chrono::milliseconds(350), &sock);
    w.stop();
    EXPECT_EQ(count(sock.messages(), "WATCHDOG=1"), before);
  }
  ::unsetenv("WATCHDOG_USEC");
  asio::io_context io;
  Watchdog off(io);
  EXPECT_FALSE(off.interval().has_value());
}

class Reloader : public ::testing::Test {
 protected:
  Reloader() {
    dir_ = fs::temp_directory_path() / ("tributary-reload-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    path_ = (dir_ / "tributary.toml").string();
    ::setenv("STATE_DIRECTORY", dir_.c_str(), 1);
  }
  ~Reloader() override {
    ::unsetenv("STATE_DIRECTORY");
    fs::remove_all(dir_);
  }
  // Writes the file as editors do: a new file renamed over the old one.
  void write(const std::string& text) {
    std::string tmp = path_ + ".new";
    std::ofstream(tmp) << text;
    fs::rename(tmp, path_);
  }
  static std::string feeds(int n) {
    std::string text;
    for (int i = 0; i < n; ++i) text += "[[feed]]\nurl = \"https://f" + std::to_string(i) + ".example/\"\n";
    return text;
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(Reloader, AppliesValidEditsKeepsOldConfigOnErrorsAndReloadsOnSighup) {
  NotifySocket sock;
  write(feeds(1));
  asio::io_context io;
  std::vector<std::size_t> applied;
  ConfigReloader r(io, path_, feeds(1), [&](config::Config c) { applied.push_back(c.feeds.size()); });
  r.start(/*watch_file=*/true);

  write(feeds(2));
  run_for(io, std::chrono::milliseconds(900), &sock);
  EXPECT_EQ(applied, std::vector<std::size_t>{2});
  EXPECT_EQ(r.generation(), 2);

  write(feeds(2) + "interval = \"1m\"\n");  // below the floor
  run_for(io, std::chrono::milliseconds(900), &sock);
  EXPECT_EQ(applied, std::vector<std::size_t>{2});
  EXPECT_EQ(r.failures(), 1);
  EXPECT_NE(r.last_error().find("tributary.toml:5:12:"), std::string::npos) << r.last_error();

  // Touching the file without changing it does nothing.
  write(feeds(2) + "interval = \"1m\"\n");
  run_for(io, std::chrono::milliseconds(900), &sock);
  EXPECT_EQ(r.failures(), 1);

  write(feeds(3));
  run_for(io, std::chrono::milliseconds(900), &sock);
  EXPECT_EQ(applied, (std::vector<std::size_t>{2, 3}));
  EXPECT_TRUE(r.last_error().empty());

  // SIGHUP reloads even when nothing changed.
  ::raise(SIGHUP);
  run_for(io, std::chrono::milliseconds(300), &sock);
  EXPECT_EQ(applied, (std::vector<std::size_t>{2, 3, 3}));
  EXPECT_EQ(r.generation(), 4);
  r.stop();

  // Every reload is framed by RELOADING=1 and READY=1, rejected ones too.
  auto messages = sock.messages();
  EXPECT_EQ(count(messages, "RELOADING=1"), 4);
  EXPECT_EQ(count(messages, "READY=1"), 4);
}

TEST_F(Reloader, WithoutTheWatchOnlySighupReloads) {
  write(feeds(1));
  asio::io_context io;
  int applied = 0;
  ConfigReloader r(io, path_, feeds(1), [&](config::Config) { ++applied; });
  r.start(/*watch_file=*/false);
  write(feeds(2));
  run_for(io, std::chrono::milliseconds(900));
  EXPECT_EQ(applied, 0);
  ::raise(SIGHUP);
  run_for(io, std::chrono::milliseconds(300));
  EXPECT_EQ(applied, 1);
}

}  // namespace
}  // namespace tributary::daemon
