"""The infusion record, end to end, from the built-in ward infusion-record:
vigil-drill runs it 100 times faster than real time (vigil-sim's HL7
monitor and vigild on the drill clock, so the 40-minute and discharge
checkpoints come in half a minute), and its scripted nurse admits, starts
ketamine 0.5 mg/kg for 72 kg over 40 min once there is a baseline,
acknowledges the alarms as the blood pressure rises to 220/120, pauses the
infusion, notes the adverse event, resumes it at a lower rate, acknowledges
the desaturation and gives oxygen, stops the infusion and discharges the
patient, all through vigild's command channel; then re-admits the patient
for a second, short session.

Then vigil-ctl lists the sessions and writes the first one's record as PDF,
HTML, JSON and CSV from the drill's journal: the PDF's text (pdftotext), the
page as chromium shows it, the JSON's values and the CSV's header must hold
the baseline, the peak rise and its time, the checkpoints, the alarm with
who acknowledged it and how fast, the dose, the pause, the new rate and the
cumulative dose they give, the staff entries and the discharge; the second
session's record shows both sessions side by side. Bad requests are
refused and write nothing.

Then a short-lived vigild on the same journal (another bed, whose device
port nobody serves, so nothing it journals falls in the record) takes the signature of the first
session's record, refuses a second one, takes an amendment and its
signature, all through vigil-ctl; after it stops, `vigil-ctl record
verify` finds the journal as signed and the PDF and JSON show the
signature and the amendment beside the original; without vigild's config
(whose clinic name was signed) the record is drawn from its signed content. (vigild's refusals of bad notes, interventions
and admissions are unit tests: tests/unit/daemon/infusion_course_test.cpp.)"""
import json
import os
import shutil
import subprocess
from datetime import datetime

from browser import Browser, missing
import time

from harness import BUILD, VIGILD, check, free_port, run, start, stop, workdir, write

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
VIGIL_DRILL = os.path.join(BUILD, "drill/vigil-drill")
d = workdir()
work = os.path.join(d, "work")
journal = os.path.join(work, "journal.db")
logs = [os.path.join(d, "drill.log"), os.path.join(work, "vigild.log"), os.path.join(work, "vigil-sim.log"),
        os.path.join(d, "browser.log"), os.path.join(d, "vigild-sign.log")]
NURSE = "vigil-drill (scripted) at drill runner"

def drill(ward, log):
    with open(log, "w") as f:
        p = subprocess.run([VIGIL_DRILL, "run", ward, "--out", d, "--work", work], stdout=f,
                           stderr=subprocess.STDOUT, timeout=180)
    with open(log) as f:
        check(p.returncode == 0, f"vigil-drill run {ward}: exit {p.returncode}\n{f.read()[-3000:]}")


def record(*args):
    return subprocess.run([VIGIL_CTL, *args, "--journal", journal, "--config", os.path.join(d, "vigil.conf")],
                          capture_output=True, text=True, timeout=60)


