"""vigild killed with SIGKILL the moment a station has a command's reply
(issue 17): the command is in the journal after the restart. A command is
durable when its reply is sent (docs/journal.md), yet its SQLite commit
comes from the writer thread about 20 ms later: it holds only because the
core appends the command to the intent log (one write()) before it replies,
and a restart puts into SQLite what the log holds and SQLite lacks. Ten
times over one journal, the test admits a patient through the command
channel, kills vigild as soon as the reply arrives, and checks once vigild
is back (its first heartbeat comes after the replay) that every command
answered so far is in the commands table, once, with its author and result;
the file passes PRAGMA integrity_check."""
import os
import signal
import sqlite3
import time

from harness import Bus, Commands, VIGILD, check, free_port, run, start, stop, workdir, write

ROUNDS = 10
d = workdir()
pub, cmd = free_port(), free_port()
journal = os.path.join(d, "journal.db")
logs = [os.path.join(d, f"vigild-{i}.log") for i in range(1, ROUNDS + 2)]

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
journal_path: "{journal}"
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{os.path.join(d, "no-such-line")}" }} }}
"""


def journalled():
    """{request_id: (actor, command, ok, result)} of every command in the journal, checking none is there twice."""
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok",
              "the killed daemon's journal fails PRAGMA integrity_check")
        rows = db.execute("SELECT request_id, actor, command, ok, result FROM commands").fetchall()
    finally:
        db.close()
    ids = [r[0] for r in rows]
    check(len(ids) == len(set(ids)), f"a command is in the journal twice: {sorted(ids)}")
    return {r[0]: r[1:] for r in rows}


def main():
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    bus = Bus(f"tcp://127.0.0.1:{pub}", prefixes=("hb/",))
    commands = Commands(f"tcp://127.0.0.1:{cmd}", actor="nurse Kill")
    answered = {}  # request_id -> (ok, result) as the reply said
    kill_delays = []
    daemon_ids = set()

    def started(what):
        """Waits for the first heartbeat of a new run (the killed one's may still be queued): after the replay."""
        _, m, _ = bus.wait_for(lambda t, m: m.WhichOneof("body") == "heartbeat" and
                               m.heartbeat.daemon_id not in daemon_ids, 10, what)
        daemon_ids.add(m.heartbeat.daemon_id)

    def all_journalled(n):
        have = journalled()
        for request_id, (ok, result) in answered.items():
            check(request_id in have, f"run {n}: {request_id} was answered, and is not in the journal after SIGKILL "
                                      f"and restart")
            actor, command, was_ok, was_result = have[request_id]
            check((actor, command, bool(was_ok), was_result) == ("nurse Kill", "admit", ok, result),
                  f"run {n}: {request_id} journalled as {have[request_id]}, answered {(ok, result)}")

    for n in range(ROUNDS):
        daemon = start([VIGILD, "--config", conf], logs[n])
        started(f"run {n + 1}: a first heartbeat")
        all_journalled(n)
        # The same bed, a new patient each time: admitted, or refused with the reason; journalled either way.
        reply = commands("admit", bed="bed-1", patient_id=f"PAT-{n + 1:04d}")
        replied = time.monotonic()
        os.kill(daemon.pid, signal.SIGKILL)
        kill_delays.append(time.monotonic() - replied)
        daemon.wait(timeout=10)
        answered[reply.request_id] = (reply.ok, reply.message if reply.ok else reply.error)

    daemon = start([VIGILD, "--config", conf], logs[ROUNDS])
    started("the last run's first heartbeat")
    all_journalled(ROUNDS)
    check(stop(daemon) == 0, "vigild did not stop cleanly")
    # How often a kill came before the writer's commit (the intent log then
    # held the command): timing decides, so it is reported, not asserted.
    replays = sum("command(s) answered but not yet in SQLite" in open(log).read() for log in logs)
    print(f"{ROUNDS} kills, {max(kill_delays) * 1e3:.2f} ms at most after the reply reached the station; "
          f"{replays} restart(s) took commands from the intent log")


main.logs = logs
run(main)
