"""What a receiver that misbehaves, and a vigild killed with -9, do to the HL7
queue (issue 20). A scripted MLLP listener (the fault injector) answers the
first message with a wrong MSA-2, then garbage, then nothing, then AR: each
but the AR is no acknowledgement, so the message comes again with the same
MSH-10 after the ack timeout; the AR is final (kept as rejected, never sent
again) and the queue goes on. The next message is answered AE max_ae (2)
times: it moves to the dead letters and the queue goes on; `vigil-ctl hl7
dead-letters` lists both kept messages and `vigil-ctl hl7 resend` sends the
dead letter again, same MSH-10. Then the listener goes away, messages queue up,
the low technical alarm hl7_unreachable:emr is raised after
unreachable_alarm_s and shown by `vigil-ctl status`,
vigild is killed with -9 and started again, the destination is moved to
another port in the config and vigild told with SIGHUP: once the listener is
back there every
queued message arrives, in order, none lost (at-least-once: one whose ACK was
lost may come twice, with the same MSH-10), MSH-10 numbers go on above
those given before the kill, and the alarm clears once the queue has drained."""
import os
import signal
import sqlite3
import subprocess
import time

from harness import (BUILD, Bus, Commands, VIGIL_SIM, VIGILD, alarm, check, free_port, heartbeat, run, start, stop,
                     workdir, write)
from mllp_listener import MllpListener, ack

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")

