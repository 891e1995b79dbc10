"""The infusion record, end to end: a drill-mode vigild (its clock and the
simulator's run 40 times faster than real time, so the 40-minute checkpoint
comes in about a minute) watches a simulated bedside monitor over HL7; a
nurse admits the patient through vigil-ctl, starts ketamine (0.5 mg/kg for
72 kg over 40 min) once there is a baseline, acknowledges the hypertensive
crisis when the blood pressure rises to 220/120, pauses the infusion,
gives oxygen, notes the adverse event, resumes it at a lower rate, stops
it and discharges the patient (a note, intervention or adverse event that
cannot be one is refused on the way). Then vigil-ctl lists the session and writes its
record as PDF, HTML, JSON and CSV, read from the journal while vigild still
runs: the PDF's text (pdftotext), the page as chromium shows it, the
JSON's values and the CSV's header must hold the baseline, the peak rise and its time, the checkpoints, the
alarm with who acknowledged it and how fast, the dose, the pause, the new
rate and the cumulative dose they give, the staff entries and the discharge.
Bad requests are refused and write nothing."""
import json
import os
import shutil
import subprocess
import time

from browser import Browser, missing
from harness import BUILD, VIGIL_SIM, VIGILD, Bus, alarm, check, free_port, heartbeat, run, start, stop, workdir, write

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
SPEED = 40
d = workdir()
journal = os.path.join(d, "journal.db")
pub, cmd = free_port(), free_port()
pty = os.path.join(d, "bed-1-monitor")
clock = os.path.join(d, "drill.clock")
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "sim.log"), os.path.join(d, "browser.log")]

# Minutes of drill time at which the nurse acts.
START, RESUME, STOP, DISCHARGE = 2, 12, 42, 46

