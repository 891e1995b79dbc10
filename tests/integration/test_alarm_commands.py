"""The nurse's workflow through the command channel, end to end: vigil-ctl
admits a patient and starts an infusion (the baseline is taken from the
monitor's cuff readings), the simulated monitor's cuff then reads 220/120,
a subscriber that is not ours sees the high-priority hypertensive crisis at
once, vigil-ctl acknowledges it, and the subscriber sees who did."""
import os
import subprocess

from harness import (BUILD, Bus, VIGIL_SIM, VIGILD, alarm, bus_pb2, check, free_port, heartbeat, run, start, stop,
                     workdir, write)

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
d = workdir()
pub, cmd, hl7 = free_port(), free_port(), free_port()
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "sim.log")]

SCENARIO = """title: spike after the infusion starts
duration: 1:30
patient: heart rate 74, spo2 98, systolic 128, diastolic 78
nibp every 30 s taking 3 s
# The first cuff reading (0:05) is the baseline; the infusion starts at once,
# well before the next one (0:12) reads the crisis.
at 0:08 raise systolic to 220 and diastolic to 120 over 1 s
at 0:09 measure nibp
"""

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
journal_path: "{os.path.join(d, "journal.db")}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
bed {{
  id: "bed-4"
  device {{ id: "monitor" protocol: "hl7-mllp" tcp_listen: "127.0.0.1:{hl7}" }}
}}
"""


def ctl(*args):
    r = subprocess.run([VIGIL_CTL, "--endpoint", f"tcp://127.0.0.1:{cmd}", "--actor", "nurse Test",
                        "--station", "station-T", *args], capture_output=True, text=True, timeout=10)
    return r.returncode, r.stdout + r.stderr


def main():
    write(os.path.join(d, "vigil.conf"), CONFIG)
    write(os.path.join(d, "spike.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")

    code, out = ctl("admit", "bed-4", "PAT-0042")
    check(code == 0 and "patient PAT-0042 admitted to bed-4 with profile ketamine-iv-adult" in out, out)
    sim = start([VIGIL_SIM, "--device", f"bed=bed-4,id=monitor,protocol=hl7-mllp,tcp-connect=127.0.0.1:{hl7}",
                 "--scenario", os.path.join(d, "spike.scn")], logs[1])
    bus.wait_for(lambda t, m: m.WhichOneof("body") == "observation" and m.observation.metric == "nibp_sys", 20,
                 "a first cuff reading before the infusion")
    code, out = ctl("infusion", "start", "bed-4", "--regimen", "0.5 mg/kg over 40 min")
    check(code == 0 and "ketamine (0.5 mg/kg over 40 min) started on bed-4 by nurse Test at station-T" in out, out)
    check("NIBP sys 128" in out, f"the baseline holds the measured systolic: {out}")

    _, raised, _ = bus.wait_for(alarm("hypertension", "RAISED"), 30, "the hypertensive crisis")
    a = raised.alarm
    check(a.priority == bus_pb2.HIGH and a.value == 220 and a.limit == 200, f"{a}")
    check("Hypertensive crisis: NIBP sys 220" in a.message, a.message)

    code, out = ctl("ack", "bed-4", a.alarm_id)
    check(code == 0 and f"acknowledged {a.alarm_id}" in out, out)
    _, acked, _ = bus.wait_for(alarm("hypertension", "ACKNOWLEDGED"), 3, "the acknowledgement on the bus")
    check(acked.alarm.actor == "nurse Test at station-T", f"acknowledged by {acked.alarm.actor!r}")
    check(acked.alarm.alarm_id == a.alarm_id, "the same alarm")

    code, out = ctl("status", "bed-4")
    check(code == 0 and "patient PAT-0042" in out and "ketamine (0.5 mg/kg over 40 min) running since" in out, out)
    check(f"HIGH hypertension [{a.alarm_id}] active, acknowledged by nurse Test at station-T" in out, out)

    code, out = ctl("limit", "bed-4", "desaturation", "medium", "--threshold", "88")
    check(code == 0 and "SpO₂ < 90 % for 15 s -> SpO₂ < 88 % for 15 s" in out, out)
    bus.pump(0.3)
    ctx = [m.context for m in bus.of_kind("context", "bed-4")]
    whats = [c.what for c in ctx]
    # The rules in force are journalled whole after the admission and after each change, for the record.
    check(whats == ["admitted", "limits_in_force", "infusion_started", "baseline", "limit_changed",
                    "limits_in_force"], f"context events {whats}")
    check("desaturation\tmedium\tspo2\tbelow\t88\t" in ctx[-1].new_value, f"limits in force {ctx[-1].new_value!r}")
    change = ctx[-2]
    check((change.actor, change.station) == ("nurse Test", "station-T"), "the limit change is attributed")
    check(change.old_value.endswith("SpO₂ < 90 % for 15 s") and change.new_value == "SpO₂ < 88 % for 15 s",
          f"old {change.old_value!r} new {change.new_value!r}")
    stop(sim)
    stop(daemon)


main.logs = logs
run(main)
