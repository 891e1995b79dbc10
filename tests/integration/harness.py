"""Shared plumbing for vigil's integration tests: start real processes, pick
free ports, subscribe to the bus with python3-zmq and decode with
python3-protobuf (code generated from our .proto files, not our C++)."""
import atexit
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("VIGIL_BUILD", os.path.join(os.path.dirname(__file__), "../../build"))
SOURCE = os.environ.get("VIGIL_SOURCE", os.path.join(os.path.dirname(__file__), "../.."))
sys.path.insert(0, os.environ.get("VIGIL_PB", os.path.join(BUILD, "tests/integration/pb")))

import zmq  # noqa: E402
from vigil.v1 import bus_pb2  # noqa: E402

VIGILD = os.path.join(BUILD, "daemon/vigild")
VIGIL_SIM = os.path.join(BUILD, "sim/vigil-sim")
VIGIL_TAIL = os.path.join(BUILD, "tools/tail/vigil-tail")
VIGIL_STATION = os.path.join(BUILD, "station/vigil-station")

_processes = []


def _cleanup():
    for p in _processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in _processes:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()


atexit.register(_cleanup)


def workdir():
    return tempfile.mkdtemp(prefix="vigil-it-")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def show_logs(*paths):
    for path in paths:
        print(f"---- {path}")
        with open(path) as f:
            print(f.read()[-4000:])


class Bus:
    """A SUB socket on vigild's PUB endpoint that keeps every message."""

    def __init__(self, endpoint, prefixes=("",)):
        self.ctx = zmq.Context.instance()
        self.sock = self.ctx.socket(zmq.SUB)
        for p in prefixes:
            self.sock.setsockopt_string(zmq.SUBSCRIBE, p)
        self.sock.connect(endpoint)
        self.messages = []  # (topic, BusMessage, arrival monotonic time)

    def pump(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self.sock.poll(int(left * 1000) + 1):
                topic, body = self.sock.recv_multipart()
                m = bus_pb2.BusMessage()
                m.ParseFromString(body)
                self.messages.append((topic.decode(), m, time.monotonic()))

    def wait_for(self, predicate, timeout, what):
        """Pumps until predicate(topic, msg) holds for a new message; returns it."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for topic, m, t in self.messages[seen:]:
                if predicate(topic, m):
                    return topic, m, t
            seen = len(self.messages)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            self.pump(min(left, 0.2))

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


def alarm(condition, transition):
    name = bus_pb2.AlarmTransition.Value(transition)
    return lambda topic, m: (m.WhichOneof("body") == "alarm" and m.alarm.condition == condition
                             and m.alarm.transition == name)


def link(state):
    value = bus_pb2.LinkState.Value(state)
    return lambda topic, m: m.WhichOneof("body") == "link" and m.link.state == value


def heartbeat(topic, m):
    return m.WhichOneof("body") == "heartbeat"


def check(condition, message):
    if not condition:
        raise AssertionError(message)


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
