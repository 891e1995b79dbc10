"""vigild killed with SIGKILL in the middle of a simulated ketamine infusion
and started again: nothing it acknowledged is lost. Before the kill a nurse
admits the patient, tightens a limit, starts the infusion with an entered
baseline and acknowledges the extreme tachycardia; a severe desaturation has
come and gone unacknowledged (latched). After the restart the journal passes
PRAGMA integrity_check, every command that got an OK is in it, the patient,
limit, infusion and baseline are back, both alarms are re-published as
RESTORED with their ids, acknowledgement and latch, the sequence numbers go
on above every number published before, and the restored alarms still work
(the latched one can be reset)."""
import json
import os
import signal
import sqlite3
import subprocess
import time

from harness import (BUILD, Bus, Commands, VIGIL_SIM, VIGILD, alarm, bus_pb2, check, command_pb2, free_port, heartbeat, run,
                     seq_of, start, stop, workdir, write)

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
d = workdir()
pub, cmd = free_port(), free_port()
pty = os.path.join(d, "bed-1-ox")
journal = os.path.join(d, "journal.db")
logs = [os.path.join(d, "vigild-1.log"), os.path.join(d, "vigild-2.log"), os.path.join(d, "sim.log"),
        os.path.join(d, "vigild-3.log")]

SCENARIO = """title: desaturation, then a racing heart, during the infusion
duration: 1:30
patient: heart rate 78, spo2 97, perfusion index 2.5
# The tests time alarms from the scripted change: no probe delay.
oximeter delay 0 s averaging 0 s
at 0:02 lower spo2 to 83
at 0:10 raise spo2 to 97
at 0:11 raise heart rate to 160
"""

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
journal_path: "{journal}"
bed {{
  id: "bed-1"
  device {{ id: "ox" protocol: "masimo" path: "{pty}" }}
  # 3 s instead of the profile's 10: sooner to the kill, and a second tachycardia after the restart (a
  # restored alarm that is not the same alarm) would be raised while the test still watches for one.
  override {{ condition: "tachycardia" priority: HIGH delay_s: 3 }}
}}
"""


def integrity(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def main():
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    write(os.path.join(d, "infusion.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    ctl = Commands(f"tcp://127.0.0.1:{cmd}")
    daemon = start([VIGILD, "--config", conf], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    sim = start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={pty}",
                 "--scenario", os.path.join(d, "infusion.scn")], logs[2])

    acknowledged = []  # request ids of every command vigild answered OK before the kill

    def command(name, **fields):
        reply = ctl(name, **fields)
        check(reply.ok, f"{name}: {reply.error}")
        acknowledged.append(reply.request_id)
        return reply

    command("admit", bed="bed-1", patient_id="PAT-0042")
    command("set_limit", bed="bed-1",
            limit=command_pb2.LimitOverride(condition="desaturation", priority=bus_pb2.MEDIUM, threshold=88))
    started = command("start_infusion", bed="bed-1", drug="ketamine", regimen="0.5 mg/kg over 40 min",
                      baseline=command_pb2.Baseline(nibp_sys=128, nibp_dia=78, heart_rate=76, spo2=97))
    check("started on bed-1" in started.message, started.message)

    _, desat, _ = bus.wait_for(alarm("desaturation", "RAISED"), 20, "the severe desaturation")
    check(desat.alarm.priority == bus_pb2.HIGH, "severe desaturation is high priority")
    bus.wait_for(alarm("desaturation", "CLEARED"), 15, "the desaturation to clear (latched)")
    _, tachy, _ = bus.wait_for(alarm("tachycardia", "RAISED"), 25, "the extreme tachycardia")
    check(tachy.alarm.priority == bus_pb2.HIGH, f"tachycardia {bus_pb2.Priority.Name(tachy.alarm.priority)}")
    command("acknowledge", bed="bed-1", alarm_id=tachy.alarm.alarm_id)
    bus.wait_for(alarm("tachycardia", "ACKNOWLEDGED"), 3, "the acknowledgement on the bus")
    bus.pump(1.5)  # readings go on; the batch writer is at most a second behind
    infusion_started = ctl("snapshot", bed="bed-1").beds[0].infusion_started

    before = [seq_of(m) for t, m, _ in bus.messages if t.split("/")[1] == "bed-1" and seq_of(m)]
    kill_wall = time.time()
    stop(daemon, signal.SIGKILL)
    check(integrity(journal) == "ok", "the killed daemon's journal fails PRAGMA integrity_check")
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    journalled = {r[0] for r in db.execute("SELECT request_id FROM commands WHERE ok = 1")}
    lost = [r for r in acknowledged if r not in journalled]
    check(not lost, f"commands answered OK but not in the journal: {lost}")
    last_reading = db.execute("SELECT MAX(received_us) FROM observations").fetchone()[0] / 1e6
    check(kill_wall - last_reading < 1.6, f"the last journalled reading is {kill_wall - last_reading:.1f} s old")
    transitions = [r[0] for r in db.execute(
        "SELECT transition FROM alarm_transitions WHERE alarm_id = ? ORDER BY seq", (tachy.alarm.alarm_id,))]
    check(transitions == ["RAISED", "ACKNOWLEDGED"], f"tachycardia journalled as {transitions}")
    db.close()

    bus.pump(0.3)  # whatever the killed run said last has arrived
    before = [seq_of(m) for t, m, _ in bus.messages if t.split("/")[1] == "bed-1" and seq_of(m)]
    seen = len(bus.messages)
    daemon = start([VIGILD, "--config", conf], logs[1])
    new_run = published_after(bus, ctl, seen, max(before))
    restored_desat = first_of(new_run, alarm("desaturation", "RESTORED"), "the latched desaturation restored")
    restored_tachy = first_of(new_run, alarm("tachycardia", "RESTORED"), "the tachycardia restored")
    a = restored_desat.alarm
    check(a.alarm_id == desat.alarm.alarm_id, f"restored as {a.alarm_id}, raised as {desat.alarm.alarm_id}")
    check(not a.active and a.latched and not a.acknowledged and a.priority == bus_pb2.HIGH,
          f"desaturation restored as active={a.active} latched={a.latched} acknowledged={a.acknowledged}")
    t = restored_tachy.alarm
    check(t.alarm_id == tachy.alarm.alarm_id and t.active and t.acknowledged, f"tachycardia restored as {t}")
    check(t.actor == "nurse Test at station-T", f"acknowledged by {t.actor!r}")
    check(t.onset == tachy.alarm.onset, "the restored alarm keeps its onset")
    ctx = [m.context for m in new_run if m.WhichOneof("body") == "context"]
    check(ctx and ctx[0].what == "restored" and "patient PAT-0042" in ctx[0].message, f"context after restart {ctx}")

    after = [seq_of(m) for m in new_run]
    check(min(after) > max(before), f"numbers after the restart start at {min(after)}, before it reached {max(before)}")
    heard = [seq_of(m) for t, m, _ in bus.messages[seen:] if t.split("/")[1] == "bed-1" and seq_of(m)]
    check(heard == sorted(heard), "sequence numbers go up")

    snap = ctl("snapshot", bed="bed-1")
    check(snap.ok, snap.error)
    b = snap.beds[0]
    check(b.patient_id == "PAT-0042" and b.infusion_running, f"patient {b.patient_id!r} infusion {b.infusion_running}")
    check(b.infusion_started == infusion_started, "the infusion keeps its start time")
    check((b.baseline.nibp_sys, b.baseline.spo2) == (128, 97) and b.baseline_source == "entered",
          f"baseline {b.baseline} ({b.baseline_source})")
    limits = {(l.condition, l.priority): l.threshold for l in b.limits}
    check(limits[("desaturation", bus_pb2.MEDIUM)] == 88, f"the tightened limit is back: {limits}")
    check({x.alarm_id for x in b.alarms} == {desat.alarm.alarm_id, tachy.alarm.alarm_id},
          f"alarms with a signal after the restart: {[x.alarm_id for x in b.alarms]}")
    check(b.last_seq >= max(after), "the snapshot's last_seq covers what was published")

    # What was published before the kill comes back by replay from the journal (the new run's
    # memory holds none of it), alarm transitions first to last.
    replay = ctl("replay", bed="bed-1", after_seq=desat.alarm.seq - 1, kinds=["alarm"])
    check(replay.ok, replay.error)
    got = [(m.alarm.condition, bus_pb2.AlarmTransition.Name(m.alarm.transition)) for m in replay.messages]
    check(got[:4] == [("desaturation", "RAISED"), ("desaturation", "CLEARED"), ("tachycardia", "RAISED"),
                      ("tachycardia", "ACKNOWLEDGED")], f"replayed alarm transitions {got}")
    check(("desaturation", "RESTORED") in got[4:] and ("tachycardia", "RESTORED") in got[4:], f"{got}")
    obs = ctl("replay", bed="bed-1", after_seq=desat.alarm.seq, max=5, kinds=["obs"])
    check(len(obs.messages) == 5 and all(m.observation.seq > desat.alarm.seq for m in obs.messages),
          "readings before the kill come back by replay")

    # The restored alarms are the same alarms: the racing heart does not raise a second one,
    # and the latched desaturation can be reset by its id.
    bus.pump(3)
    check(not [m for _, m, _ in bus.messages[seen:] if m.WhichOneof("body") == "alarm"
               and m.alarm.condition == "tachycardia" and m.alarm.transition == bus_pb2.RAISED],
          "the tachycardia was raised again after the restart")
    reply = ctl("reset", bed="bed-1", alarm_id=desat.alarm.alarm_id)
    check(reply.ok, f"reset of the restored latched alarm: {reply.error}")
    bus.wait_for(alarm("desaturation", "RESET"), 3, "the reset on the bus", since=seen)

    stop(sim)
    stop(daemon)
    check(integrity(journal) == "ok", "the journal fails PRAGMA integrity_check after a clean stop")
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    runs = db.execute("SELECT stopped_us IS NOT NULL FROM runs ORDER BY id").fetchall()
    check(runs == [(0,), (1,)], f"runs (stopped cleanly?) {runs}")
    with open(logs[1]) as f:
        log = f.read()
    check("did not stop cleanly" in log, "the second run says the first did not stop cleanly")
    reserved = db.execute("SELECT seq_reserved FROM streams WHERE bed = 'bed-1'").fetchone()[0]
    db.close()

    # After a clean stop the numbers go on without a gap: the still-active tachycardia (and the
    # device lost when the simulator stopped) are restored again from the very next number.
    bus.pump(0.5)  # whatever the second run said last has arrived
    seen = len(bus.messages)
    daemon = start([VIGILD, "--config", conf], logs[3])
    new_run = published_after(bus, ctl, seen, reserved)
    first_of(new_run, alarm("tachycardia", "RESTORED"), "the tachycardia restored after a clean stop")
    first = seq_of(new_run[0])
    check(first == reserved + 1, f"first number after a clean restart {first}, last before it {reserved}")
    stop(daemon)
    exported(desat.alarm.alarm_id, tachy.alarm.alarm_id)


def published_after(bus, ctl, seen, last_seq):
    """bed-1's messages numbered after last_seq, as a subscriber learns them after a restart
    (docs/bus-protocol.md): those heard on the bus, and by replay whatever went out before the subscriber was
    back (the RESTORED alarms go out a second after the start, on a loaded machine before a subscriber has
    reconnected). vigild answers no command before it has published what it restored, so the replay has them."""
    replay = ctl("replay", timeout=20, bed="bed-1", after_seq=last_seq, max=500)
    check(replay.ok, f"replay after the restart: {replay.error}")
    bus.pump(0.5)  # what went out live, when this subscriber was back in time
    got = {seq_of(m): m for m in replay.messages}
    heard = {seq_of(m): m for t, m, _ in bus.messages[seen:] if t.split("/")[1] == "bed-1" and seq_of(m) > last_seq}
    got.update(heard)
    print(f"after the restart: {len(heard)} message(s) heard on the bus, {len(set(got) - set(heard))} only by replay")
    return [got[seq] for seq in sorted(got)]


def first_of(messages, predicate, what):
    found = [m for m in messages if predicate("", m)]
    check(found, f"no {what} among {[(seq_of(m), m.WhichOneof('body')) for m in messages]}")
    return found[0]


def exported(desat_id, tachy_id):
    """vigil-ctl export reads the same journal: the infusion session and its alarms, as JSON and CSV."""
    ctl = lambda *args: subprocess.run([VIGIL_CTL, "export", "--journal", journal, *args], capture_output=True,
                                       text=True, timeout=30)
    sessions = ctl("--sessions", "--bed", "bed-1")
    check(sessions.returncode == 0 and "PAT-0042" in sessions.stdout, f"sessions: {sessions.stdout}{sessions.stderr}")
    out = ctl("--bed", "bed-1", "--from", "2000-01-01T00:00:00Z", "--format", "json")
    check(out.returncode == 0, f"export json: {out.stderr}")
    doc = json.loads(out.stdout)
    transitions = [(a["alarm_id"], a["transition"]) for a in doc["alarms"]]
    for expected in [(desat_id, "RAISED"), (desat_id, "RESTORED"), (desat_id, "RESET"), (tachy_id, "RAISED"),
                     (tachy_id, "ACKNOWLEDGED")]:
        check(expected in transitions, f"{expected} not in the exported alarms {transitions}")
    check(len(doc["readings"]) > 20, f"only {len(doc['readings'])} readings exported")
    csv = ctl("--bed", "bed-1", "--from", "2000-01-01T00:00:00Z", "--format", "csv")
    rows = csv.stdout.splitlines()
    check(csv.returncode == 0 and rows[0].startswith("time,bed,seq,kind,"), f"export csv: {rows[:1]} {csv.stderr}")
    check(sum(",alarm," in r for r in rows) == len(transitions), "CSV and JSON hold the same alarm transitions")
    bad = ctl("--bed", "bed-1", "--from", "yesterday")
    check(bad.returncode == 1 and "--from" in bad.stderr, f"a bad time is refused with its option: {bad.stderr}")


main.logs = logs
run(main)
