"""A journal that cannot be written never silences the alarms. For each
fault (the path is a folder, a path under /proc, a corrupt file, a read-only
file system, a full disk) vigild says what is wrong in one log line, raises
the technical alarm journal_unavailable (medium) on every bed, and keeps
publishing readings and alarms: a severe desaturation on bed-1 still goes
out. A corrupt file moved aside, or a full disk that gets room again, is
noticed while vigild runs and the alarm clears.

Read-only and disk-full use a bind mount and a small tmpfs when this machine
lets us mount (root in most CI containers may not); otherwise the full disk
is a journal at its journal_max_mb cap, and the read-only case is skipped
with a note (root ignores file permissions, so chmod would prove nothing).

Each fault has a vigild of its own (its own folder, ports and journal), so
the faults are tried side by side (harness.in_parallel): each mostly waits
on the desaturation's delay or the journal's 10 s retry, and one after the
other they took 45 s."""
import os
import sqlite3
import subprocess

from harness import (Bus, Commands, VIGIL_SIM, VIGILD, alarm, bus_pb2, check, fill_disk, free_port, heartbeat,
                     in_parallel, run, start, stop, workdir, write)

d = workdir()
logs = []

SCENARIO = """title: desaturation while the journal is down
duration: 30:00
patient: heart rate 80, spo2 97, perfusion index 2.5
# The tests time alarms from the scripted change: no probe delay.
oximeter delay 0 s averaging 0 s
at 0:02 lower spo2 to 84
"""


def mount(*args):
    return subprocess.run(["mount", *args], capture_output=True, text=True).returncode == 0


def journal_alarm(topic, m):
    return m.WhichOneof("body") == "alarm" and m.alarm.condition == "journal_unavailable"


class Daemon:
    """vigild with two beds: bed-1's oximeter is simulated, bed-2's is not plugged in."""

    def __init__(self, name, journal_lines, speed=1):
        self.dir = os.path.join(d, name)
        os.makedirs(self.dir, exist_ok=True)
        self.pub, self.cmd = free_port(), free_port()
        self.log = os.path.join(self.dir, "vigild.log")
        logs.extend([self.log, os.path.join(self.dir, "sim.log")])
        pty = os.path.join(self.dir, "ox")
        conf = write(os.path.join(self.dir, "vigil.conf"), f"""publish_endpoint: "tcp://127.0.0.1:{self.pub}"
command_endpoint: "tcp://127.0.0.1:{self.cmd}"
{journal_lines}
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{pty}" }} }}
bed {{ id: "bed-2" device {{ id: "ox" protocol: "masimo" path: "{self.dir}/not-plugged-in" }} }}
""")
        scn = write(os.path.join(self.dir, "desat.scn"), SCENARIO)
        self.bus = Bus(f"tcp://127.0.0.1:{self.pub}")
        self.ctl = Commands(f"tcp://127.0.0.1:{self.cmd}")
        self.proc = start([VIGILD, "--config", conf], self.log)
        self.bus.wait_for(heartbeat, 20, f"{name}: a first heartbeat")
        self.sim = start([VIGIL_SIM, "--speed", str(speed), "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={pty}",
                          "--scenario", scn], os.path.join(self.dir, "sim.log"))

    def log_text(self):
        with open(self.log) as f:
            return f.read()

    def journal_alarms(self):
        """The journal_unavailable alarm of each bed that has one now, from a snapshot."""
        reply = self.ctl("snapshot")
        check(reply.ok, reply.error)
        return {b.bed: a for b in reply.beds for a in b.alarms if a.condition == "journal_unavailable"}

    def keeps_publishing(self, name):
        """Readings still flow and the desaturation is still raised on the bus."""
        _, m, _ = self.bus.wait_for(alarm("desaturation", "RAISED"), 30, f"{name}: the desaturation on the bus")
        check(m.alarm.priority == bus_pb2.HIGH, f"{name}: desaturation priority")
        readings = self.bus.of_kind("observation", "bed-1")
        check(len(readings) >= 10, f"{name}: only {len(readings)} readings published")
        check(self.proc.poll() is None, f"{name}: vigild stopped")

    def stop(self):
        stop(self.sim)
        stop(self.proc)


def unavailable_from_the_start(name, journal_lines, *reason, fix=None):
    v = Daemon(name, journal_lines)
    v.bus.pump(1)
    line = next((l for l in v.log_text().splitlines() if "journal unavailable:" in l), None)
    check(line is not None, f"{name}: no 'journal unavailable' line in the log")
    for words in reason:
        check(words in line, f"{name}: the log line does not say {words!r}: {line}")
    alarms = v.journal_alarms()
    check(set(alarms) == {"bed-1", "bed-2"}, f"{name}: journal alarm on {sorted(alarms)}, expected every bed")
    for a in alarms.values():
        check(a.kind == bus_pb2.TECHNICAL and a.priority == bus_pb2.MEDIUM and a.active, f"{name}: {a}")
        check(reason[-1] in a.message, f"{name}: the alarm does not say why: {a.message}")
    v.keeps_publishing(name)
    reply = v.ctl("acknowledge", bed="bed-1", alarm_id=alarms["bed-1"].alarm_id)
    check(reply.ok and "not journalled" in reply.message, f"{name}: the reply says it was not journalled: {reply}")
    if fix:
        # Put right while vigild runs: it tries again every 10 s and the alarm clears.
        fix()
        v.bus.wait_for(lambda t, m: journal_alarm(t, m) and m.alarm.transition == bus_pb2.CLEARED, 25,
                       f"{name}: the journal alarm to clear once put right")
        check(not v.journal_alarms(), f"{name}: a journal alarm left after it was put right")
    v.stop()
    print(f"{name}: {line.split(' error: ')[-1][:160]}")