d = workdir()
pub, cmd, hl7_port, moved_port = free_port(), free_port(), free_port(), free_port()
pty = os.path.join(d, "bed-1-ox")
outbox = os.path.join(d, "hl7-outbox.db")
logs = [os.path.join(d, n) for n in ("vigild-1.log", "vigild-2.log", "sim.log")]

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
journal_path: "{d}/journal.db"
equipment_eui64: "0123456789ABCDEF"
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{pty}" }} }}
hl7_destination {{
  name: "emr"
  address: "127.0.0.1:{hl7_port}"
  readings: true
  ack_timeout_ms: 500
  connect_timeout_ms: 500
  backoff_initial_ms: 100
  backoff_max_ms: 300
  max_ae: 2
  unreachable_alarm_s: 4
}}
"""

SCENARIO = """title: steady readings
duration: 1:30
patient: heart rate 75, spo2 97
variability: none
oximeter delay 0 s averaging 0 s
"""


class Listener(MllpListener):
    """Answers from a script: 'wrong' (MSA-2 of another message), 'garbage',
    'silent', or an MSA-1 code; AA once the script is done."""

    def __init__(self, script, port=hl7_port):
        self.script = list(script)
        self.received = []  # MSH-10 of every message, in arrival order
        super().__init__(port)

    def answer(self, message):
        control_id = message.split("\r")[0].split("|")[9]
        self.received.append(control_id)
        what = self.script.pop(0) if self.script else "AA"
        if what == "silent":
            return None
        if what == "garbage":
            return "hello, this is not HL7"
        code, acked = ("AA", "V999999") if what == "wrong" else (what, control_id)
        return ack(acked, code, len(self.received))

    def close(self):
        self.running = False
        super().close()


def rows(state=None):
    db = sqlite3.connect(f"file:{outbox}?mode=ro", uri=True)
    try:
        q = "SELECT control_id, state FROM hl7_outbox" + (" WHERE state = ?" if state else "") + " ORDER BY id"
        return db.execute(q, (state,) if state else ()).fetchall()
    finally:
        db.close()


def wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        check(time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def main():
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    write(os.path.join(d, "steady.scn"), SCENARIO)
    rx = Listener(["wrong", "garbage", "silent", "AR", "AE", "AE"])
    bus = Bus(f"tcp://127.0.0.1:{pub}", prefixes=("hb/", "alarm/"))
    daemon = start([VIGILD, "--config", conf], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={pty}",
           "--scenario", os.path.join(d, "steady.scn")], logs[2])
    check(Commands(f"tcp://127.0.0.1:{cmd}")("admit", bed="bed-1", patient_id="PAT-7").ok, "admitted")

    # V1: wrong MSA-2, garbage, silence (each: the same MSH-10 again), then AR.
    wait(lambda: len(rx.received) >= 6, 20, "V1 four times, then the next messages")
    check(rx.received[:4] == ["V1"] * 4, f"V1 sent again after each non-acknowledgement: {rx.received[:6]}")
    check(rx.received[4] == "V2" and "V1" not in rx.received[4:], f"AR is final: {rx.received[:8]}")
    check(("V1", "rejected") in rows("rejected"), f"V1 kept as rejected: {rows('rejected')}")

    # V2: AE twice (max_ae 2), a dead letter; V3 goes on; listed and sent again by hand.
    wait(lambda: "V3" in rx.received, 10, "the message after the dead letter")
    check(rx.received[4:6] == ["V2", "V2"] and rx.received[6] == "V3", f"V2 twice, then V3: {rx.received[:8]}")
    ctl = [VIGIL_CTL, "--endpoint", f"tcp://127.0.0.1:{cmd}", "--actor", "admin T"]
    out = subprocess.run(ctl + ["hl7", "dead-letters"], capture_output=True, text=True, timeout=10)
    lines = out.stdout.splitlines()
    check(out.returncode == 0 and len(lines) == 2, f"two kept messages listed: {out.stdout!r} {out.stderr!r}")
    check(lines[0].startswith("1 emr V1 ORU^R01^ORU_R01 rejected"), f"V1 rejected: {lines[0]!r}")
    check(lines[1].startswith("2 emr V2 ORU^R01^ORU_R01 dead after 2 AE") and lines[1].endswith(": AE "),
          f"V2 dead after 2 AE: {lines[1]!r}")
    out = subprocess.run(ctl + ["hl7", "resend", "7777"], capture_output=True, text=True, timeout=10)
    check(out.returncode == 1 and "no HL7 message 7777" in out.stderr, f"unknown id refused: {out.stderr!r}")
    sent_before = len(rx.received)
    out = subprocess.run(ctl + ["hl7", "resend", "2"], capture_output=True, text=True, timeout=10)
    check(out.returncode == 0 and "V2, dead) queued again for emr" in out.stdout, f"resend: {out.stdout!r}")
    wait(lambda: "V2" in rx.received[sent_before:], 10, "V2 sent again")
    resent_at = rx.received.index("V2", sent_before)
    check(rows("dead") == [], f"no dead letter left: {rows('dead')}")

    # The receiver goes away; messages queue; vigild is killed with -9 and comes back.
    bus.pump(0.1)
    mark = len(bus.messages)
    rx.close()  # its open connection still answers what is in flight, then ends
    wait(lambda: len(rows("queued")) >= 5, 20, "messages to queue while the receiver is down")
    bus.wait_for(alarm("hl7_unreachable:emr", "RAISED"), 10, "the unreachable alarm", since=mark)
    out = subprocess.run(ctl + ["status"], capture_output=True, text=True, timeout=10)
    check("technical alarm hl7_unreachable:emr raised" in out.stdout and "1 kept undelivered" in out.stdout,
          f"status shows the alarm and the kept message: {out.stdout!r}")
    stop(daemon, signal.SIGKILL)
    before_kill = list(rx.received)
    queued_at_kill = [c for c, _ in rows("queued")]
    daemon = start([VIGILD, "--config", conf], logs[1])
    time.sleep(2)
    # The interface engine moves: the queue follows the reloaded config.
    write(conf, CONFIG.replace(f"127.0.0.1:{hl7_port}", f"127.0.0.1:{moved_port}"))
    daemon.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while "HL7 senders restarted (emr), queues kept" not in open(logs[1]).read():
        check(time.monotonic() < deadline, "the reload restarted the HL7 senders")
        time.sleep(0.1)
    rx2 = Listener([], moved_port)
    wait(lambda: queued_at_kill[-1] in rx2.received, 30, "the messages queued at the kill")
    unreachable = [a for b in Commands(f"tcp://127.0.0.1:{cmd}")("status").beds for a in b.alarms
                   if a.condition == "hl7_unreachable:emr"]
    deadline = time.monotonic() + 5
    while unreachable and time.monotonic() < deadline:
        time.sleep(0.2)
        unreachable = [a for b in Commands(f"tcp://127.0.0.1:{cmd}")("status").beds for a in b.alarms
                       if a.condition == "hl7_unreachable:emr"]
    check(not unreachable, f"the restored unreachable alarm clears once drained: {unreachable}")
    stop(daemon)
    rx2.close()

    # From V3 on (V1 rejected, V2 dead-lettered and re-sent out of its turn by hand).
    numbers = [int(c[1:]) for c in before_kill[6:resent_at] + before_kill[resent_at + 1:] + rx2.received]
    check(all(b >= a for a, b in zip(numbers, numbers[1:])), f"in order: {numbers}")
    check(sorted(set(numbers)) == list(range(3, max(numbers) + 1)), f"none lost: {numbers}")
    dupes = len(numbers) - len(set(numbers))
    check(dupes <= 1, f"at most the message in flight at the cut comes twice: {numbers}")
    check(max(numbers) > int(queued_at_kill[-1][1:]), "the restarted vigild numbers on above the old queue")
    check([c for c, _ in rows("queued")] == [], f"left queued: {rows('queued')}")


main.logs = logs
run(main)
