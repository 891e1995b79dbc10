"""A station that asks for a bed's trend the moment it sees a reading gets a
trend with that reading in it (issue 17). Readings reach the journal's
SQLite in batches, every flush interval (500 ms; docs/journal.md, "What is
written when"); vigild holds a trend query back until the journal's writer
has committed every reading handed to it before the query came. Thirty
times over, the test plays a Masimo oximeter on a pty, sends one line, and
as soon as its SpO2 reaches this subscriber asks for the bed's SpO2 trend:
the readings it counts are every SpO2 reading published so far. vigild
without the wait for readings (24ade24) failed the second round in each of
four runs: the trend came back without the reading just published."""
import os
import time

from harness import (Bus, Commands, OximeterLine, VIGILD, bus_pb2, check, free_port, heartbeat,
                     one_oximeter_config, run, start, stop, workdir, write)
from google.protobuf import timestamp_pb2

ROUNDS = 30
d = workdir()
pub, cmd = free_port(), free_port()
pty_link = os.path.join(d, "bed-1-ox")
log = os.path.join(d, "vigild.log")

CONFIG = one_oximeter_config(pub, cmd, os.path.join(d, "journal.db"), pty_link)


def stamp(seconds):
    t = timestamp_pb2.Timestamp()
    t.FromNanoseconds(int(seconds * 1e9))
    return t


def main():
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    line = OximeterLine(pty_link)
    bus = Bus(f"tcp://127.0.0.1:{pub}", prefixes=("obs/bed-1/", "hb/bed-1/"))
    daemon = start([VIGILD, "--config", conf], log)
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    commands = Commands(f"tcp://127.0.0.1:{cmd}")
    # The range holds every reading of the test, whatever vigild's clock says.
    since, until = stamp(time.time() - 3600), stamp(time.time() + 3600)
    published = 0

    def next_spo2(spo2):
        """Sends one line; returns once its SpO2 reading arrives."""
        nonlocal published
        line.send(spo2)
        deadline = time.monotonic() + 10
        while True:
            check(time.monotonic() < deadline, f"no SpO2 {spo2} reading within 10 s of its line")
            if not bus.sock.poll(100):
                continue
            topic, body = bus.sock.recv_multipart()
            m = bus_pb2.BusMessage()
            m.ParseFromString(body)
            if m.WhichOneof("body") == "observation" and m.observation.metric == "spo2":
                published += 1
                check(m.observation.value == spo2, f"SpO2 {m.observation.value} published, {spo2} sent")
                return

    waits = []
    for n in range(ROUNDS):
        next_spo2(90 + n % 10)
        asked = time.monotonic()
        reply = commands("trend", bed="bed-1", metric=["spo2"], **{"from": since}, to=until)
        waits.append(time.monotonic() - asked)
        check(reply.ok, f"round {n + 1}: trend refused: {reply.error}")
        series = [s for s in reply.trend.series if s.metric == "spo2"]
        counted = sum(b.count for s in series for b in s.buckets) + sum(s.excluded for s in series)
        check(counted == published,
              f"round {n + 1}: the trend asked for at once counts {counted} SpO2 reading(s), {published} published")

    check(stop(daemon) == 0, "vigild did not stop cleanly")
    line.close()
    print(f"{ROUNDS} readings, each in the trend asked for the moment it was published; replies within "
          f"{sorted(waits)[len(waits) // 2] * 1e3:.1f} ms (median), {max(waits) * 1e3:.1f} ms at most")


main.logs = [log]
run(main)
