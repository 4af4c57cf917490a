#!/usr/bin/python3
"""Plays systemd's side of sd_notify(3) for tests that run tributary without systemd.

    notify_harness.py [--watchdog-usec N] LOG -- COMMAND...

Binds a datagram socket, starts COMMAND with NOTIFY_SOCKET (and WATCHDOG_USEC /
WATCHDOG_PID when asked) pointing at it, and appends one line per message
to LOG: "<monotonic seconds> <message with newlines as |>". When COMMAND exits,
appends "<t> EXIT <status>" and exits with COMMAND's status. The child's pid
is written to LOG.pid. SIGTERM/SIGHUP/SIGINT sent to the harness are passed on.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time


def main():
    args = sys.argv[1:]
    watchdog = None
    if args[:1] == ["--watchdog-usec"]:
        watchdog = args[1]
        args = args[2:]
    log_path = args[0]
    assert args[1] == "--", "usage: notify_harness.py [--watchdog-usec N] LOG -- COMMAND..."
    command = args[2:]

    sock_dir = tempfile.mkdtemp(prefix="tributary-notify-")
    sock_path = os.path.join(sock_dir, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(0.2)

    env = dict(os.environ, NOTIFY_SOCKET=sock_path)
    if watchdog:
        env["WATCHDOG_USEC"] = watchdog
    # No WATCHDOG_PID: sd_watchdog_enabled() then trusts WATCHDOG_USEC as is.
    child = subprocess.Popen(command, env=env)
    with open(log_path + ".pid", "w") as f:
        f.write(str(child.pid))
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, lambda signo, _frame: child.send_signal(signo))

    with open(log_path, "a", buffering=1) as log:
        while True:
            try:
                data = sock.recv(4096)
                log.write("%.3f %s\n" % (time.monotonic(), data.decode(errors="replace").replace("\n", "|")))
            except socket.timeout:
                pass
            except InterruptedError:
                pass
            status = child.poll()
            if status is not None:
                # Drain what is left.
                sock.settimeout(0)
                try:
                    while True:
                        data = sock.recv(4096)
                        log.write("%.3f %s\n" % (time.monotonic(), data.decode(errors="replace").replace("\n", "|")))
                except (BlockingIOError, socket.timeout):
                    pass
                log.write("%.3f EXIT %d\n" % (time.monotonic(), status))
                break
    sock.close()
    os.unlink(sock_path)
    os.rmdir(sock_dir)
    sys.exit(status if status >= 0 else 128 - status)


if __name__ == "__main__":
    main()
