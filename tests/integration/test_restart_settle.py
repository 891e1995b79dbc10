"""A restart with a latched high alarm and a nurse acting at once (issue 15):
a subscriber connected across the restart hears every restored alarm before
any command's effect on it, whatever arrives in the first milliseconds. A
latched extreme tachycardia raised from a pulse of about 160 is killed with
SIGKILL; an acknowledgement is already waiting on a client with a 10 ms
reconnect interval when vigild is spawned again. Heartbeats come from the
first moment; RESTORED, ACKNOWLEDGED and RESET follow in the bus sequence and
in the journal in the same order; and every event of the alarm, from its
clearing to its reset, carries the pulse and limit that raised it."""
import os
import signal
import sqlite3
import time

from harness import (Bus, VIGIL_SIM, VIGILD, alarm, bus_pb2, check, command_pb2, free_port, heartbeat, run, seq_of,
                     start, stop, workdir, write)
import zmq  # noqa: E402

d = workdir()
pub, cmd = free_port(), free_port()
pty = os.path.join(d, "bed-2-ox")
journal = os.path.join(d, "journal.db")
logs = [os.path.join(d, "vigild-1.log"), os.path.join(d, "vigild-2.log"), os.path.join(d, "sim.log")]

SCENARIO = """title: a racing heart that settles
duration: 1:00
patient: heart rate 78, spo2 97, perfusion index 2.5
oximeter delay 0 s averaging 0 s
at 0:02 raise heart rate to 160
at 0:10 lower heart rate to 80
"""

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
journal_path: "{journal}"
bed {{
  id: "bed-2"
  device {{ id: "ox" protocol: "masimo" path: "{pty}" }}
  # 3 s instead of the profile's 10: what is tested starts once the alarm has latched.
  override {{ condition: "tachycardia" priority: HIGH delay_s: 3 }}
}}
"""


def carries_the_raising_pulse(a, what):
    check(a.metric == "pulse" and a.value >= 150 and a.limit == 150,
          f"{what}: metric {a.metric!r} value {a.value} limit {a.limit} (want the pulse that raised it, limit 150)")
    check("/min" in a.message and " 0 /min" not in a.message, f"{what}: message {a.message!r}")


def main():
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    write(os.path.join(d, "racing.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{pub}", prefixes=("alarm/bed-2/", "hb/bed-2/", "ctx/bed-2/"))
    daemon = start([VIGILD, "--config", conf], logs[0])
    _, first_hb, _ = bus.wait_for(heartbeat, 10, "a first heartbeat")
    sim = start([VIGIL_SIM, "--device", f"bed=bed-2,id=ox,protocol=masimo,pty={pty}",
                 "--scenario", os.path.join(d, "racing.scn")], logs[2])
    _, raised, _ = bus.wait_for(alarm("tachycardia", "RAISED"), 30, "the extreme tachycardia")
    check(raised.alarm.priority == bus_pb2.HIGH, "extreme tachycardia is high priority")
    _, cleared, _ = bus.wait_for(alarm("tachycardia", "CLEARED"), 30, "the tachycardia to end (latched)")
    check(cleared.alarm.latched, "a high physiological alarm latches")
    carries_the_raising_pulse(cleared.alarm, "CLEARED")
    stop(sim)
    bus.pump(0.5)
    stop(daemon, signal.SIGKILL)

    # A nurse's acknowledgement is queued before vigild is back: the client
    # reconnects every 10 ms, so it is delivered in the first milliseconds.
    nurse = zmq.Context.instance().socket(zmq.DEALER)
    nurse.setsockopt(zmq.LINGER, 0)
    nurse.setsockopt(zmq.RECONNECT_IVL, 10)
    nurse.connect(f"tcp://127.0.0.1:{cmd}")
    req = command_pb2.CommandRequest(request_id="first-ms", actor="nurse Kim", station="bedside")
    req.acknowledge.bed = "bed-2"
    nurse.send_multipart([b"", req.SerializeToString()])

    seen = len(bus.messages)
    spawned = time.monotonic()
    daemon = start([VIGILD, "--config", conf], logs[1])
    # The subscriber keeps reading meanwhile, as a station's event loop does
    # (ZeroMQ re-sends a SUB's subscriptions only when its owner uses it).
    deadline = time.monotonic() + 10
    while not nurse.poll(5):
        check(time.monotonic() < deadline, "no reply to the acknowledgement sent across the restart")
        bus.pump(0.005)
    reply = command_pb2.CommandReply()
    reply.ParseFromString(nurse.recv_multipart()[-1])
    replied = time.monotonic()
    check(reply.ok, f"the acknowledgement: {reply.error}")
    bus.wait_for(alarm("tachycardia", "RESET"), 5, "the reset of the latched alarm", since=seen)
    after = bus.messages[seen:]
    kinds = [(m.WhichOneof("body"), bus_pb2.AlarmTransition.Name(m.alarm.transition) if m.HasField("alarm") else "")
             for _, m, _ in after]
    restored = [i for i, (_, m, _) in enumerate(after) if m.HasField("alarm") and m.alarm.transition == bus_pb2.RESTORED]
    acked = [i for i, (_, m, _) in enumerate(after) if m.HasField("alarm") and m.alarm.transition == bus_pb2.ACKNOWLEDGED]
    check(restored and acked and restored[0] < acked[0], f"the subscriber heard {kinds}")
    # Heartbeats come from the first moment (every tick while settling), so
    # a reconnected subscriber hears the new run before its restored alarms.
    check(after[0][1].HasField("heartbeat") and after[0][1].heartbeat.daemon_id != first_hb.heartbeat.daemon_id,
          f"the new run's first word is a heartbeat, not {kinds[0]}")
    first_restored_at = after[restored[0]][2]
    seqs = [seq_of(m) for _, m, _ in after if seq_of(m)]
    check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), f"bus sequence {seqs}")
    for _, m, _ in after:
        if m.HasField("alarm") and m.alarm.condition == "tachycardia":
            carries_the_raising_pulse(m.alarm, bus_pb2.AlarmTransition.Name(m.alarm.transition))
    print(f"spawn to reply {replied - spawned:.2f} s; spawn to RESTORED {first_restored_at - spawned:.2f} s")
    stop(daemon)

    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    rows = db.execute("SELECT transition, seq FROM alarm_transitions WHERE alarm_id = ? ORDER BY id",
                      (raised.alarm.alarm_id,)).fetchall()
    db.close()
    names = [r[0] for r in rows]
    check(names == ["RAISED", "CLEARED", "RESTORED", "ACKNOWLEDGED", "RESET"], f"journalled {names}")
    check([r[1] for r in rows] == sorted(r[1] for r in rows), f"journal order follows the bus sequence: {rows}")


main.logs = logs
run(main)
