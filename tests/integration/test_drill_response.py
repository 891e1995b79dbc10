"""A drill with a nurse in the loop: vigil-drill runs a hypertensive crisis
(52 s of it, at 6x) while a "nurse" watches the bus and acknowledges the
crisis through vigil-ctl, as she would from the station. The drill report
(text, JSON and SVG) must say the alarm came in its window, who
acknowledged it and how long that took, and that the tachycardia nobody
acknowledged stayed unacknowledged; and the bus marks it all as a drill."""
import json
import os
import subprocess
import xml.dom.minidom

from harness import BUILD, Bus, alarm, check, free_port, run, workdir, write

VIGIL_DRILL = os.path.join(BUILD, "drill/vigil-drill")
VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
d = workdir()
logs = [os.path.join(d, "drill.log"), os.path.join(d, "work", "vigild.log")]

WARD = """title: Crisis with a nurse
speed: 6
bed bed-2 runs crisis.scn for patient P-0042
"""

# The first cuff reading (started 2 s in, taking 5 s) finds the crisis and
# reaches vigild with the monitor's message at 0:10; the monitor shows a rate
# over 120 from its message at 0:10 or 0:15, and the medium level needs 30 s.
SCENARIO = """title: Hypertensive crisis, the short version
duration: 0:52
patient: heart rate 82, spo2 98, systolic 132, diastolic 82
variability: none
device monitor hl7-mllp
nibp every 30 s taking 5 s
at 0:02 raise systolic to 220 and diastolic to 120 over 3 s and raise heart rate to 128 over 3 s
expect high hypertension between 0:07 and 0:13
expect medium tachycardia between 0:40 and 0:46
"""


def main():
    write(os.path.join(d, "crisis.ward"), WARD)
    write(os.path.join(d, "crisis.scn"), SCENARIO)
    pub, cmd = free_port(), free_port()
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    with open(logs[0], "w") as log:
        drill = subprocess.Popen([VIGIL_DRILL, "run", os.path.join(d, "crisis.ward"), "--out", d,
                                  "--work", os.path.join(d, "work"), "--keep",
                                  "--publish", f"tcp://127.0.0.1:{pub}", "--command", f"tcp://127.0.0.1:{cmd}"],
                                 stdout=log, stderr=subprocess.STDOUT)
        _, raised, _ = bus.wait_for(alarm("hypertension", "RAISED"), 60, "the hypertensive crisis")
        check(raised.alarm.drill, "the crisis is marked as a drill on the bus")
        bus.pump(0.75)  # the nurse takes a moment (4.5 s of the drill)
        ack = subprocess.run([VIGIL_CTL, "--endpoint", f"tcp://127.0.0.1:{cmd}", "--actor", "nurse Test",
                              "--station", "station-T", "ack", "bed-2", raised.alarm.alarm_id],
                             capture_output=True, text=True, timeout=10)
        check(ack.returncode == 0, f"vigil-ctl ack failed: {ack.stdout} {ack.stderr}")
        while drill.poll() is None:
            bus.pump(0.2)
    check(drill.returncode == 0, f"the drill did not go as scripted (exit {drill.returncode})")

    with open(os.path.join(d, "drill-report.json")) as f:
        report = json.load(f)
    bed = report["beds"][0]
    check((bed["bed"], bed["patient_id"]) == ("bed-2", "P-0042"), f"bed {bed['bed']} patient {bed['patient_id']}")
    results = {x["condition"]: x for e in bed["events"] for x in e["expectations"]}
    crisis = results["hypertension"]
    check(crisis["verdict"] == "met", f"hypertension: {crisis['verdict']} {crisis['note']}")
    story = crisis["alarm"]
    check(story["acknowledged_by"] == "nurse Test at station-T", f"acknowledged by {story['acknowledged_by']!r}")
    # Three quarters of a second at 6x are four and a half seconds of the drill.
    check(3 <= story["time_to_acknowledge_s"] <= 12, f"time to acknowledge {story['time_to_acknowledge_s']} s")
    tachy = results["tachycardia"]["alarm"]
    check(tachy["acknowledged_s"] is None, "nobody acknowledged the tachycardia")

    with open(os.path.join(d, "drill-report.txt")) as f:
        text = f.read()
    check("RESULT: 2 of 2 expected alarms came in their windows; 0 alarms nobody expected" in text, text)
    check("by nurse Test at station-T" in text and "every reading and alarm was marked as a drill" in text, text)
    svg = xml.dom.minidom.parse(os.path.join(d, "drill-report.svg"))
    titles = [t.firstChild.data for t in svg.getElementsByTagName("title") if t.firstChild]
    check(any("acknowledged" in t and "nurse Test" in t for t in titles), "the plot marks the acknowledgement")
    check(len(svg.getElementsByTagName("polyline")) >= 2, "the plot draws the vitals")


main.logs = logs
run(main)
