"""vigil-station without a browser, against a real vigild and vigil-sim:
the terminal view (--tui, on a pseudo-terminal) shows the bed's values and
the alarm, acknowledges it with key 1 as --operator (seen on the bus), and
quits on q giving the terminal back; the line mode prints the snapshot, the
alarm and, within 3 s of the daemon being killed, the lost publisher."""
import fcntl
import os
import pty
import struct
import termios
import re
import select
import signal
import subprocess
import time

from harness import (VIGIL_SIM, VIGIL_STATION, VIGILD, Bus, alarm, bus_pb2, check, free_port, heartbeat, run, start,
                     stop, workdir, write)

d = workdir()
pub, cmd = free_port(), free_port()
tty_path = os.path.join(d, "bed-1-ox")
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "sim.log"), os.path.join(d, "station-lines.log")]

DAEMON = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
journal_path: "{os.path.join(d, "journal.db")}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{tty_path}" }} }}
"""
STATION = f"""name: "station-C"
daemon {{ name: "room-1" publish_endpoint: "tcp://127.0.0.1:{pub}" command_endpoint: "tcp://127.0.0.1:{cmd}" }}
"""
SCENARIO = """title: console test
duration: 2:00
patient: heart rate 70, spo2 97
variability: none
oximeter delay 0 s averaging 0 s
at 0:03 lower spo2 to 82
"""
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Screen:
    """A program on a pseudo-terminal; what it drew last, without colours."""

    def __init__(self, args):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execv(args[0], args)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
        self.text = ""

    def pump(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    self.text += os.read(self.fd, 65536).decode(errors="replace")
                except OSError:
                    return

    def last_screen(self):
        return ANSI.sub("", self.text.split("\x1b[2J")[-1])

    def wait_for(self, pattern, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.1)
            if re.search(pattern, self.last_screen()):
                return self.last_screen()
        raise AssertionError(f"the terminal view never showed {what}; last screen:\n{self.last_screen()}")

    def key(self, k):
        os.write(self.fd, k.encode())


def main():
    write(os.path.join(d, "vigild.conf"), DAEMON)
    write(os.path.join(d, "station.conf"), STATION)
    write(os.path.join(d, "desat.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    daemon = start([VIGILD, "--config", os.path.join(d, "vigild.conf")], logs[0])
    bus.wait_for(heartbeat, 10, "vigild")
    lines = subprocess.Popen([VIGIL_STATION, "--config", os.path.join(d, "station.conf"), "--no-web"],
                             stdout=open(logs[2], "w"), stderr=subprocess.STDOUT)
    screen = Screen([VIGIL_STATION, "--config", os.path.join(d, "station.conf"), "--no-web", "--tui",
                     "--operator", "Nurse T"])
    start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={tty_path}", "--scenario",
           os.path.join(d, "desat.scn")], logs[1])

    shown = screen.wait_for(r"bed-1 +room-1 +- +- +70 +97", 10, "bed-1 with HR 70 and SpO2 97")
    check("vigil station station-C" in shown, f"title line: {shown[:80]!r}")
    _, raised, _ = bus.wait_for(alarm("desaturation", "RAISED"), 20, "the desaturation alarm")
    screen.wait_for(r"1 HIGH bed-1 +Severe desaturation: SpO₂ 82", 3, "the alarm in the list")
    screen.key("1")
    _, acked, _ = bus.wait_for(lambda t, m: m.WhichOneof("body") == "alarm" and
                               m.alarm.transition == bus_pb2.ACKNOWLEDGED, 5, "the acknowledgement on the bus")
    check(acked.alarm.alarm_id == raised.alarm.alarm_id, "key 1 acknowledged the first alarm")
    check(acked.alarm.actor.startswith("Nurse T"), f"acknowledged by {acked.alarm.actor!r}")
    screen.wait_for(r"ack by Nurse T at station-C", 3, "who acknowledged")
    screen.key("q")
    _, status = os.waitpid(screen.pid, 0)
    screen.pump(0.2)
    check(os.waitstatus_to_exitcode(status) == 0, f"--tui exit status {status}")
    check(screen.text.endswith("\x1b[?25h\n") or "\x1b[?25h" in screen.text[-20:], "the cursor is given back")

    killed = time.monotonic()
    daemon.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 5
    text = ""
    while time.monotonic() < deadline and "PUBLISHER LOST" not in text:
        time.sleep(0.05)
        text = open(logs[2]).read()
    check("PUBLISHER LOST" in text, f"no lost line: {text[-600:]}")
    check(time.monotonic() - killed <= 3.2, f"the lost line came {time.monotonic() - killed:.1f} s after the kill")
    check(re.search(r"room-1 bed-1: in step again by snapshot at \d+", text), "the snapshot line")
    check(re.search(r"room-1 \d\d:\d\d:\d\d\.\d{3} bed-1 ALARM RAISED HIGH desaturation", text), "the alarm line")
    check(re.search(r"bed-1 ALARM ACKNOWLEDGED HIGH desaturation: .* by Nurse T at station-C", text),
          "the acknowledgement made at the other station")
    lines.send_signal(signal.SIGTERM)
    check(lines.wait(timeout=5) == 0, "line mode stops cleanly on SIGTERM")


main.logs = logs
run(main)
