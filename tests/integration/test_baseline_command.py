"""The baseline set again while the infusion runs, end to end: a real vigild,
vigil-ctl on its command channel, a subscriber on its bus and vigil-ctl
record on its journal. The nurse starts ketamine with an entered 150/95; a
second nurse enters 124/76 with `vigil-ctl baseline` twenty seconds on;
the bus carries the `baseline` context event with what it replaced and who,
the bed's status has the new one, a measurement with no cuff reading in the
window and a request with both values and --measure are refused and change
nothing, and the record (read while vigild runs) shows the baseline in
force by whom and the one it replaced."""
import json
import os
import subprocess
import time

from harness import BUILD, VIGILD, Bus, check, free_port, heartbeat, run, start, stop, workdir, write

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
d = workdir()
pub, cmd = free_port(), free_port()
journal = os.path.join(d, "journal.db")
logs = [os.path.join(d, "vigild.log")]


def main():
    # The bed's monitor is behind a port nobody serves: no readings, so nothing to measure from.
    conf = write(os.path.join(d, "vigil.conf"), f"""journal_path: "{journal}"
publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
bed {{ id: "bed-1" device {{ id: "mon" protocol: "masimo" tcp_connect: "127.0.0.1:{free_port()}" }} }}
""")
    bus = Bus(f"tcp://127.0.0.1:{pub}", prefixes=("ctx/", "hb"))
    daemon = start([VIGILD, "--config", conf], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")

    def ctl(*args, actor="nurse Ana"):
        return subprocess.run([VIGIL_CTL, "-e", f"tcp://127.0.0.1:{cmd}", "-a", actor, "-s", "station-1", *args],
                              capture_output=True, text=True, timeout=30)

    for args in (("admit", "bed-1", "PAT-7"),
                 ("infusion", "start", "bed-1", "--baseline", "sys=150,dia=95", "--regimen", "0.5 mg/kg over 40 min")):
        p = ctl(*args)
        check(p.returncode == 0, f"vigil-ctl {' '.join(args)}: {p.stdout}{p.stderr}")

    p = ctl("baseline", "bed-1", "--enter", "sys=124,dia=76", actor="nurse Ben")
    check(p.returncode == 0 and p.stdout.strip() == "ok: baseline on bed-1 entered by nurse Ben at station-1: NIBP sys "
          "124, NIBP dia 76; replaces (entered) NIBP sys 150, NIBP dia 95", f"baseline entered: {p.stdout}{p.stderr}")
    _, m, _ = bus.wait_for(lambda t, m: m.WhichOneof("body") == "context" and m.context.what == "baseline"
                           and m.context.actor == "nurse Ben", 5, "the baseline context event on the bus")
    check(m.context.old_value == "NIBP sys 150, NIBP dia 95" and m.context.new_value == "NIBP sys 124, NIBP dia 76",
          f"the bus says what it replaced: {m.context}")

    measured = ctl("baseline", "bed-1", "--measure")
    check(measured.returncode == 1 and "set_baseline.measure: the last 10 min of readings on bed-1 give no NIBP; the "
          "baseline in force (NIBP sys 124, NIBP dia 76) stays" in measured.stderr,
          f"a measurement without a cuff reading refused: {measured.stdout}{measured.stderr}")
    both = ctl("baseline", "bed-1", "--measure", "--enter", "sys=120")
    check(both.returncode != 0 and "excludes" in both.stderr, f"--measure with --enter refused by vigil-ctl: {both.stderr}")
    status = ctl("--json", "status", "bed-1")
    bed = json.loads(status.stdout)["beds"][0]
    check(bed["baseline"] == {"nibp_sys": 124, "nibp_dia": 76} and bed["baseline_source"] == "entered",
          f"the status after the refusals: {bed['baseline']} {bed['baseline_source']}")

    # The journal writes behind the bus: asked again until it holds the new baseline.
    out = os.path.join(d, "record.json")
    deadline = time.monotonic() + 10
    while True:
        p = subprocess.run([VIGIL_CTL, "record", "--bed", "bed-1", "--last", "--journal", journal, "-o", out],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, f"vigil-ctl record: {p.stderr}")
        with open(out) as f:
            baseline = json.load(f)["baseline"]
        if "replaced" in baseline or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    check(baseline["source"] == "entered" and baseline["by"] == "nurse Ben at station-1"
          and [(r["by"], r["source"]) for r in baseline["replaced"]] == [("nurse Ana at station-1", "entered")],
          f"the record's baseline: {baseline}")
    check(stop(daemon) == 0, "vigild stopped cleanly")


main.logs = logs
run(main)
