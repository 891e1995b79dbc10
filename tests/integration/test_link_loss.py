"""A lost or silent device is never silent at the bus: the simulator pulls the
pty (EOF) and, separately, sends only garbage (silence of valid frames); both
become a link state and a device_lost technical alarm within a few expected
intervals, and both clear when data comes back."""
import os

from harness import (Bus, VIGIL_SIM, VIGILD, alarm, bus_pb2, check, free_port, heartbeat, link, run, start, stop,
                     workdir, write)

d = workdir()
port = free_port()
pty = os.path.join(d, "bed-7-ox")
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "sim.log")]

SCENARIO = """title: cable pulled, then a noisy line
duration: 0:30
patient: heart rate 70, spo2 98
at 0:03 unplug ox for 4 s
at 0:12 garble ox for 6 s
"""

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{port}"
command_endpoint: "tcp://127.0.0.1:{free_port()}"
journal_path: "{d}/journal.db"
bed {{
  id: "bed-7"
  device {{ id: "ox" protocol: "masimo" path: "{pty}" }}
}}
"""


def main():
    write(os.path.join(d, "vigil.conf"), CONFIG)
    write(os.path.join(d, "loss.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{port}")
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    sim = start([VIGIL_SIM, "--device", f"bed=bed-7,id=ox,protocol=masimo,pty={pty}",
                 "--scenario", os.path.join(d, "loss.scn")], logs[1])
    _, _, t_up = bus.wait_for(link("UP"), 10, "the link to come up")

    # 1. Cable pulled: the read ends, so the loss is known at once.
    last_reading = lambda: max(t for _, m, t in bus.messages if m.WhichOneof("body") == "observation")
    _, down, t_down = bus.wait_for(link("DOWN"), 10, "the link to go down when the pty closes")
    check(t_down - last_reading() < 3.0, f"loss published {t_down - last_reading():.1f} s after the last reading")
    _, lost, _ = bus.wait_for(alarm("device_lost:ox", "RAISED"), 1, "device_lost raised")
    check(lost.alarm.kind == bus_pb2.TECHNICAL and lost.alarm.priority == bus_pb2.MEDIUM, "technical, medium")
    check(lost.alarm.device == "ox", f"alarm names device {lost.alarm.device!r}")
    bus.wait_for(alarm("device_lost:ox", "CLEARED"), 12, "device_lost cleared when the cable is back")

    # 2. Garbage only: bytes arrive but no valid frame for 3 expected intervals.
    seen = len(bus.messages)
    _, stale, t_stale = bus.wait_for(link("STALE"), 15, "the link to go stale on garbage")
    check("bad frames" in stale.link.reason, f"stale reason names the bad frames: {stale.link.reason!r}")
    check(stale.link.frames_bad > 0, "bad frames are counted")
    quiet = t_stale - max(t for _, m, t in bus.messages[:seen + 50] if m.WhichOneof("body") == "observation"
                          and t < t_stale)
    check(quiet < 4.5, f"stale declared {quiet:.1f} s after the last good reading (limit 3 s + one tick)")
    bus.wait_for(alarm("device_lost:ox", "RAISED"), 1, "device_lost raised on garbage")
    bus.wait_for(alarm("device_lost:ox", "CLEARED"), 12, "device_lost cleared when frames are good again")
    stop(sim)
    check(daemon.poll() is None, "vigild is still running")
    stop(daemon)


main.logs = logs
run(main)
