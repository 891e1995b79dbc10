"""The processes of a benchmark session: the daemon under test (vigild, or
the peer script), the probe (bench/bus_probe.cpp) that plays the devices and
the station, and what /proc says about the daemon's CPU time and memory."""
import os
import select
import signal
import socket
import subprocess
import time

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILE = open(os.path.join(SOURCE, "bench", "no-delay-profile.conf")).read()
PEER = os.path.join(SOURCE, "bench", "peer", "masimo_peer.py")
DEBIAN_PYTHON = "/usr/bin/python3"  # where Debian's python3-serial and python3-zmq live

_started = []


def stop_all():
    """Ends every process this module started, by its own id."""
    for p in _started:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in _started:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    _started.clear()


def start(args, log_path, **kw):
    with open(log_path, "w") as log:
        p = subprocess.Popen(args, stdout=kw.pop("stdout", log), stderr=log, **kw)
    _started.append(p)
    return p


def stop(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_ns(pid):
    """CPU time of every thread of the process so far (ns, from schedstat)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:
            pass  # a thread that just ended
    return total


def memory_kb(pid):
    """(VmRSS, VmHWM) in kB."""
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def vigild_config(publish, command, beds, ptys, pleth):
    # Each run keeps its own journal beside its ptys (a restart run restores from it).
    lines = [f'publish_endpoint: "{publish}"', f'command_endpoint: "{command}"', f'journal_path: "{ptys}/journal.db"',
             PROFILE]
    for bed in beds:
        devices = [f'device {{ id: "masimo" protocol: "masimo" path: "{ptys}/{bed}.masimo" }}']
        if pleth:
            devices.append(f'device {{ id: "nonin-2" protocol: "nonin-2" path: "{ptys}/{bed}.nonin-2" }}')
        lines.append(f'bed {{ id: "{bed}" {" ".join(devices)} }}')
    return "\n".join(lines) + "\n"


class Probe:
    """vigil-bench-probe as a child: its lines, read with a deadline. Read
    from the raw pipe (not a buffered file), so that a line is seen the
    moment it is printed: phase boundaries are timed by their arrival."""

    def __init__(self, binary, args, log_path, stdin=None):
        self.proc = start([binary] + args, log_path, stdout=subprocess.PIPE, stdin=stdin)
        self.log_path = log_path
        self.pending = b""

    def line(self, timeout, quiet_ok=False):
        """The next line; None after timeout seconds of silence if quiet_ok."""
        while b"\n" not in self.pending:
            ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
            if not ready and quiet_ok:
                return None
            if not ready:
                raise RuntimeError(f"the probe said nothing for {timeout} s (log: {self.log_path})")
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                self.proc.wait()
                with open(self.log_path) as f:
                    raise RuntimeError(f"the probe ended ({self.proc.returncode}): {f.read()[-2000:]}")
            self.pending += chunk
        text, self.pending = self.pending.split(b"\n", 1)
        return text.decode()

    def expect(self, prefix, timeout):
        while True:
            text = self.line(timeout)
            if text.startswith(prefix):
                return text


class NotifySocket:
    """The socket systemd gives a Type=notify service: READY=1 arrives here."""

    def __init__(self, path):
        self.path = path
        if os.path.exists(path):
            os.unlink(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                raise RuntimeError(f"no READY=1 within {timeout} s")
            if b"READY=1" in self.sock.recv(4096).split(b"\n"):
                return time.monotonic_ns()
