"""Shared plumbing for vigil's integration tests: start real processes, pick
free ports, subscribe to the bus with python3-zmq and decode with
python3-protobuf (code generated from our .proto files, not our C++)."""
import atexit
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tty

BUILD = os.environ.get("VIGIL_BUILD", os.path.join(os.path.dirname(__file__), "../../build"))
SOURCE = os.environ.get("VIGIL_SOURCE", os.path.join(os.path.dirname(__file__), "../.."))
sys.path.insert(0, os.environ.get("VIGIL_PB", os.path.join(BUILD, "tests/integration/pb")))

import zmq  # noqa: E402
from vigil.v1 import bus_pb2, command_pb2  # noqa: E402

VIGILD = os.path.join(BUILD, "daemon/vigild")
VIGIL_SIM = os.path.join(BUILD, "sim/vigil-sim")
VIGIL_TAIL = os.path.join(BUILD, "tools/tail/vigil-tail")
VIGIL_STATION = os.path.join(BUILD, "station/vigil-station")

_processes = []


def protocols():
    """The protocol registry as vigild prints it (vigild --list-protocols
    --json): one dict per protocol, in the registry's order. Tests take their
    protocol lists from here, so a new protocol is tested without editing
    them. "auto" (no family) chooses among the others and is left out."""
    import json
    out = subprocess.run([VIGILD, "--list-protocols", "--json"], check=True, capture_output=True, text=True).stdout
    return [p for p in json.loads(out) if p["family"]]


def _cleanup():
    for p in _processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in _processes:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
    _release_ports()


atexit.register(_cleanup)


def workdir():
    return tempfile.mkdtemp(prefix="vigil-it-")


