#include "daemon/notify.h"

#include <string>

#include <systemd/sd-daemon.h>

namespace tributary::daemon::notify {

void ready() { sd_notify(0, "READY=1\nSTATUS=running"); }
void stopping() { sd_notify(0, "STOPPING=1\nSTATUS=stopping"); }
void reloading() { sd_notify(0, "RELOADING=1\nSTATUS=reloading configuration"); }
void status(const char* text) { sd_notify(0, (std::string("STATUS=") + text).c_str()); }
void watchdog() { sd_notify(0, "WATCHDOG=1"); }

}  // namespace tributary::daemon::notify
