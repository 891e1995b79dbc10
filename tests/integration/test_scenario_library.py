"""The scenario library is the regression suite: every shipped scenario runs
at once, each on its own bed, at high speed, through a real vigild (on the
simulator's drill clock) fed by vigil-sim over TCP; vigil-drill diffs the
alarms against the expectations written in each scenario file.

A subscriber that is not ours (python3-zmq, python3-protobuf) watches the
same bus and checks that the report tells what it saw: every alarm the
report counts was published, every message is marked as a drill.

Where the monitor streams its ECG (the HL7 beds), vigild's QRS detector runs
in the drill: its derived heart rate (device "monitor:ecg") is on the bus,
and the AF of af-ecg is named from the ECG ("AF with rapid ventricular
response"), not only as an irregular pulse. In ecg-tachycardia the monitor
sends no numbers of its own: the tachycardia alarm must come from that
derived rate, and say so in its device.

A rhythm expectation on a bed whose devices give vigild no beat timing is
reported as not judged (no beat source); the test prints those.

VIGIL_SCENARIO_SPEED (default 40) sets the speed: the drill clock keeps
limit alarms' drill times exact at any speed, but rhythm analysis times
pulses by when vigild reads them, and a millisecond of scheduling delay is
40 ms of drill time at 40x; at 100x under ASan it called AF on sinus
rhythm, and at 40x under ASan with the fuzz runs beside it once did too
(26 beds, 2 cores), and at 20x so once more with six tests side by side,
so scripts/test runs the ASan build's library at 10x;
VIGIL_SCENARIOS (a comma
separated list) runs only those scenarios, for slow builds (sanitizers)."""
import json
import os
import subprocess

from harness import BUILD, Bus, bus_pb2, check, free_port, run, workdir

VIGIL_DRILL = os.path.join(BUILD, "drill/vigil-drill")
speed = os.environ.get("VIGIL_SCENARIO_SPEED", "40")
only = [s for s in os.environ.get("VIGIL_SCENARIOS", "").split(",") if s]
d = workdir()
logs = [os.path.join(d, "drill.log"), os.path.join(d, "work", "vigild.log"), os.path.join(d, "work", "vigil-sim.log")]


def main():
    port = free_port()
    bus = Bus(f"tcp://127.0.0.1:{port}")
    selection = [a for s in only for a in ("--scenario", s)] or ["--all-scenarios"]
    with open(logs[0], "w") as log:
        # Faster than real time, serial devices reach vigild through TCP
        # (--serial-via auto): the kernel's pty hand-over can lag on a busy
        # machine, and 40x turns a lag of 0.15 s into 6 s of silence.
        drill = subprocess.Popen([VIGIL_DRILL, "run", *selection, "--speed", speed, "--out", d,
                                  "--work", os.path.join(d, "work"), "--keep",
                                  "--publish", f"tcp://127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
        while drill.poll() is None:
            bus.pump(0.2)
    bus.pump(0.3)
    with open(logs[0]) as f:
        output = f.read()
    check(drill.returncode in (0, 3), f"vigil-drill could not run the drill (exit {drill.returncode})")
    with open(os.path.join(d, "drill-report.json")) as f:
        report = json.load(f)

    failures = []
    for bed in report["beds"]:
        for event in bed["events"]:
            for x in event["expectations"]:
                where = f"{bed['scenario']} line {x['line']}: {x['priority']} {x['condition']}"
                if x["verdict"] == "no beat source":
                    print(f"not judged, no beat source: {where}")
                elif x["fails"]:
                    failures.append(f"{where}: {x['verdict']}: {x['note']}")
        for u in bed["unexpected"]:
            failures.append(f"{bed['scenario']}: unexpected {u['priority']} {u['alarm']['condition']} at "
                            f"{u['at_s']:.0f} s: {u['alarm']['message']}")
    check(not failures and report["as_scripted"],
          "the scenario library does not alarm as its files say:\n  " + "\n  ".join(failures) + "\n" + output)
    check(report["expected"] >= (3 if only else 15), f"only {report['expected']} expectations were checked")

    # The report agrees with what an independent subscriber saw.
    raised = [m.alarm for m in bus.of_kind("alarm") if m.alarm.transition == bus_pb2.RAISED]
    counted = sum(len(b["alarms"]) for b in report["beds"])
    check(len(raised) == counted, f"the bus carried {len(raised)} raised alarms, the report counts {counted}")
    marked = [getattr(m, m.WhichOneof("body")).drill for _, m, _ in bus.messages]
    check(marked and all(marked), f"{marked.count(False)} of {len(marked)} bus messages lack the drill mark")
    check(report["not_marked_drill"] == 0 and report["sequence_gaps"] == 0, "the runner saw every message, marked")
    # The ECG path ran: derived rates on the ECG beds, and AF worded from the ECG.
    ecg_beds = ("af-ecg", "sinus-arrhythmia", "atrial-flutter", "atrial-flutter-variable", "ecg-motion-artefact",
                "ecg-tachycardia")
    for bed in report["beds"]:
        if bed["scenario"] not in ecg_beds:
            continue
        rates = [m.observation for m in bus.of_kind("observation", bed["bed"])
                 if m.observation.device == "monitor:ecg" and m.observation.mdc_code == 147842]
        check(len(rates) > 10, f"{bed['scenario']}: vigild derived {len(rates)} heart rates from the ECG")
        if bed["scenario"] == "ecg-tachycardia":
            own = [m.observation for m in bus.of_kind("observation", bed["bed"]) if m.observation.device == "monitor"]
            check(not own, f"ecg-tachycardia: the monitor should send no numbers, it sent {len(own)}")
            tachy = [m.alarm for m in bus.of_kind("alarm", bed["bed"]) if m.alarm.condition == "tachycardia"]
            check(tachy and all(a.device == "monitor:ecg" for a in tachy),
                  "ecg-tachycardia: the tachycardia alarm should come from the derived ECG rate (monitor:ecg): "
                  + str([(a.device, a.message) for a in tachy]))
        af = [a["message"] for a in bed["alarms"] if a["condition"] == "atrial_fibrillation"]
        if bed["scenario"] == "af-ecg":
            check(len(af) == 1 and af[0].startswith("AF with rapid ventricular response"),
                  f"af-ecg: the AF alarm should be named from the ECG, once: {af}")

    print(f"{report['met']} of {report['expected']} expectations met over {len(report['beds'])} scenarios "
          f"at {speed}x; {report['not_judged']} not judged")


main.logs = logs
run(main)
