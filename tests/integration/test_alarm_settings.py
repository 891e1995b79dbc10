"""Alarm settings from outside (issue 15): a client that is not ours sends
limits and baselines that would silently disable an alarm (NaN thresholds, an
undefined priority, a NaN baseline, contradicting limits); vigild refuses each
with the field and the reason and changes nothing. A condition goes off only
on purpose, with a reason: journalled with who and why, shown as ALARM OFF by
`vigil-ctl status` until it is turned back on."""
import json
import os
import sqlite3
import subprocess

from harness import (BUILD, Bus, Commands, VIGILD, bus_pb2, check, command_pb2, free_port, heartbeat, run, start, stop,
                     workdir, write)

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
d = workdir()
pub, cmd = free_port(), free_port()
journal = os.path.join(d, "journal.db")
logs = [os.path.join(d, "vigild.log")]

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
journal_path: "{journal}"
bed {{ id: "bed-2" device {{ id: "ox" protocol: "masimo" path: "{d}/nothing-here" }} }}
"""

NAN = float("nan")


def limits(ctl):
    b = ctl("status", bed="bed-2").beds[0]
    return {(l.condition, l.priority, l.metric): (l.threshold, l.enabled) for l in b.limits}


def refused(reply, field, words):
    check(not reply.ok, f"{field}: accepted ({reply.message})")
    check(reply.error_field == field, f"error_field {reply.error_field!r}, want {field!r} ({reply.error})")
    check(words in reply.error, f"error {reply.error!r} should say {words!r}")


def vigil_ctl(*args):
    return subprocess.run([VIGIL_CTL, "--endpoint", f"tcp://127.0.0.1:{cmd}", "--actor", "Dr. Lee", *args],
                          capture_output=True, text=True, timeout=20)


def main():
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    daemon = start([VIGILD, "--config", conf], logs[0])
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    bus.wait_for(heartbeat, 10, "a first heartbeat")  # subscribed before anything happens
    ctl = Commands(f"tcp://127.0.0.1:{cmd}", actor="Dr. Lee")
    check(ctl("admit", bed="bed-2", patient_id="PAT-15").ok, "admit")
    shipped = limits(ctl)

    def set_limit(priority, **fields):
        return ctl("set_limit", bed="bed-2", limit=command_pb2.LimitOverride(condition=fields.pop("condition", "desaturation"),
                                                                         priority=priority, **fields))

    # 1. NaN thresholds on both desaturation levels.
    refused(set_limit(bus_pb2.HIGH, threshold=NAN), "set_limit.limit.threshold", "is not a number")
    refused(set_limit(bus_pb2.MEDIUM, threshold=NAN), "set_limit.limit.threshold", "is not a number")
    # 2. A NaN baseline, entered at admission or at the start of the infusion.
    refused(ctl("start_infusion", bed="bed-2", drug="ketamine", baseline=command_pb2.Baseline(spo2=NAN)),
            "start_infusion.baseline.spo2", "is not a number")
    check(not ctl("status", bed="bed-2").beds[0].infusion_running, "a refused start started nothing")
    # 3. A priority that does not exist.
    refused(set_limit(77, threshold=88), "set_limit.limit.priority", "77 is not a priority")
    # 4. Limits that contradict each other.
    refused(set_limit(bus_pb2.MEDIUM, condition="bradycardia", threshold=130), "set_limit.limit.threshold", "outside")
    refused(set_limit(bus_pb2.MEDIUM, condition="hypotension", threshold=190), "set_limit.limit.threshold",
            "is at or above hypertension")
    refused(set_limit(bus_pb2.HIGH, threshold=92), "set_limit.limit.threshold", "at or below its medium level")
    refused(set_limit(bus_pb2.MEDIUM, delay_s=600), "set_limit.limit.delay_s", "0-30 s")
    check(limits(ctl) == shipped, "a refused change changed the limits")
    check(daemon.poll() is None, "vigild keeps running")

    # Off on purpose: a reason is required, then it is recorded and shown.
    refused(set_limit(bus_pb2.MEDIUM, condition="bp_surge", enabled=False), "set_limit.limit.reason", "needs a reason")
    r = vigil_ctl("limit", "bed-2", "bp_surge", "medium", "--disable", "--reason", "chronic hypertension, on purpose")
    check(r.returncode == 0, f"vigil-ctl limit --disable: {r.stdout}{r.stderr}")
    status = vigil_ctl("status", "bed-2")
    check("ALARM OFF: bp_surge MEDIUM" in status.stdout and "turned off by Dr. Lee: chronic hypertension, on purpose"
          in status.stdout, f"status does not show the alarm off:\n{status.stdout}")
    _, ctx, _ = bus.wait_for(lambda t, m: m.WhichOneof("body") == "context" and m.context.what == "limit_changed", 5,
                             "the limit change on the bus")
    check(ctx.context.actor == "Dr. Lee" and "chronic hypertension" in ctx.context.new_value, f"{ctx.context}")
    r = vigil_ctl("limit", "bed-2", "bp_surge", "medium", "--enable")
    check(r.returncode == 0, f"vigil-ctl limit --enable: {r.stderr}")
    status = vigil_ctl("status", "bed-2")
    check("ALARM OFF" not in status.stdout, f"ALARM OFF still shown after it was turned on:\n{status.stdout}")
    stop(daemon)

    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    rows = [json.loads(r[0]) for r in db.execute(
        "SELECT request FROM commands WHERE command = 'set_limit' AND ok = 1 ORDER BY id")]
    db.close()
    check(len(rows) == 2, f"journalled limit changes: {rows}")
    off = rows[0]["set_limit"]["limit"]
    check(off.get("enabled") is False and off.get("reason") == "chronic hypertension, on purpose"
          and rows[0]["actor"] == "Dr. Lee", f"the switch-off is journalled with who and why: {rows[0]}")


main.logs = logs
run(main)
