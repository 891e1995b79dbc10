"""Reliable delivery with the ZeroMQ clone pattern, checked by a Python
subscriber (harness.CloneClient): a subscriber that starts late gets the full
current state from a snapshot and then every update after it; a subscriber
whose high-water mark is forced down to one message, and which stops reading
for a while, loses messages at the bus but gets every one of them back by
replay, every alarm transition included, while vigild and a subscriber that
keeps up never notice; and when vigild is killed, the clients report the
publisher lost within 3 s."""
import os
import signal
import time

from harness import (Bus, CloneClient, Commands, VIGIL_SIM, VIGILD, alarm, bus_pb2, check, heartbeat, in_parallel,
                     run, seq_of, start, stop, workdir, write)

d = workdir()
# Unix-domain sockets: the kernel holds only the sender's buffer, so the forced
# high-water mark below is reached after a few hundred messages on any machine
# (over loopback TCP, Linux grows the buffers to megabytes, and a receive
# buffer forced small stalls on TCP's zero-window probes instead).
PUB, CMD = f"ipc://{d}/bus", f"ipc://{d}/commands"
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "sim.log")]
SPEED = 20  # simulated seconds per real second: two oximeters then send 120 readings a second

SCENARIO = """title: a desaturation and a pulled cable, twenty times faster
duration: 10:00
patient: heart rate 78, spo2 97, perfusion index 2.5
# The tests time alarms from the scripted change: no probe delay.
oximeter delay 0 s averaging 0 s
at 0:40 lower spo2 to 83
at 3:20 raise spo2 to 97
at 4:00 unplug ox-a for 40 s
"""

CONFIG = f"""publish_endpoint: "{PUB}"
command_endpoint: "{CMD}"
journal_path: "{d}/journal.db"
publish_hwm: 400
bed {{
  id: "bed-1"
  device {{ id: "ox-a" protocol: "masimo" path: "{d}/ox-a" }}
  device {{ id: "ox-b" protocol: "masimo" path: "{d}/ox-b" }}
}}
"""


def contiguous(client, bed, after):
    seqs = sorted(s for s in client.applied[bed] if s > after)
    return seqs == list(range(after + 1, after + 1 + len(seqs))), seqs