SCENARIO = """title: ketamine with a hypertensive crisis, for the infusion record
duration: 50:00
patient: heart rate 72, blood pressure 128/78, spo2 97, perfusion index 3.0, respiratory rate 14
variability: none
device monitor hl7-mllp
nibp every 5 min taking 30 s
at 4:00 raise blood pressure to 220/120 over 3 min and raise heart rate to 96 over 3 min
at 16:00 lower blood pressure to 134/82 over 4 min and lower heart rate to 74 over 4 min
"""

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
drill: true
clinic_name: "Harbour Street Clinic"
journal_path: "{journal}"
bed {{
  id: "bed-1"
  device {{ id: "monitor" protocol: "hl7-mllp" path: "{pty}" }}
}}
"""


def ctl(*args, ok=True):
    p = subprocess.run([VIGIL_CTL, "--endpoint", f"tcp://127.0.0.1:{cmd}", "--actor", "nurse Test", "--station",
                        "station-T", *args], capture_output=True, text=True, timeout=30)
    if ok:
        check(p.returncode == 0, f"vigil-ctl {' '.join(args)}: exit {p.returncode}: {p.stdout} {p.stderr}")
    return p


def record(*args):
    config = ["--config", os.path.join(d, "vigil.conf")] if args[0] == "record" else []
    return subprocess.run([VIGIL_CTL, *args, "--journal", journal, *config], capture_output=True, text=True,
                          timeout=60)


def main():
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    scenario = write(os.path.join(d, "record.scn"), SCENARIO)
    anchor_ms = int((time.time() + 2.5) * 1000)
    zero_us = anchor_ms * 1000
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    sim = start([VIGIL_SIM, "--speed", str(SPEED), "--clock-anchor-ms", str(anchor_ms), "--clock-file", clock,
                 "--forever", "--device", f"bed=bed-1,id=monitor,protocol=hl7-mllp,pty={pty}", "--scenario",
                 scenario], logs[1])
    deadline = time.monotonic() + 10
    while not (os.path.exists(pty) and os.path.exists(clock)):
        check(time.monotonic() < deadline and sim.poll() is None, "vigil-sim did not create its pty and clock")
        time.sleep(0.02)
    daemon = start([VIGILD, "--config", conf, "--clock-rate", str(SPEED), "--clock-file", clock], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")

    def drill_minute(minute):
        """Waits on the bus (not the wall clock) until the drill clock has passed `minute`."""
        target = zero_us + minute * 60_000_000
        bus.wait_for(lambda t, m: m.WhichOneof("body") == "observation" and
                     m.observation.received.ToMicroseconds() >= target, 60, f"drill time {minute}:00")

    # No patient yet: nothing can be entered for the bed.
    p = ctl("note", "bed-1", "calm", ok=False)
    check(p.returncode == 1 and "note.bed: no patient is admitted to bed-1" in p.stderr, f"note: {p.stderr}")
    p = ctl("admit", "bed-1", "PAT-0042", "--dob", "1980-02-30", ok=False)
    check(p.returncode == 1 and "admit.birth_date" in p.stderr, f"admit with a bad date: {p.stderr}")
    ctl("admit", "bed-1", "PAT-0042", "--name", "Ana Test", "--dob", "1980-02-14")
    drill_minute(START)
    ctl("infusion", "start", "bed-1", "--drug", "ketamine", "--regimen", "0.5 mg/kg over 40 min", "--dose", "0.5",
        "--weight", "72", "--over", "40")
    _, raised, _ = bus.wait_for(alarm("hypertension", "RAISED"), 60, "the hypertension alarm")
    check(raised.alarm.drill, "the alarm is marked as a drill")
    ctl("ack", "bed-1", raised.alarm.alarm_id)
    bus.wait_for(alarm("hypertension", "ACKNOWLEDGED"), 10, "the acknowledgement on the bus")
    ctl("infusion", "pause", "bed-1", "--reason", "BP 220/120")
    bus.wait_for(lambda t, m: m.WhichOneof("body") == "context" and m.context.what == "infusion_paused", 10,
                 "the pause on the bus")
    ctl("intervention", "bed-1", "oxygen", "nasal cannula 2 L/min")
    ctl("adverse-event", "bed-1", "hypertension", "220/120, infusion paused")
    for args, words in ((["intervention", "bed-1", "magic"], "intervention.kind: unknown kind 'magic'"),
                        (["note", "bed-1", " "], "note.text: is empty"),
                        (["infusion", "pause", "bed-1"], "already paused")):
        p = ctl(*args, ok=False)
        check(p.returncode == 1 and words in p.stderr, f"vigil-ctl {args}: exit {p.returncode}: {p.stderr}")
    drill_minute(RESUME)
    ctl("infusion", "resume", "bed-1")
    ctl("infusion", "rate", "bed-1", "0.6", "--reason", "slower after the crisis")
    ctl("note", "bed-1", "calm, talking")
    drill_minute(STOP)
    ctl("infusion", "stop", "bed-1")
    drill_minute(DISCHARGE)
    ctl("discharge", "bed-1")
    bus.pump(0.3)

    # vigild still runs: the journal is read beside it.
    listed = record("sessions")
    check(listed.returncode == 0, f"vigil-ctl sessions: {listed.stderr}")
    line = next((l for l in listed.stdout.splitlines() if "PAT-0042" in l), None)
    check(line is not None and "(open" not in line, f"the session in the list: {listed.stdout}")
    session = line.split()[0]

    out = os.path.join(d, "out")
    os.makedirs(out)
    for fmt in ("pdf", "html", "json", "csv"):
        p = record("record", session, "--format", fmt, "-o", os.path.join(out, f"record.{fmt}"))
        check(p.returncode == 0, f"vigil-ctl record --format {fmt}: {p.stderr}")
    last = record("record", "--bed", "bed-1", "--last", "-o", os.path.join(out, "last.json"))
    check(last.returncode == 0, f"vigil-ctl record --bed bed-1 --last: {last.stderr}")
    stop(daemon)
    stop(sim)

    with open(os.path.join(out, "record.json")) as f:
        r = json.load(f)
    with open(os.path.join(out, "last.json")) as f:
        check(json.load(f)["session"] == r["session"], "--last names the same session")
    check(r["drill"] and not r["provisional"], f"drill {r['drill']}, provisional {r['provisional']}")
    check((r["clinic"], r["patient_name"], r["birth_date"]) == ("Harbour Street Clinic", "Ana Test", "1980-02-14"),
          f"clinic and patient: {r['clinic']!r} {r['patient_name']!r} {r['birth_date']!r}")
    check(len(r["across_sessions"]) == 1 and r["across_sessions"][0]["this_session"] and
          r["across_sessions"][0]["dose"] == {"value": 0.5, "unit": "mg/kg"}, f"across sessions {r['across_sessions']}")
    check(r["discharge_check"] is not None and r["discharge_check"]["stable"] == {"value": 900, "unit": "s"},
          f"discharge check {r['discharge_check']}")
    check((r["patient_id"], r["bed"], r["drug"], r["regimen"]) == ("PAT-0042", "bed-1", "ketamine",
                                                                    "0.5 mg/kg over 40 min"), str(r)[:300])
    check(r["dose"]["total"] == {"value": 36, "unit": "mg"} and r["dose"]["weight"]["unit"] == "kg",
          f"dose {r['dose']}")
    # 0.9 mg/min from the start to the pause, none while paused, 0.6 mg/min from the new rate to the stop.
    def t(iso):
        from datetime import datetime
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    changes = r["infusion_changes"]
    check([c["what"] for c in changes] == ["paused", "resumed", "rate_changed"], f"changes {changes}")
    check(changes[2]["rate"] == {"value": 0.6, "unit": "mg/min"} and changes[0]["by"] == "nurse Test at station-T",
          f"changes {changes}")
    started, stopped = t(r["infusion_started"]["time"]), t(r["infusion_stopped"]["time"])
    expected = (0.9 * (t(changes[0]["time"]) - started) + 0.9 * (t(changes[2]["time"]) - t(changes[1]["time"])) +
                0.6 * (stopped - t(changes[2]["time"]))) / 60
    check(abs(r["cumulative_dose"]["value"] - expected) < 0.05 and expected < 30,
          f"cumulative dose {r['cumulative_dose']}, expected {expected:.2f} mg")
    entries = [(e["type"], e["kind"], e["text"], e["by"]) for e in r["staff_entries"]]
    check(entries == [("intervention", "oxygen", "nasal cannula 2 L/min", "nurse Test at station-T"),
                      ("adverse_event", "hypertension", "220/120, infusion paused", "nurse Test at station-T"),
                      ("note", "", "calm, talking", "nurse Test at station-T")], f"staff entries {entries}")
    for step in ("admitted", "infusion_started", "infusion_stopped", "discharged"):
        check(r[step]["by"] == "nurse Test at station-T", f"{step} by {r[step]['by']!r}")
    base = {v["mdc_code"]: v for v in r["baseline"]["values"]}
    check(r["baseline"]["source"] == "measured", f"baseline {r['baseline']['source']}")
    check(base[150021]["value"] == 128 and base[150021]["unit"] == "mm[Hg]", f"baseline {base.get(150021)}")
    check(base[150022]["value"] == 78, f"baseline diastolic {base.get(150022)}")
    sys_ = r["response"]["systolic"]
    check(sys_["peak"]["value"] >= 210 and sys_["peak"]["mdc_code"] == 150021, f"peak {sys_['peak']}")
    check(sys_["rise"]["value"] == sys_["peak"]["value"] - 128, f"rise {sys_['rise']}")
    check(abs(sys_["rise_percent"]["value"] - 100 * (sys_["peak"]["value"] - 128) / 128) < 0.01, str(sys_))
    to_peak = r["response"]["time_to_peak"]["value"]
    check(4 * 60 <= to_peak <= 20 * 60, f"time to peak {to_peak} s")
    check(r["response"]["back_within_10_percent"] is not None, "back within 10 % of the baseline")
    checkpoints = {c["name"]: c for c in r["checkpoints"]}
    check(len(checkpoints) == 3 and all(c["measured"] for c in checkpoints.values()), f"checkpoints {checkpoints}")
    crisis = [a for a in r["alarms"] if a["condition"] == "hypertension"]
    check(crisis and crisis[0]["acknowledged_by"] == "nurse Test at station-T", f"alarms {r['alarms']}")
    ack = crisis[0]["time_to_acknowledge"]["value"]
    check(0 < ack < 120, f"time to acknowledge {ack} s (drill time)")
    check(DISCHARGE * 60 - START * 60 - 30 <= r["monitored"]["value"] <= DISCHARGE * 60, f"monitored {r['monitored']}")

    with open(os.path.join(out, "record.csv"), encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    check(header[:5] == ["time (UTC)", "session", "bed", "patient", "reason"] and "SpO\u2082 (%)" in header and
          "NIBP sys (mmHg)" in header, f"CSV header {header}")

    with open(os.path.join(out, "record.html"), encoding="utf-8") as f:
        html = f.read()
    check("<svg" in html and "DRILL" in html and "nurse Test at station-T" in html, "the HTML page")
    if missing():
        print(f"SKIPPED the HTML check in chromium: {missing()}")
    else:
        # The page as chromium lays it out: the plots drawn, the peak and the marks shown.
        browser = Browser(logs[2])
        browser.call(**{"do": "open", "url": "file://" + os.path.join(out, "record.html"), "width": 900,
                        "height": 1200})
        page = browser.call(**{"do": "eval", "js": "({text: document.body.innerText, "
                               "lines: document.querySelectorAll('svg polyline').length, "
                               "width: document.querySelector('svg').getBoundingClientRect().width})"})["value"]
        browser.call(**{"do": "screenshot", "path": os.path.join(out, "record-html.png")})
        browser.close()
        sys_dia = [v["value"] for v in r["response"]["highest"]["values"][:2]]
        highest = f"NIBP {sys_dia[0]:.0f}/{sys_dia[1]:.0f} mmHg"
        check(page["lines"] >= 4 and page["width"] > 600,
              f"the plots in chromium: {page['lines']} lines, {page['width']} wide")
        for words in ("DRILL", highest, "SpO₂", "BP 40 min after the start", "nurse Test at station-T", "UTC"):
            check(words in page["text"], f"chromium shows no {words!r}")

    with open(os.path.join(out, "record.pdf"), "rb") as f:
        check(f.read(5) == b"%PDF-", "record.pdf is a PDF")
    if shutil.which("pdftotext") is None:
        print("SKIPPED the PDF text check: pdftotext is missing (Debian: apt-get install poppler-utils)")
    else:
        text = subprocess.run(["pdftotext", "-layout", os.path.join(out, "record.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        peak = f"NIBP {sys_['peak']['value']:.0f}/"
        for words in ("DRILL", "PAT-0042", "SpO\u2082", "Baseline", "measured", "NIBP 128/78 mmHg", peak,
                      "BP 40 min after the start", "nurse Test at station-T", "Discharged", "UTC",
                      "= 36 mg over 40 min", "Cumulative dose", "The infusion's course", "paused",
                      "rate changed", "nasal cannula 2 L/min", "adverse event", "calm, talking",
                      "Harbour Street Clinic", "Ana Test", "1980-02-14", "Discharge criteria"):
            check(words in text, f"the PDF text does not say {words!r}:\n{text[:3000]}")
        fonts = subprocess.run(["pdffonts", os.path.join(out, "record.pdf")], capture_output=True, text=True).stdout
        check("DejaVuSans" in fonts, f"the PDF embeds DejaVu Sans: {fonts}")

    # Bad requests: a clear error, and nothing written.
    before = sorted(os.listdir(out))
    for args, words in ((["record", "999", "-o", os.path.join(out, "x.pdf")], "no session 999"),
                        (["record", session, "-o", os.path.join(d, "no", "such", "x.pdf")], "cannot write"),
                        (["record", session, "--format", "pdf", "-o", out], "it is a folder")):
        p = record(*args)
        check(p.returncode == 1 and words in p.stderr, f"vigil-ctl {args}: exit {p.returncode}: {p.stderr}")
    p = subprocess.run([VIGIL_CTL, "record", session, "-o", os.path.join(out, "y.pdf"), "--journal",
                        os.path.join(d, "missing.db")], capture_output=True, text=True)
    check(p.returncode == 1 and "missing.db" in p.stderr, f"a journal that is not there: {p.stderr}")
    check(sorted(os.listdir(out)) == before and not os.path.exists(os.path.join(d, "missing.db")),
          f"a refused request wrote something: {sorted(os.listdir(out))}")


main.logs = logs
run(main)
