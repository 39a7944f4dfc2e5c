"""A small RESP2 client for the bench scripts' Python parts (no dependency
beyond the standard library): cmd encodes a command, Conn reads replies,
cpu reads a process's CPU seconds. The scripts run from the repository's
root and import it with sys.path.insert(0, "bench")."""
import os
import socket
import sys


def cmd(*a):
    """The RESP array of bulk strings for the command a (str, int or bytes)."""
    b = b"*%d\r\n" % len(a)
    for x in a:
        x = x if isinstance(x, bytes) else str(x).encode()
        b += b"$%d\r\n%s\r\n" % (len(x), x)
    return b


class Err(str):
    """An error reply's text."""


class Conn:
    """One connection to 127.0.0.1:port, its replies read through a buffer."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", int(port)))
        self.f = self.s.makefile("rb", buffering=1 << 20)

    def reply(self):
        """The next reply: str, int, None, a list, or Err for an error."""
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b":":
            return int(rest)
        if t == b"-":
            return Err(rest.decode())
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2].decode()
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        sys.exit("unexpected reply %r" % line)


def cpu(pids):
    """utime+stime in seconds of the processes pids ("1,2")."""
    t = 0
    for p in str(pids).split(","):
        st = open("/proc/%s/stat" % p).read()
        fl = st[st.rindex(")") + 2:].split()
        t += int(fl[11]) + int(fl[12])
    return t / os.sysconf("SC_CLK_TCK")
