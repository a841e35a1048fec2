#!/usr/bin/python3
"""pty-run.py [--control] COMMAND...: runs COMMAND with a real terminal
(a fresh pty as stdin, stdout, stderr and controlling terminal), then
reports whether anything was pushed into that terminal's input queue
(TIOCSTI): what a shell would read and run after COMMAND exits.

Prints "exit N" and "injected <repr>" (b'' when nothing); with --control,
first pushes "CONTROL" itself from a process whose controlling terminal
it is, so that the test knows the detection works on this kernel."""
import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import tty


def main():
    argv = sys.argv[1:]
    control = argv[:1] == ["--control"]
    if control:
        argv = argv[1:]
    master, slave = pty.openpty()
    tty.setraw(slave)  # no line discipline: a pushed byte is readable at once

    def as_terminal_owner():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                            preexec_fn=as_terminal_owner, close_fds=True)
    output = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                output += os.read(master, 65536)
            except OSError:
                pass
        if proc.poll() is not None and not ready:
            break
    if control:
        pid = os.fork()
        if pid == 0:
            try:
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for c in b"CONTROL":
                    fcntl.ioctl(slave, termios.TIOCSTI, bytes([c]))
                os._exit(0)
            except OSError:
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        print("control", "pushed" if os.WEXITSTATUS(status) == 0 else "refused")
    injected = b""
    os.set_blocking(slave, False)
    while select.select([slave], [], [], 0.3)[0]:
        try:
            chunk = os.read(slave, 4096)
        except OSError:
            break
        if not chunk:
            break
        injected += chunk
    print("exit", proc.returncode)
    print("injected", repr(injected))
    sys.stdout.write(output.decode("utf-8", "replace"))


if __name__ == "__main__":
    main()
