"""The HL7 outbox on a full disk (issue 20). The outbox lives on a small
tmpfs that a filler file then fills: vigild keeps running, keeps publishing
readings and alarms (the oximeter taken away meanwhile raises device_lost on
the bus), says in its log that the outbox cannot be written, and raises the
technical alarm hl7_unreachable:emr that staff see (unreachable_alarm_s: 1).
The messages made meanwhile wait in the outbox writer's memory (alarms always,
readings up to its bound). Once the filler is removed, the writer writes
them, the alarm clears, and the receiver gets every message: MSH-10 V1, V2,
... without a gap (at least once: a message whose ACK could not be recorded
on the full disk comes again, same MSH-10), every reading published after the
admission and the device_lost alarm. Needs root to mount the tmpfs; says
SKIPPED why otherwise (the journal's own full disk is test_journal_faults)."""
import os
import re
import subprocess
import sys
import time

from harness import (Bus, Commands, VIGIL_SIM, VIGILD, alarm, check, fill_disk, free_port, heartbeat, run, start,
                     stop, workdir, write)
from mllp_listener import MllpListener, ack

d = workdir()
pub, cmd, hl7_port = free_port(), free_port(), free_port()
pty = os.path.join(d, "bed-1-ox")
small = os.path.join(d, "small")
filler = os.path.join(small, "filler")
logs = [os.path.join(d, n) for n in ("vigild.log", "sim.log")]
PLACED = {150456, 149530}  # the oximeter's metrics sent as PCD-01

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
journal_path: "{d}/journal.db"
hl7_outbox_path: "{small}/hl7-outbox.db"
equipment_eui64: "0123456789ABCDEF"
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{pty}" }} }}
hl7_destination {{
  name: "emr"
  address: "127.0.0.1:{hl7_port}"
  readings: true
  alarms: true
  ack_timeout_ms: 500
  connect_timeout_ms: 500
  backoff_initial_ms: 100
  backoff_max_ms: 200
  unreachable_alarm_s: 1
}}
"""

SCENARIO = """title: steady readings
duration: 1:00
patient: heart rate 75, spo2 97
variability: none
oximeter delay 0 s averaging 0 s
"""


class Receiver(MllpListener):
    """Answers AA and keeps (MSH-9, MSH-10, OBR-3) of each message."""

    def __init__(self):
        self.received = []
        super().__init__(hl7_port)

    def answer(self, message):
        segments = [s.split("|") for s in message.split("\r") if s]
        self.received.append((segments[0][8], segments[0][9], segments[3][3]))
        return ack(segments[0][9], number=len(self.received))


def hl7_alarm(transition):
    return alarm("hl7_unreachable:emr", transition)


def wait(predicate, timeout, what, bus):
    deadline = time.monotonic() + timeout
    while not predicate():
        check(time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}")
        bus.pump(0.1)


def index_of(bus, message):
    return next(i for i, (_, m, _) in enumerate(bus.messages) if m is message)


def main():
    rx = Receiver()
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    scn = write(os.path.join(d, "steady.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{pub}", prefixes=("obs/bed-1/", "alarm/bed-1/", "ctx/bed-1/", "hb/"))
    daemon = start([VIGILD, "--config", conf], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    sim = start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={pty}", "--scenario", scn], logs[1])
    bus.wait_for(lambda t, m: m.WhichOneof("body") == "observation", 10, "a first reading")
    check(Commands(f"tcp://127.0.0.1:{cmd}")("admit", bed="bed-1", patient_id="PAT-0042").ok, "admitted")
    _, admission, _ = bus.wait_for(lambda t, m: m.WhichOneof("body") == "context" and m.context.what == "admitted",
                                   5, "the admission on the bus")
    wait(lambda: sum(r[0].startswith("ORU^R01") for r in rx.received) >= 2, 5, "readings at the receiver", bus)

    fill_disk(filler, chunk=65536)
    full_at = len(bus.messages)
    _, raised, _ = bus.wait_for(hl7_alarm("RAISED"), 5, "hl7_unreachable:emr on the full disk", since=full_at)
    # Whichever write meets the full disk first names it: a new message ("the outbox cannot be written")
    # or the ACK of one in flight ("the outbox cannot record the reply to V4"), as on a loaded machine.
    check(re.search(r"the outbox cannot (be written|record the reply to V[0-9]+)", raised.alarm.message)
          and "full" in raised.alarm.message, raised.alarm.message)
    # Still monitoring: readings published, and an alarm raised while the disk is full.
    stop(sim)
    _, lost, _ = bus.wait_for(alarm("device_lost:ox", "RAISED"), 5, "device_lost while the disk is full",
                              since=full_at)
    readings_while_full = [m for _, m, _ in bus.messages[full_at:] if m.WhichOneof("body") == "observation"]
    check(readings_while_full, "readings published while the disk is full")
    check(daemon.poll() is None, "vigild still running on the full disk")
    log = open(logs[0]).read()
    check("hl7 outbox: cannot write: database or disk is full" in log, "the log says why")
    check(not any(r[2].startswith(lost.alarm.alarm_id) for r in rx.received), "device_lost not sent before room")

    os.remove(filler)
    bus.wait_for(hl7_alarm("CLEARED"), 8, "hl7_unreachable:emr to clear once there is room",
                 since=index_of(bus, raised))
    wait(lambda: any(r[2].startswith(lost.alarm.alarm_id) for r in rx.received), 5, "device_lost delivered", bus)
    check("hl7 outbox: writing again" in open(logs[0]).read(), "the log says the outbox writes again")
    stop(daemon)
    rx.close()

    # Nothing lost: every MSH-10 given arrived, in order (a repeat keeps its number).
    ids = [int(r[1][1:]) for r in rx.received]
    check(ids == sorted(ids), f"in order: {ids}")
    check(sorted(set(ids)) == list(range(1, max(ids) + 1)), f"none missing: {ids}")
    # Every reading published after the admission, the ones made on the full disk too.
    published = [m for _, m, _ in bus.messages[index_of(bus, admission) + 1:]
                 if m.WhichOneof("body") == "observation" and m.observation.mdc_code in PLACED]
    oru = {r[1] for r in rx.received if r[0].startswith("ORU^R01")}
    check(len(oru) == len(published), f"{len(oru)} ORU^R01 for {len(published)} readings since the admission")
    print(f"{len(readings_while_full)} readings published on the full disk; {len(ids)} messages received, "
          f"{len(ids) - len(set(ids))} of them again after an ACK the full disk could not record")


def can_mount():
    if os.geteuid() != 0:
        return "not root"
    os.makedirs(small)
    out = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small], capture_output=True, text=True)
    return "" if out.returncode == 0 else f"mount -t tmpfs failed: {out.stderr.strip()}"


why = can_mount()
if why:
    print(f"SKIPPED: the full-disk test needs a tmpfs of its own ({why})")
    sys.exit(77)
main.logs = logs
try:
    run(main)
finally:
    subprocess.run(["umount", "-l", small])