def t(iso):
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def main():
    drill("infusion-record", logs[0])
    # The record takes the clinic's name from vigild's config: the drill's, with one.
    with open(os.path.join(work, "vigil.conf")) as f:
        write(os.path.join(d, "vigil.conf"), 'clinic_name: "Harbour Street Clinic"\n' + f.read())

    listed = subprocess.run([VIGIL_CTL, "sessions", "--journal", journal], capture_output=True, text=True)
    check(listed.returncode == 0, f"vigil-ctl sessions: {listed.stderr}")
    lines = [l for l in listed.stdout.splitlines() if "DRILL-0019" in l]
    check(len(lines) == 2 and all("(open" not in l for l in lines), f"the sessions: {listed.stdout}")
    first, second = (l.split()[0] for l in lines)

    out = os.path.join(d, "out")
    os.makedirs(out)
    for fmt in ("pdf", "html", "json", "csv"):
        p = record("record", first, "--format", fmt, "-o", os.path.join(out, f"record.{fmt}"))
        check(p.returncode == 0, f"vigil-ctl record --format {fmt}: {p.stderr}")
    last = record("record", "--bed", "bed-1", "--last", "-o", os.path.join(out, "last.json"))
    check(last.returncode == 0, f"vigil-ctl record --bed bed-1 --last: {last.stderr}")

    with open(os.path.join(out, "record.json")) as f:
        r = json.load(f)
    with open(os.path.join(out, "last.json")) as f:
        r2 = json.load(f)
    check(str(r2["session"]) == second, f"--last names the second session: {r2['session']}")
    # The second session's record shows the earlier one beside it: dose against the response.
    rows = r2["across_sessions"]
    check([(row["dose"]["value"], row["this_session"]) for row in rows] == [(0.5, False), (0.4, True)] and
          rows[0]["systolic"]["peak"]["value"] == 220, f"across sessions {rows}")
    check([row["this_session"] for row in r["across_sessions"]] == [True], f"first {r['across_sessions']}")
    check(r["drill"] and not r["provisional"], f"drill {r['drill']}, provisional {r['provisional']}")
    check((r["clinic"], r["patient_id"], r["bed"], r["drug"], r["regimen"]) ==
          ("Harbour Street Clinic", "DRILL-0019", "bed-1", "ketamine", "0.5 mg/kg over 40 min"), str(r)[:300])
    check(r["dose"]["total"] == {"value": 36, "unit": "mg"} and r["dose"]["weight"]["unit"] == "kg",
          f"dose {r['dose']}")
    check(r["discharge_check"] is not None and r["discharge_check"]["stable"] == {"value": 900, "unit": "s"},
          f"discharge check {r['discharge_check']}")

    # 0.9 mg/min from the start to the pause, none while paused, 0.6 mg/min from the new rate to the stop.
    changes = r["infusion_changes"]
    check([c["what"] for c in changes] == ["paused", "resumed", "rate_changed"], f"changes {changes}")
    check(changes[2]["rate"] == {"value": 0.6, "unit": "mg/min"} and changes[0]["by"] == NURSE, f"changes {changes}")
    started, stopped = t(r["infusion_started"]["time"]), t(r["infusion_stopped"]["time"])
    expected = (0.9 * (t(changes[0]["time"]) - started) + 0.9 * (t(changes[2]["time"]) - t(changes[1]["time"])) +
                0.6 * (stopped - t(changes[2]["time"]))) / 60
    check(abs(r["cumulative_dose"]["value"] - expected) < 0.05 and expected < 30,
          f"cumulative dose {r['cumulative_dose']}, expected {expected:.2f} mg")
    entries = [(e["type"], e["kind"], e["text"], e["by"]) for e in r["staff_entries"]]
    check(entries == [("adverse_event", "hypertension", "220/120, infusion paused", NURSE),
                      ("intervention", "oxygen", "nasal cannula 2 L/min", NURSE),
                      ("note", "", "calm, talking", NURSE)], f"staff entries {entries}")
    check(r["admitted"]["by"] == "vigil-drill at drill runner", f"admitted by {r['admitted']['by']!r}")
    for step in ("infusion_started", "infusion_stopped", "discharged"):
        check(r[step]["by"] == NURSE, f"{step} by {r[step]['by']!r}")

    # The ward's patient: 128/78 before the start; the cuff reads 220/120 at 10:32, 8.5 min after it.
    base = {v["mdc_code"]: v for v in r["baseline"]["values"]}
    check(r["baseline"]["source"] == "measured", f"baseline {r['baseline']['source']}")
    check(base[150021]["value"] == 128 and base[150021]["unit"] == "mm[Hg]", f"baseline {base.get(150021)}")
    check(base[150022]["value"] == 78, f"baseline diastolic {base.get(150022)}")
    sys_ = r["response"]["systolic"]
    check(sys_["peak"]["value"] == 220 and sys_["peak"]["mdc_code"] == 150021, f"peak {sys_['peak']}")
    check(sys_["rise"]["value"] == 92 and abs(sys_["rise_percent"]["value"] - 71.875) < 0.01, str(sys_))
    # Scripted times are checked loosely: at 100x a drill second is 10 ms of real time, and on a busy
    # machine the start (once a baseline is heard) came 15 drill seconds late. The record's own
    # arithmetic is checked exactly against the times it gives.
    to_peak = r["response"]["time_to_peak"]["value"]
    check(abs(to_peak - (t(sys_["time"]) - started)) < 1, f"time to peak {to_peak} s, peak at {sys_['time']}")
    check(abs(to_peak - (10 * 60 + 32 - 2 * 60)) <= 30, f"time to peak {to_peak} s")
    check(r["response"]["back_within_10_percent"] is not None, "back within 10 % of the baseline")
    checkpoints = {c["name"]: c for c in r["checkpoints"]}
    check(len(checkpoints) == 3 and all(c["measured"] for c in checkpoints.values()), f"checkpoints {checkpoints}")
    alarms = {a["condition"]: a for a in r["alarms"]}
    for condition, by_s in (("hypertension", 11 * 60 - (10 * 60 + 32)), ("desaturation", None)):
        a = alarms.get(condition)
        check(a is not None and a["acknowledged_by"] == NURSE, f"the {condition} alarm: {r['alarms']}")
        ack = a["time_to_acknowledge"]["value"]
        # Loosely, as above (once: raised 3 s late, acknowledged 12 s late); the scripted nurse never
        # acknowledges early. The record's times are whole seconds, its time to acknowledge exact.
        check(0 < ack < 60 and (by_s is None or by_s - 15 <= ack <= by_s + 25), f"{condition}: acknowledged after {ack} s")
        gap = t(a["acknowledged"]) - t(a["raised"])
        check(abs(ack - gap) < 1, f"{condition}: {ack} s to acknowledge, {gap} s from raise to acknowledgement")
    monitored = r["monitored"]["value"]
    check(abs(monitored - (t(r["discharged"]["time"]) - started)) < 1, f"monitored {monitored} s")
    check(abs(monitored - 46 * 60) <= 30, f"monitored {r['monitored']}")
    # The 220/120 against the limits vigild journalled at the admission: past hypertension HIGH, whose alarm sounded.
    limits = r["bp_limits"]
    passed = {(l["condition"], l["priority"], l["peak"]["mdc_code"]) for l in limits["limits"] if l["exceeded"]}
    check(limits["inside"] is False and ("hypertension", "HIGH", 150021) in passed and limits["unknown"] is None,
          f"inside the limits: {limits}")
    check("hypertension" in [a["condition"] for a in limits["alarms_raised"]], f"BP alarms raised: {limits}")

    with open(os.path.join(out, "record.csv"), encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    check(header[:5] == ["time (UTC)", "session", "bed", "patient", "reason"] and "SpO\u2082 (%)" in header and
          "NIBP sys (mmHg)" in header, f"CSV header {header}")

    with open(os.path.join(out, "record.html"), encoding="utf-8") as f:
        html = f.read()
    check("<svg" in html and "DRILL" in html and NURSE in html and "nasal cannula 2 L/min" in html, "the HTML page")
    if missing():
        print(f"SKIPPED the HTML check in chromium: {missing()}")
    else:
        # The page as chromium lays it out: the plots drawn, the peak and the marks shown.
        browser = Browser(logs[3])
        browser.call(**{"do": "open", "url": "file://" + os.path.join(out, "record.html"), "width": 900,
                        "height": 1200})
        page = browser.call(**{"do": "eval", "js": "({text: document.body.innerText, "
                               "lines: document.querySelectorAll('svg polyline').length, "
                               "width: document.querySelector('svg').getBoundingClientRect().width})"})["value"]
        browser.close()
        check(page["lines"] >= 4 and page["width"] > 600,
              f"the plots in chromium: {page['lines']} lines, {page['width']} wide")
        for words in ("DRILL", "NIBP 220/120 mmHg", "SpO₂", "BP 40 min after the start", NURSE, "UTC",
                      "nasal cannula 2 L/min", "Harbour Street Clinic", "Blood-pressure limits at each peak"):
            check(words in page["text"], f"chromium shows no {words!r}")

    with open(os.path.join(out, "record.pdf"), "rb") as f:
        check(f.read(5) == b"%PDF-", "record.pdf is a PDF")
    if shutil.which("pdftotext") is None:
        print("SKIPPED the PDF text check: pdftotext is missing (Debian: apt-get install poppler-utils)")
    else:
        text = subprocess.run(["pdftotext", "-layout", os.path.join(out, "record.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        flat = " ".join(text.split())
        for words in ("DRILL", "DRILL-0019", "SpO\u2082", "Baseline", "measured", "NIBP 128/78 mmHg",
                      "NIBP 220/120 mmHg", "+92 mmHg (+72 %)", f"{to_peak // 60:.0f} min {to_peak % 60:02.0f} s",
                      "BP before dosing",
                      "BP 40 min after the start", "BP before discharge", "Discharged", "UTC",
                      "= 36 mg over 40 min", "Cumulative dose", "The infusion's course", "paused",
                      "rate changed", "intervention", "oxygen", "nasal cannula 2 L/min", "adverse event",
                      "calm, talking", "Harbour Street Clinic", "Discharge criteria",
                      "Inside the patient's limits NO: NIBP sys 220 mmHg", "Blood-pressure limits at each peak"):
            check(words in flat, f"the PDF text does not say {words!r}:\n{text[:3000]}")
        check(flat.count(NURSE) >= 3, f"the PDF names the scripted nurse: {text[:3000]}")
        fonts = subprocess.run(["pdffonts", os.path.join(out, "record.pdf")], capture_output=True, text=True).stdout
        check("DejaVuSans" in fonts, f"the PDF embeds DejaVu Sans: {fonts}")

    # Bad requests: a clear error, and nothing written.
    before = sorted(os.listdir(out))
    for args, words in ((["record", "999", "-o", os.path.join(out, "x.pdf")], "no session 999"),
                        (["record", first, "-o", os.path.join(d, "no", "such", "x.pdf")], "cannot write"),
                        (["record", first, "--format", "pdf", "-o", out], "it is a folder")):
        p = record(*args)
        check(p.returncode == 1 and words in p.stderr, f"vigil-ctl {args}: exit {p.returncode}: {p.stderr}")
    p = subprocess.run([VIGIL_CTL, "record", first, "-o", os.path.join(out, "y.pdf"), "--journal",
                        os.path.join(d, "missing.db")], capture_output=True, text=True)
    check(p.returncode == 1 and "missing.db" in p.stderr, f"a journal that is not there: {p.stderr}")
    check(sorted(os.listdir(out)) == before and not os.path.exists(os.path.join(d, "missing.db")),
          f"a refused request wrote something: {sorted(os.listdir(out))}")

    sign(first, second)


def sign(first, second):
    cmd, pub = free_port(), free_port()
    conf = write(os.path.join(d, "sign.conf"), f"""clinic_name: "Harbour Street Clinic"
journal_path: "{journal}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
publish_endpoint: "tcp://127.0.0.1:{pub}"
bed {{ id: "bed-9" device {{ id: "mon" protocol: "masimo" tcp_connect: "127.0.0.1:{free_port()}" }} }}
""")
    daemon = start([VIGILD, "--config", conf], logs[4])
    ctl = [VIGIL_CTL, "-e", f"tcp://127.0.0.1:{cmd}", "--timeout-ms", "5000"]

    def vigil_ctl(*args):
        return subprocess.run([*ctl, *args], capture_output=True, text=True, timeout=30)

    deadline = time.monotonic() + 10
    while vigil_ctl("status").returncode != 0:
        check(time.monotonic() < deadline and daemon.poll() is None, "vigild on the drill's journal did not answer")
        time.sleep(0.1)
    signed = vigil_ctl("record", "sign", "--session", first, "--as", "Dr A. Lee")
    check(signed.returncode == 0 and "signed by Dr A. Lee" in signed.stdout, f"sign: {signed.stdout}{signed.stderr}")
    digest = signed.stdout.split("SHA-256 ")[1].split()[0]
    again = vigil_ctl("record", "sign", "--session", first, "--as", "Dr B. Kim")
    check(again.returncode == 1 and "correct it with an amendment" in again.stderr, f"signed twice: {again.stderr}")
    amended = vigil_ctl("record", "amend", "--session", first, "--as", "Dr A. Lee", "--what",
                        "oxygen was 3 L/min, not 2", "--why", "the flowmeter read after signing")
    check(amended.returncode == 0 and "amendment " in amended.stdout, f"amend: {amended.stdout}{amended.stderr}")
    amendment = amended.stdout.split("amendment ")[1].split()[0]
    signed2 = vigil_ctl("record", "sign", "--session", first, "--amendment", amendment, "--as", "Dr A. Lee")
    check(signed2.returncode == 0, f"sign the amendment: {signed2.stdout}{signed2.stderr}")
    open_one = vigil_ctl("record", "amend", "--session", second, "--as", "Dr A. Lee", "--what", "x", "--why", "y")
    check(open_one.returncode == 1 and "is not signed" in open_one.stderr, f"unsigned amended: {open_one.stderr}")
    check(stop(daemon) == 0, "vigild stopped cleanly")

    def ctl_journal(*args):
        return subprocess.run([VIGIL_CTL, *args, "--journal", journal, "--config", conf], capture_output=True,
                              text=True, timeout=60)

    verified = ctl_journal("record", "verify", "--session", first)
    check(verified.returncode == 0 and "verified" in verified.stdout and digest in verified.stdout,
          f"verify: {verified.stdout}{verified.stderr}")
    unsigned = ctl_journal("record", "verify", "--session", second)
    check(unsigned.returncode == 1 and "not signed" in unsigned.stdout, f"verify unsigned: {unsigned.stdout}")
    out = os.path.join(d, "signed")
    os.makedirs(out)
    for fmt in ("json", "pdf"):
        p = ctl_journal("record", first, "-o", os.path.join(out, f"record.{fmt}"))
        check(p.returncode == 0, f"the signed record as {fmt}: {p.stderr}")
    with open(os.path.join(out, "record.json")) as f:
        r = json.load(f)
    check([(g["signer"], g["amendment"] is None) for g in r["signatures"]] == [("Dr A. Lee", True), ("Dr A. Lee", False)]
          and r["signatures"][0]["sha256"] == digest and r["signature_matches"], f"signatures {r['signatures']}")
    check([a["what"] for a in r["amendments"]] == ["oxygen was 3 L/min, not 2"], f"amendments {r['amendments']}")
    check(r["staff_entries"][1]["text"] == "nasal cannula 2 L/min", "the original stays as it was recorded")
    if shutil.which("pdftotext") is not None:
        flat = " ".join(subprocess.run(["pdftotext", os.path.join(out, "record.pdf"), "-"], capture_output=True,
                                       text=True, check=True).stdout.split())
        for words in ("Signed by Dr A. Lee", "Amendments", "oxygen was 3 L/min, not 2", "nasal cannula 2 L/min"):
            check(words in flat, f"the signed PDF does not say {words!r}")
        check(digest[:32] in flat.replace(" ", ""), "the signed PDF shows the SHA-256")
    # Without vigild's config the journal no longer gives what was signed (the
    # clinic's name is part of it): the record is drawn from the signed content.
    p = subprocess.run([VIGIL_CTL, "record", first, "--journal", journal, "-o", os.path.join(out, "drawn.json")],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and "drawn from its signed content" in p.stderr, f"drawn: {p.stderr}")
    with open(os.path.join(out, "drawn.json")) as f:
        drawn = json.load(f)
    check(drawn["drawn_from_signed_content"] and drawn["clinic"] == "Harbour Street Clinic"
          and drawn["response"] == r["response"] and len(drawn["amendments"]) == 1, f"drawn: {drawn['clinic']}")


main.logs = logs
run(main)
