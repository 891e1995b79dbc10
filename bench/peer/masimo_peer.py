#!/usr/bin/python3
"""The baseline vigild is measured against: the same job written the way a
clinic's IT person would write it, with Debian's python3-serial, python3-zmq
and python3-protobuf. One thread per Masimo oximeter reads ASCII 1 lines with
pyserial's readline(), applies the same SpO2 and pulse limits as the
benchmark's vigild profile (bench/no-delay-profile.conf: no condition delay),
and publishes readings and alarm transitions on the same topics and messages
as vigild (docs/bus-protocol.md), with per-bed sequence numbers and a
heartbeat every second.

    masimo_peer.py --publish tcp://127.0.0.1:5560 --port bed-1=/dev/ttyUSB0 ...
"""
import argparse
import re
import threading
import time
import uuid

import serial
import zmq
from vigil.v1 import bus_pb2

# (condition, metric, raise when, clear when): bench/no-delay-profile.conf.
RULES = [
    ("desaturation", "spo2", lambda v: v < 85, lambda v: v > 86, bus_pb2.HIGH, 85),
    ("tachycardia", "pulse", lambda v: v > 120, lambda v: v < 117, bus_pb2.MEDIUM, 120),
    ("bradycardia", "pulse", lambda v: v < 50, lambda v: v > 53, bus_pb2.MEDIUM, 50),
]
FIELDS = {b"SPO2": ("spo2", 150456, "%"), b"BPM": ("pulse", 149530, "/min"), b"PI": ("pi", 150448, "%")}
FIELD = re.compile(rb"\b(SPO2|BPM|PI)=([0-9.]+)")


class Bus:
    """One PUB socket shared by the reader threads, so a lock around it."""

    def __init__(self, endpoint):
        self.sock = zmq.Context.instance().socket(zmq.PUB)
        self.sock.bind(endpoint)
        self.lock = threading.Lock()
        self.seq = {}
        self.daemon_id = uuid.uuid4().hex[:16]

    def publish(self, kind, bed, msg):
        with self.lock:
            seq = self.seq[bed] = self.seq.get(bed, 0) + 1
            getattr(msg, msg.WhichOneof("body")).seq = seq
            self.sock.send_multipart([f"{kind}/{bed}/".encode(), msg.SerializeToString()])

    def heartbeats(self):
        while True:
            time.sleep(1)
            with self.lock:
                for bed in list(self.seq) + ["*"]:
                    msg = bus_pb2.BusMessage()
                    msg.heartbeat.bed = bed
                    msg.heartbeat.last_seq = self.seq.get(bed, 0)
                    msg.heartbeat.time.GetCurrentTime()
                    msg.heartbeat.daemon_id = self.daemon_id
                    msg.heartbeat.interval_ms = 1000
                    self.sock.send_multipart([f"hb/{bed}/".encode(), msg.SerializeToString()])


def watch(bed, path, bus):
    port = serial.Serial(path, 9600, timeout=1)
    active = {}  # condition -> alarm id
    while True:
        line = port.readline()
        if not line.endswith(b"\n"):
            continue
        values = {}
        for key, value in FIELD.findall(line):
            metric, code, unit = FIELDS[key]
            values[metric] = float(value)
            msg = bus_pb2.BusMessage()
            o = msg.observation
            o.bed, o.device, o.metric, o.mdc_code, o.unit, o.value = bed, "masimo", metric, code, unit, float(value)
            o.received.GetCurrentTime()
            bus.publish("obs", bed, msg)
        for condition, metric, bad, good, priority, limit in RULES:
            if metric not in values:
                continue
            value = values[metric]
            if condition not in active and bad(value):
                active[condition] = f"{bed}:{condition}:{int(time.time() * 1000)}"
                alarm(bus, bed, active[condition], condition, priority, bus_pb2.RAISED, metric, value, limit)
            elif condition in active and good(value):
                alarm(bus, bed, active.pop(condition), condition, priority, bus_pb2.CLEARED, metric, value, limit)


def alarm(bus, bed, alarm_id, condition, priority, transition, metric, value, limit):
    msg = bus_pb2.BusMessage()
    a = msg.alarm
    a.alarm_id, a.bed, a.condition, a.priority, a.transition = alarm_id, bed, condition, priority, transition
    a.kind, a.metric, a.value, a.limit = bus_pb2.PHYSIOLOGICAL, metric, value, limit
    a.active = transition == bus_pb2.RAISED
    a.message = f"{condition}: {metric} {value:g} (limit {limit:g})"
    a.time.GetCurrentTime()
    bus.publish("alarm", bed, msg)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publish", required=True, help="ZeroMQ endpoint to bind the PUB socket to")
    parser.add_argument("--port", action="append", required=True, help="BED=SERIAL_PATH, once per oximeter")
    args = parser.parse_args()
    bus = Bus(args.publish)
    for spec in args.port:
        bed, path = spec.split("=", 1)
        threading.Thread(target=watch, args=(bed, path, bus), daemon=True).start()
    bus.heartbeats()


if __name__ == "__main__":
    main()
