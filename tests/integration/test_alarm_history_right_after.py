"""A station that asks for the alarm history the moment it sees an alarm gets
a history with that alarm in it (issue 17). An alarm transition reaches the
journal's SQLite about 20 ms after its publication (docs/journal.md, "The
alarm history"); vigild holds a history query back until the journal's writer
has committed every transition published before the query came. Fifteen
times over, the test plays a Masimo oximeter on a pty, sends SpO2 80 (no
condition delay, not latching), and as soon as the RAISED reaches this
subscriber sends alarm_history for the bed: the alarm is in the reply, still
on. Then SpO2 97 and, as soon as the CLEARED arrives, the same: the alarm
has ended. vigild without the hold (5c854ba) failed the first round: the
history came back without the alarm."""
import os
import time

from harness import (Bus, Commands, OximeterLine, VIGILD, alarm, bus_pb2, check, free_port, heartbeat,
                     no_delay_profile, one_oximeter_config, run, start, stop, workdir, write)

ROUNDS = 15
d = workdir()
pub, cmd = free_port(), free_port()
pty_link = os.path.join(d, "bed-1-ox")
log = os.path.join(d, "vigild.log")

CONFIG = one_oximeter_config(pub, cmd, os.path.join(d, "journal.db"), pty_link, no_delay_profile())


def main():
    conf = write(os.path.join(d, "vigil.conf"), CONFIG)
    line = OximeterLine(pty_link)
    bus = Bus(f"tcp://127.0.0.1:{pub}", prefixes=("alarm/bed-1/", "hb/bed-1/"))
    daemon = start([VIGILD, "--config", conf], log)
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    commands = Commands(f"tcp://127.0.0.1:{cmd}")

    def until(transition, spo2):
        """Sends the reading every 100 ms until the transition arrives; returns its alarm id at once."""
        wanted = alarm("desaturation", transition)
        deadline = time.monotonic() + 10
        while True:
            check(time.monotonic() < deadline, f"no {transition} within 10 s of SpO2 {spo2}")
            line.send(spo2)
            if not bus.sock.poll(100):
                continue
            while bus.sock.poll(0):
                topic, body = bus.sock.recv_multipart()
                m = bus_pb2.BusMessage()
                m.ParseFromString(body)
                if wanted(topic, m):
                    return m.alarm.alarm_id

    waits = []

    def history_of(alarm_id):
        asked = time.monotonic()
        reply = commands("alarm_history", bed="bed-1", max=500)
        waits.append(time.monotonic() - asked)
        check(reply.ok, f"alarm_history refused: {reply.error}")
        found = [a for a in reply.alarm_history.alarms if a.alarm_id == alarm_id]
        return found[0] if found else None

    for n in range(ROUNDS):
        raised = until("RAISED", 80)
        entry = history_of(raised)
        check(entry is not None, f"round {n + 1}: the alarm history asked for at its RAISED lacks {raised}")
        check(not entry.HasField("ended"), f"round {n + 1}: {raised} ended already in the history: {entry}")
        cleared = until("CLEARED", 97)
        check(cleared == raised, f"round {n + 1}: cleared {cleared}, raised {raised}")
        entry = history_of(raised)
        check(entry is not None and entry.HasField("ended"),
              f"round {n + 1}: the alarm history asked for at its CLEARED does not have {raised} ended: {entry}")

    check(stop(daemon) == 0, "vigild did not stop cleanly")
    line.close()
    print(f"{ROUNDS} alarms, each in the history asked for at its RAISED and ended in the one at its CLEARED; "
          f"replies within {sorted(waits)[len(waits) // 2] * 1e3:.1f} ms (median), {max(waits) * 1e3:.1f} ms at most")


main.logs = [log]
run(main)