def disk_full(name, journal_lines, fill, make_room, speed=1):
    v = Daemon(name, journal_lines, speed)
    v.bus.pump(2)
    check(not v.journal_alarms(), f"{name}: a journal alarm before the disk is full")
    fill()
    _, raised, _ = v.bus.wait_for(lambda t, m: journal_alarm(t, m) and m.alarm.transition == bus_pb2.RAISED, 15,
                                  f"{name}: the journal alarm when the disk is full")
    check("full" in raised.alarm.message, f"{name}: {raised.alarm.message}")
    check(set(v.journal_alarms()) == {"bed-1", "bed-2"}, f"{name}: not on every bed")
    v.keeps_publishing(name)
    make_room()
    v.bus.wait_for(lambda t, m: journal_alarm(t, m) and m.alarm.transition == bus_pb2.CLEARED, 25,
                   f"{name}: the journal alarm to clear once there is room")
    check("writing again" in v.log_text(), f"{name}: the log does not say the journal is writing again")
    v.stop()
    print(f"{name}: raised '{raised.alarm.message[:100]}...', cleared once there was room")


def main():
    folder = os.path.join(d, "a-folder")
    os.makedirs(folder)
    corrupt = os.path.join(d, "corrupt.db")
    with open(corrupt, "wb") as f:
        f.write(b"\x13\x37 not an SQLite file " * 4000)

    def corrupt_file():
        unavailable_from_the_start("corrupt", f'journal_path: "{corrupt}"', "file is not a database",
                                   "move the file aside", fix=lambda: os.rename(corrupt, corrupt + ".bad"))
        check(os.path.exists(corrupt), "vigild started a new journal where the corrupt one was")

    probe = os.path.join(d, "mount-probe")
    os.makedirs(probe)
    can_mount = mount("-t", "tmpfs", "-o", "size=4k", "tmpfs", probe)
    if can_mount:
        subprocess.run(["umount", probe], check=True)
        write_faults = [read_only, full_disk]
    else:
        print("read-only: skipped, this machine does not let us mount")
        write_faults = [journal_at_its_cap]
    in_parallel(lambda: unavailable_from_the_start("folder", f'journal_path: "{folder}"', "cannot open the journal",
                                                   "Is a directory"),
                lambda: unavailable_from_the_start("proc", 'journal_path: "/proc/vigil-test/journal.db"',
                                                   "cannot create the folder", "/proc/vigil-test"),
                corrupt_file, *write_faults)


def read_only():
    src, ro = os.path.join(d, "rw"), os.path.join(d, "ro")
    os.makedirs(src)
    os.makedirs(ro)
    check(mount("--bind", src, ro) and mount("-o", "remount,ro,bind", ro), "read-only bind mount")
    try:
        unavailable_from_the_start("read-only", f'journal_path: "{ro}/journal.db"', "cannot open the journal",
                                   "Read-only file system")
    finally:
        subprocess.run(["umount", "-l", ro])


def full_disk():
    small = os.path.join(d, "small")
    os.makedirs(small)
    check(mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", small), "tmpfs")
    filler = os.path.join(small, "filler")
    try:
        disk_full("disk full", f'journal_path: "{small}/journal.db"', lambda: fill_disk(filler),
                  lambda: os.remove(filler))
    finally:
        subprocess.run(["umount", "-l", small])


def journal_at_its_cap():
    capped = os.path.join(d, "capped.db")
    # A journal vigild made, then filled past 1 MB with recent commands while vigild runs; the
    # simulator runs twenty times faster so the readings need a new page every second or so
    # (SQLite fills the pages it has first).
    Daemon("cap-setup", f'journal_path: "{capped}"').stop()

    def fill():
        db = sqlite3.connect(capped)
        with db:
            for i in range(300):
                db.execute("INSERT INTO commands (time_us, request_id, actor, station, command, bed, request, ok, "
                           "result, error_field) VALUES (strftime('%s','now') * 1000000, ?, 'filler', '', "
                           "'none', '', ?, 1, '', '')", (f"fill-{i}", "x" * 4000))
        db.close()

    def make_room():
        db = sqlite3.connect(capped)
        with db:
            db.execute("DELETE FROM commands WHERE actor = 'filler'")
        db.close()

    disk_full("journal at its cap", f'journal_path: "{capped}"\njournal_max_mb: 1', fill, make_room, speed=20)


main.logs = logs
run(main)
