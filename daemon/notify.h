#pragma once

// sd_notify(3) messages to the service manager. Without NOTIFY_SOCKET in the
// environment (not started by systemd with Type=notify) they do nothing.
namespace tributary::daemon::notify {

void ready();
void stopping();
void reloading();
void status(const char* text);
void watchdog();

}  // namespace tributary::daemon::notify