def free_port():
    """A TCP port nobody listens on, from below the kernel's ephemeral range:
    a port that bind(0) chose and we released could be taken as the source
    port of any outgoing connection (other tests run side by side) before the
    program under test listens on it. The lower half of that stretch is the
    tests'; vigil-drill picks its own ports from the upper half. Which free
    port is chosen changes nothing a test checks."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    if low <= 2048:
        low = 32768
    rng = random.SystemRandom()
    for _ in range(500):
        port = rng.randrange(max(1024, low - 12000), max(1025, low - 6000))
        if port in _ports_given or not _reserve(port):
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _ports_given.add(port)
        return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_ports_given = set()
# Tests run side by side, each choosing ports: two that both chose a port
# before either daemon bound it once made a vigild fail with "Address already
# in use". A port is a test's once it created this file; the file goes when
# that test ends. A file left by a killed run only keeps its port unused.
# vigil-drill reserves its ports in the same folder, the same way
# (drill/port_pool.hpp).
_PORTS_DIR = os.path.join(tempfile.gettempdir(), "vigil-ports")
_ports_reserved = []


def _reserve(port):
    try:
        os.mkdir(_PORTS_DIR, 0o1777)
        os.chmod(_PORTS_DIR, 0o1777)
    except FileExistsError:
        pass
    path = os.path.join(_PORTS_DIR, str(port))
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        _forget_if_stale(path)
        return False
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    _ports_reserved.append(path)
    return True


def _forget_if_stale(path):
    """A file over an hour old whose test is gone was left by a killed run."""
    try:
        if time.time() - os.stat(path).st_mtime < 3600:
            return
        with open(path) as f:
            os.kill(int(f.read()), 0)
    except ProcessLookupError:
        try:
            os.unlink(path)
        except OSError:
            pass
    except (OSError, ValueError):
        pass


def _release_ports():
    for path in _ports_reserved:
        try:
            os.unlink(path)
        except OSError:
            pass



def start(args, log_path):
    log = open(log_path, "w")
    p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    _processes.append(p)
    return p


def stop(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
    return p.wait(timeout=10)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def fill_disk(path, chunk=4096):
    """Writes zeros to `path` until its file system is full (a small tmpfs a test mounted)."""
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * chunk)
        except OSError:
            pass  # the disk is full


def make_certificates(d):
    """A CA and two certificates it signed, made in `d` at test time (no key
    is committed; EC keys: fast): server.pem/.key for localhost and 127.0.0.1,
    client.pem/.key for "bed-pc-1"."""
    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True, timeout=20)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=vigil test CA", "-days", "1")
    for name, cn, san in (("server", "localhost", "DNS:localhost,IP:127.0.0.1"), ("client", "bed-pc-1", "DNS:bed-pc-1")):
        openssl("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={cn}",
                "-addext", f"subjectAltName={san}")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.pem", "-days", "1", "-copy_extensions", "copy")


def https_request(port, tls, method, path, body=None, cookie=None, wait=0.0):
    """One request to the station's HTTPS on 127.0.0.1:`port` through the ssl context `tls`, as its own page
    sends it (its Origin; a form body): (status, headers with lower-case names, body text). With `wait`, a
    station not yet listening is asked again for that many seconds."""
    import http.client
    import ssl
    deadline = time.monotonic() + wait
    while True:
        try:
            c = http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=10)
            headers = {"Origin": f"https://127.0.0.1:{port}"}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            if cookie:
                headers["Cookie"] = cookie
            c.request(method, path, body=body, headers=headers)
            res = c.getresponse()
            answer = (res.status, {k.lower(): v for k, v in res.getheaders()}, res.read().decode())
            c.close()
            return answer
        except (ConnectionRefusedError, ssl.SSLError):
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.1)


def show_logs(*paths):
    for path in paths:
        print(f"---- {path}")
        with open(path) as f:
            print(f.read()[-4000:])


class Bus:
    """A SUB socket on vigild's PUB endpoint that keeps every message."""

    def __init__(self, endpoint, prefixes=("",), rcvhwm=None):
        self.ctx = zmq.Context.instance()
        self.sock = self.ctx.socket(zmq.SUB)
        if rcvhwm is not None:
            self.sock.setsockopt(zmq.RCVHWM, rcvhwm)
        for p in prefixes:
            self.sock.setsockopt_string(zmq.SUBSCRIBE, p)
        self.sock.connect(endpoint)
        self.messages = []  # (topic, BusMessage, arrival monotonic time)
        self.frames = []  # (topic, body) as they came, for checks of the bytes themselves

    def pump(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._receive(left)

    def _receive(self, seconds):
        """Keeps the next message if one arrives within `seconds`."""
        if self.sock.poll(int(seconds * 1000) + 1):
            topic, body = self.sock.recv_multipart()
            self.frames.append((topic, body))
            m = bus_pb2.BusMessage()
            m.ParseFromString(body)
            self.messages.append((topic.decode(), m, time.monotonic()))

    def wait_for(self, predicate, timeout, what, since=0):
        """Pumps until predicate(topic, msg) holds for a message kept at index `since` or later; returns it
        as soon as it arrives (a test waits for what it needs, not for a polling period)."""
        deadline = time.monotonic() + timeout
        seen = since
        while True:
            for topic, m, t in self.messages[seen:]:
                if predicate(topic, m):
                    return topic, m, t
            seen = len(self.messages)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            self._receive(left)

    def of_kind(self, kind, bed=None):
        return [m for topic, m, _ in self.messages
                if m.WhichOneof("body") == kind and (bed is None or topic.split("/")[1] == bed)]


def command(port, fill, actor="test"):
    """Sends one CommandRequest (filled by fill(req)) to vigild's command
    channel with a plain DEALER socket and returns the CommandReply."""
    from vigil.v1 import command_pb2
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(f"tcp://127.0.0.1:{port}")
    req = command_pb2.CommandRequest(request_id="harness", actor=actor, station="tests")
    fill(req)
    sock.send_multipart([b"", req.SerializeToString()])
    if not sock.poll(5000):
        raise AssertionError("no reply from the command channel within 5 s")
    reply = command_pb2.CommandReply()
    reply.ParseFromString(sock.recv_multipart()[-1])
    sock.close()
    return reply


def no_delay_profile():
    """The benchmark's alarm profile as config text (bench/no-delay-profile.conf), made the default: no
    condition delay and a desaturation that does not latch, so SpO2 80 raises at once and 97 clears."""
    with open(os.path.join(SOURCE, "bench", "no-delay-profile.conf")) as f:
        return f.read()


def masimo_line(spo2):
    """One line of a Masimo oximeter's serial output with this SpO2 and a pulse of 75."""
    return (f"SN=0000012345 SPO2={spo2:03d}% BPM=075 PI=03.10% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- "
            "ALARM=0000 EXC=000800\r\n").encode()


class OximeterLine:
    """A Masimo oximeter's serial line on a raw pty: vigild opens the slave end
    through the symlink `link`, the test writes lines to the master."""

    def __init__(self, link):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # no echo piling up in the master while no vigild reads
        os.symlink(os.ttyname(self.slave), link)

    def send(self, spo2):
        os.write(self.master, masimo_line(spo2))

    def close(self):
        os.close(self.master)
        os.close(self.slave)


def one_oximeter_config(pub, cmd, journal, link, profile=""):
    """Config text for vigild with one bed, bed-1, whose Masimo oximeter "ox" is on `link`."""
    return f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
journal_path: "{journal}"
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{link}" }} }}
""" + profile


def alarm(condition, transition):
    name = bus_pb2.AlarmTransition.Value(transition)
    return lambda topic, m: (m.WhichOneof("body") == "alarm" and m.alarm.condition == condition
                             and m.alarm.transition == name)


def link(state):
    value = bus_pb2.LinkState.Value(state)
    return lambda topic, m: m.WhichOneof("body") == "link" and m.link.state == value


def heartbeat(topic, m):
    return m.WhichOneof("body") == "heartbeat"


def seq_of(m):
    """The bed stream's sequence number of a bus message (0 for a heartbeat)."""
    body = m.WhichOneof("body")
    return 0 if body in (None, "heartbeat") else getattr(m, body).seq


class Commands:
    """A client of vigild's command channel (DEALER; one request, one reply)."""

    def __init__(self, endpoint, actor="nurse Test", station="station-T"):
        self.sock = zmq.Context.instance().socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(endpoint)
        self.actor, self.station = actor, station
        self.count = 0

    def __call__(self, command, timeout=5, **fields):
        """Sends one command, e.g. ("admit", bed="bed-1", patient_id="P1"); returns the CommandReply."""
        self.count += 1
        req = command_pb2.CommandRequest(request_id=f"it-{os.getpid()}-{self.count}", actor=self.actor,
                                         station=self.station)
        body = getattr(req, command)
        body.CopyFrom(type(body)(**fields))
        self.sock.send_multipart([b"", req.SerializeToString()])
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self.sock.poll(int(left * 1000) + 1):
                raise AssertionError(f"no reply to {command} within {timeout} s")
            reply = command_pb2.CommandReply()
            reply.ParseFromString(self.sock.recv_multipart()[-1])
            if reply.request_id == req.request_id:
                return reply


class CloneClient:
    """The ZeroMQ guide's clone pattern from a subscriber's side, as a nurse
    station does it: subscribe, take a snapshot, apply only what is newer
    than it, see a gap in a bed's sequence (or a heartbeat ahead of it) and
    fill it by replay, and report the publisher lost when nothing, not even a
    heartbeat, arrived for 2.5 heartbeat intervals."""

    def __init__(self, pub_endpoint, cmd_endpoint, rcvhwm=None, rcvbuf=None):
        self.sub = zmq.Context.instance().socket(zmq.SUB)
        if rcvhwm is not None:
            self.sub.setsockopt(zmq.RCVHWM, rcvhwm)
        if rcvbuf is not None:
            self.sub.setsockopt(zmq.RCVBUF, rcvbuf)
        self.sub.setsockopt_string(zmq.SUBSCRIBE, "")
        self.sub.connect(pub_endpoint)
        self.commands = Commands(cmd_endpoint, actor="clone client", station="it")
        self.last_seq = {}      # bed -> last sequence number applied
        self.applied = {}       # bed -> {seq: BusMessage}
        self.snapshots = {}     # bed -> BedStatus
        self.gaps = []          # (bed, after_seq, up_to_seq) seen and filled
        self.replayed = 0       # messages recovered by replay
        self.by_replay = set()  # (bed, seq) of those
        self.daemon_id = None
        self.restarted = False  # the heartbeats' daemon_id changed
        self.interval = 1.0
        self.last_heard = time.monotonic()
        self.lost_at = None     # monotonic time the publisher was declared lost

    def sync(self, timeout=10):
        """Snapshot of every bed; updates already queued that it covers are skipped later."""
        reply = self.commands("snapshot", timeout=timeout)
        check(reply.ok, f"snapshot refused: {reply.error}")
        for b in reply.beds:
            self.snapshots[b.bed] = b
            self.last_seq[b.bed] = b.last_seq
            self.applied.setdefault(b.bed, {})
        return reply

    def fill(self, bed, up_to):
        """Replays the bed's messages after the last applied one, page by page."""
        self.gaps.append((bed, self.last_seq[bed], up_to))
        while self.last_seq[bed] < up_to:
            reply = self.commands("replay", bed=bed, after_seq=self.last_seq[bed], max=500)
            check(reply.ok, f"replay refused: {reply.error}")
            if not reply.messages:
                break
            for m in reply.messages:
                self.apply(bed, m)
                self.replayed += 1
                self.by_replay.add((bed, seq_of(m)))

    def apply(self, bed, m):
        seq = seq_of(m)
        if seq <= self.last_seq[bed]:
            return
        self.applied[bed][seq] = m
        self.last_seq[bed] = seq

    def handle(self, topic, m):
        self.last_heard = time.monotonic()
        bed = topic.split("/")[1]
        if m.WhichOneof("body") == "heartbeat":
            hb = m.heartbeat
            self.interval = (hb.interval_ms or 1000) / 1000
            if self.daemon_id is not None and hb.daemon_id != self.daemon_id:
                self.restarted = True
            self.daemon_id = hb.daemon_id
            if bed in self.last_seq and hb.last_seq > self.last_seq[bed]:
                self.fill(bed, hb.last_seq)
            return
        if bed not in self.last_seq:
            return  # a bed the snapshot did not name
        seq = seq_of(m)
        if seq > self.last_seq[bed] + 1:
            self.fill(bed, seq - 1)
        self.apply(bed, m)

    def pump(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self.sub.poll(int(min(left, 0.05) * 1000) + 1):
                topic, body = self.sub.recv_multipart()
                m = bus_pb2.BusMessage()
                m.ParseFromString(body)
                self.handle(topic.decode(), m)
                continue
            # Only an empty queue is silence: what waited while this client was busy elsewhere was heard.
            now = time.monotonic()
            if self.lost_at is None and now - self.last_heard > 2.5 * self.interval:
                self.lost_at = now

    def alarms(self, bed):
        """Every alarm transition applied, in sequence order, as (seq, alarm_id, transition name)."""
        return [(seq, m.alarm.alarm_id, bus_pb2.AlarmTransition.Name(m.alarm.transition))
                for seq, m in sorted(self.applied[bed].items()) if m.WhichOneof("body") == "alarm"]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def in_parallel(*calls):
    """Runs each call in a thread of its own and waits for all of them: for
    checks that share nothing (each its own vigild, ports and folder) and
    mostly wait on real time. Every failure is printed; the first is raised."""
    import concurrent.futures
    import traceback
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(c) for c in calls]
    failures = [f.exception() for f in futures if f.exception() is not None]
    for e in failures[1:]:
        traceback.print_exception(e)
    if failures:
        raise failures[0]


def run(main):
    """Runs a test body; on failure prints the logs it names and exits 1."""
    try:
        main()
    except Exception:
        import traceback
        traceback.print_exc()
        for path in getattr(main, "logs", []):
            if os.path.exists(path):
                show_logs(path)
        print("integration test FAILED")
        sys.exit(1)
    print("integration test passed")