def main():
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    write(os.path.join(d, "fast.scn"), SCENARIO)
    # The reference's queue has no limit (RCVHWM 0): ZeroMQ's own thread drains the socket into it however
    # late this process reads, so the reference keeps up on a machine shared with other tests, and only
    # vigild's publish_hwm below, the same for every subscriber, decides who loses messages.
    reference = Bus(PUB, rcvhwm=0)
    daemon = start([VIGILD, "--config", conf], logs[0])
    reference.wait_for(heartbeat, 10, "a first heartbeat")
    reply = Commands(CMD)("admit", bed="bed-1", patient_id="PAT-77")
    check(reply.ok, reply.error)

    # Forced high-water mark: one message queued at this subscriber. vigild's
    # publish_hwm (400, against 10000 by default) applies to every subscriber:
    # the lossy one stops reading for about 14 s (some 1700 messages) and so
    # loses the desaturation's end and the pulled cable, while the reference,
    # whose ZeroMQ thread drains into its own queue even between pumps, would
    # need that thread starved of CPU for over 3 s to lose anything (with 20 it
    # lost messages once on a loaded 2-core machine).
    lossy = CloneClient(PUB, CMD, rcvhwm=1)
    lossy.pump(0.5)
    lossy_from = lossy.sync().beds[0].last_seq
    sim = start([VIGIL_SIM, "--speed", str(SPEED),
                 "--device", f"bed=bed-1,id=ox-a,protocol=masimo,pty={d}/ox-a",
                 "--device", f"bed=bed-1,id=ox-b,protocol=masimo,pty={d}/ox-b",
                 "--scenario", os.path.join(d, "fast.scn")], logs[1])

    # The lossy subscriber stops reading while the alarm is raised; the reference keeps up.
    _, raised, _ = reference.wait_for(alarm("desaturation", "RAISED"), 20, "the severe desaturation")

    # A subscriber that starts now, mid-alarm, gets the whole state from a snapshot.
    late = CloneClient(PUB, CMD)
    late.pump(0.3)
    snap = late.sync().beds[0]
    reference.pump(0.2)
    check(snap.patient_id == "PAT-77", f"late snapshot patient {snap.patient_id!r}")
    check([a.alarm_id for a in snap.alarms if a.active] == [raised.alarm.alarm_id],
          f"late snapshot alarms {[(a.condition, a.active) for a in snap.alarms]}")
    check({dev.device for dev in snap.devices} == {"ox-a", "ox-b"}, "both devices in the snapshot")
    # The snapshot holds as of its last_seq: each latest value is the last one published up to it.
    published = [m.observation for t, m, _ in reference.messages
                 if m.WhichOneof("body") == "observation" and m.observation.seq <= snap.last_seq]
    for o in snap.latest:
        last = [p for p in published if p.metric == o.metric][-1]
        check((o.seq, o.value) == (last.seq, last.value),
              f"snapshot {o.metric} {o.value} (seq {o.seq}), last published up to {snap.last_seq}: "
              f"{last.value} (seq {last.seq})")

    def wait_keeping_up(predicate, timeout, what):
        """Waits for a message at the reference while the late subscriber keeps reading too."""
        deadline, seen = time.monotonic() + timeout, len(reference.messages)
        while True:
            for _, m, _ in reference.messages[seen:]:
                if predicate(None, m):
                    return m
            seen = len(reference.messages)
            check(time.monotonic() < deadline, f"timed out waiting for {what}")
            reference.pump(0.1)
            late.pump(0.1)

    wait_keeping_up(alarm("desaturation", "CLEARED"), 20, "the desaturation to clear")
    lost = wait_keeping_up(alarm("device_lost:ox-a", "RAISED"), 20, "the pulled cable")
    wait_keeping_up(lambda t, m: m.WhichOneof("body") == "alarm" and m.alarm.alarm_id == lost.alarm.alarm_id
                    and m.alarm.transition == bus_pb2.CLEARED, 20, "the cable back")
    late.pump(0.5)
    # Now the lossy subscriber reads again: it sees gaps and fills them.
    lossy.pump(3)
    late.pump(0.5)
    reference.pump(0.5)  # last, so the reference has at least what the others have

    ref_alarms = [(m.alarm.seq, m.alarm.alarm_id, bus_pb2.AlarmTransition.Name(m.alarm.transition))
                  for t, m, _ in reference.messages if m.WhichOneof("body") == "alarm" and t.split("/")[1] == "bed-1"]
    names = [(c, t) for _, c, t in ref_alarms]
    check(("bed-1:" in ref_alarms[0][1]) and any(t == "CLEARED" for _, t in names), f"alarm transitions {names}")
    check(lossy.gaps, f"the forced high-water mark lost nothing, the test proves nothing: it applied "
                      f"{len(lossy.applied['bed-1'])} messages after seq {lossy_from} up to {lossy.last_seq['bed-1']}")
    check(lossy.replayed > 0, "nothing came back by replay")
    check(lossy.alarms("bed-1") == [a for a in ref_alarms if lossy_from < a[0] <= lossy.last_seq["bed-1"]],
          f"the lossy subscriber has {lossy.alarms('bed-1')}\nthe bus had {ref_alarms}")
    recovered = [a for a in lossy.alarms("bed-1") if ("bed-1", a[0]) in lossy.by_replay]
    check(recovered, "no alarm transition fell in what the lossy subscriber lost: the test proves too little")
    ok, seqs = contiguous(lossy, "bed-1", lossy_from)
    check(ok, f"the lossy subscriber is missing numbers after replay: {seqs[:5]}...")
    check(late.alarms("bed-1") == [a for a in ref_alarms if snap.last_seq < a[0] <= late.last_seq["bed-1"]],
          f"the late subscriber has {late.alarms('bed-1')} up to seq {late.last_seq['bed-1']}, gaps {late.gaps}; "
          f"the bus had {ref_alarms} up to {max(seq_of(m) for _, m, _ in reference.messages)}")
    ok, seqs = contiguous(late, "bed-1", snap.last_seq)
    check(ok and seqs, "the late subscriber has every update after its snapshot")
    lost = sum(hi - lo for _, lo, hi in lossy.gaps)
    print(f"lossy subscriber: {len(lossy.gaps)} gaps, {lost} messages missed, {lossy.replayed} replayed, "
          f"alarm transitions recovered by replay: {[(a[2], a[1].split(':')[1]) for a in recovered]}")

    # The slow subscriber slowed no one: vigild sent its heartbeats every second throughout (their
    # own times say so), and the subscriber that kept up got every message with no gap.
    beats = [m.heartbeat.time.ToNanoseconds() / 1e9 for topic, m, _ in reference.messages if topic == "hb/bed-1/"]
    worst = max(b - a for a, b in zip(beats, beats[1:]))
    check(worst < 1.5, f"vigild's heartbeats were {worst:.2f} s apart while a subscriber was stuck")
    ref_seqs = [seq_of(m) for t, m, _ in reference.messages if t.split("/")[1] == "bed-1" and seq_of(m)]
    check(ref_seqs == list(range(ref_seqs[0], ref_seqs[0] + len(ref_seqs))), "the reference subscriber lost messages")

    # Pulling the daemon: each client, reading side by side as two stations would, reports it lost within 3 s.
    killed = time.monotonic()
    stop(daemon, signal.SIGKILL)
    in_parallel(lambda: lossy.pump(3.5), lambda: late.pump(3.5))
    for client in (lossy, late):
        check(client.lost_at is not None, "the publisher was never reported lost")
        check(killed <= client.lost_at <= killed + 3.0,
              f"publisher lost reported {client.lost_at - killed:.2f} s after the kill")
    stop(sim)


main.logs = logs
run(main)
