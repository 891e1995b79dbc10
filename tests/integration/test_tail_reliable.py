"""vigil-tail on the clone client against a real vigild: it starts from a
snapshot and prints every later reading once and in order; a daemon frozen
for 4 s is reported lost within 3 s and back when it thaws; a restarted
daemon (new daemon_id, numbers from 1) is reported and synced again by a
new snapshot. Read as JSON lines and as the plain text people see."""
import json
import os
import signal
import subprocess
import threading
import time

from harness import VIGIL_SIM, VIGIL_TAIL, VIGILD, check, free_port, run, start, stop, workdir, write

d = workdir()
pub, cmd = free_port(), free_port()
pty = os.path.join(d, "bed-1-ox")
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "sim.log"), os.path.join(d, "vigild-2.log")]

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
journal_path: "{os.path.join(d, "journal.db")}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
bed {{
  id: "bed-1"
  device {{ id: "ox" protocol: "masimo" path: "{pty}" }}
}}
"""


class Lines:
    """A process's stdout, line by line, with the time each line arrived."""

    def __init__(self, args):
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.lines = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def wait_for(self, predicate, timeout, what, since=0):
        deadline = time.monotonic() + timeout
        seen = since
        while time.monotonic() < deadline:
            for t, line in self.lines[seen:]:
                if predicate(line):
                    return t, line
            seen = len(self.lines)
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}; last lines: "
                             f"{[l for _, l in self.lines[-8:]]}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=5)


def event(kind):
    return lambda line: line.startswith("{\"event\":\"" + kind + "\"")


def main():
    write(os.path.join(d, "vigil.conf"), CONFIG)
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    sim = start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={pty}", "--scenario", "steady",
                 "--forever"], logs[1])
    time.sleep(2.5)  # readings published before the tails join: only the snapshot tells of them

    tail = Lines([VIGIL_TAIL, "-e", f"tcp://127.0.0.1:{pub}", "-c", f"tcp://127.0.0.1:{cmd}", "--json"])
    text = Lines([VIGIL_TAIL, "-e", f"tcp://127.0.0.1:{pub}", "-c", f"tcp://127.0.0.1:{cmd}"])
    _, snap = tail.wait_for(event("snapshot"), 5, "the snapshot line")
    snap = json.loads(snap)
    check(snap["bed"] == "bed-1" and int(snap["seq"]) > 0, f"snapshot {snap}")
    tail.wait_for(lambda l: l.startswith("{\"topic\":\"obs/bed-1/\""), 5, "readings after the snapshot")
    time.sleep(2)
    seqs = [int(json.loads(l)["message"]["observation"]["seq"]) for _, l in tail.lines
            if l.startswith("{\"topic\":\"obs/")]
    check(seqs[0] == snap["seq"] + 1, f"first reading #{seqs[0]} does not follow the snapshot at #{snap['seq']}")
    check(seqs == list(range(seqs[0], seqs[0] + len(seqs))), f"readings out of order or missing: {seqs[:20]}")
    text.wait_for(lambda l: l.startswith("== bed-1 snapshot at #") and "no patient admitted" in l, 5,
                  "the snapshot line in text")
    text.wait_for(lambda l: " bed-1 ox SpO₂ " in l and l.endswith(" %"), 5, "a reading line in the usual format")

    # Frozen daemon: silence, not a closed socket. Lost within 3 s.
    daemon.send_signal(signal.SIGSTOP)
    frozen = time.monotonic()
    t_lost, lost = tail.wait_for(event("publisher_lost"), 5, "publisher_lost")
    check(t_lost - frozen <= 3.0, f"publisher_lost {t_lost - frozen:.2f} s after the daemon froze")
    text.wait_for(lambda l: l.startswith("!! PUBLISHER LOST: nothing from tcp://127.0.0.1:"), 2,
                  "the PUBLISHER LOST line in text")
    daemon.send_signal(signal.SIGCONT)
    tail.wait_for(event("publisher_back"), 3, "publisher_back")

    # Restart: another daemon_id, a new snapshot; the numbers go on from the
    # journal, never back.
    last_seq = max(int(json.loads(l)["message"]["observation"]["seq"]) for _, l in tail.lines
                   if l.startswith("{\"topic\":\"obs/"))
    stop(daemon)
    before = len(tail.lines)
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[2])
    tail.wait_for(event("daemon_restarted"), 10, "daemon_restarted", since=before)
    _, resnap = tail.wait_for(event("snapshot"), 5, "a snapshot from the new run", since=before)
    check(json.loads(resnap)["seq"] >= last_seq, f"the new run's numbers went back below #{last_seq}: {resnap}")
    text.wait_for(lambda l: l.startswith("!! DAEMON RESTARTED: daemon "), 2, "the DAEMON RESTARTED line")
    tail.stop()
    text.stop()
    stop(sim)
    stop(daemon)


main.logs = logs
run(main)
