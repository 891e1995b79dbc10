"""A station that asks for an infusion's record, or the bed's sessions, the
moment its command has been answered gets them with that command in them.
A command and the context change it makes reach the journal's SQLite
through its writer thread, after the reply (docs/journal.md); vigild holds
a record, sessions or signing query back until the writer has committed
every write made before the query came, as it does the alarm history. The
nurse station's dashboard test once read a new infusion's record without
its dose this way. Twenty times over: an intervention, then at once the
session's record, which must show it; and once, an infusion started, then
at once the sessions, which must list it open with its starter."""
import os
import time

from harness import Commands, VIGILD, check, free_port, run, start, stop, workdir, write

ROUNDS = 20
d = workdir()
cmd = free_port()
log = os.path.join(d, "vigild.log")

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{free_port()}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
journal_path: "{os.path.join(d, "journal.db")}"
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{os.path.join(d, "no-such-port")}" }} }}
"""


def main():
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    daemon = start([VIGILD, "--config", conf], log)
    commands = Commands(f"tcp://127.0.0.1:{cmd}")
    # The request waits in the client's queue until vigild's socket is up.
    check(commands("admit", timeout=10, bed="bed-1", patient_id="PAT-RA").ok, "admitted")
    started = commands("start_infusion", bed="bed-1", drug="ketamine")
    check(started.ok, f"infusion started: {started.error}")
    sessions = commands("sessions", bed="bed-1")
    check(sessions.ok and len(sessions.sessions.sessions) == 1 and sessions.sessions.sessions[0].open
          and sessions.sessions.sessions[0].started_by.startswith("nurse Test"),
          f"the sessions asked for at once list the new one, open, started by nurse Test: {sessions}")
    session = sessions.sessions.sessions[0].session
    waits = []
    for n in range(ROUNDS):
        marker = f"nasal cannula round {n + 1}"
        check(commands("intervention", bed="bed-1", kind="oxygen", text=marker).ok, f"round {n + 1}: intervention")
        asked = time.monotonic()
        record = commands("record", session=session)
        waits.append(time.monotonic() - asked)
        check(record.ok, f"round {n + 1}: record refused: {record.error}")
        check(marker in record.record.html, f"round {n + 1}: the record asked for at once lacks '{marker}'")
    check(stop(daemon) == 0, "vigild did not stop cleanly")
    print(f"{ROUNDS} interventions, each in the record asked for right after; replies within "
          f"{sorted(waits)[len(waits) // 2] * 1e3:.1f} ms (median), {max(waits) * 1e3:.1f} ms at most")


main.logs = [log]
run(main)
