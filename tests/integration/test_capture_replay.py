"""A field problem reproduced at a desk: vigild records every device's raw
bytes (--capture) while a Masimo oximeter desaturates and its cable is
pulled; `vigil-sim replay` then plays the capture, four times as fast, into
a second vigild running a drill clock at the same rate. The second vigild must
see the same readings and raise the same alarms, in the same order."""
import os

from harness import (Bus, VIGIL_SIM, VIGILD, alarm, bus_pb2, check, free_port, heartbeat, run, start, stop,
                     workdir, write)

d = workdir()
logs = [os.path.join(d, n) for n in ("vigild-field.log", "sim.log", "vigild-desk.log", "replay.log")]
capture = os.path.join(d, "field.cap")

SCENARIO = """title: desaturation, then a pulled cable
duration: 0:30
patient: heart rate 72, spo2 97, perfusion index 3.1
variability: none
oximeter delay 0 s averaging 0 s
at 0:01 lower spo2 to 84
at 0:08 raise spo2 to 97
at 0:09 unplug ox for 2 s
"""


def config(port, pty, drill=False):
    return f"""publish_endpoint: "tcp://127.0.0.1:{port}"
command_endpoint: "tcp://127.0.0.1:{free_port()}"
journal_path: "{d}/journal-{port}.db"
drill: {str(drill).lower()}
bed {{
  id: "bed-1"
  device {{ id: "ox" protocol: "masimo" path: "{pty}" }}
}}
"""


def story(bus):
    """What a subscriber saw: SpO2 values with repeats collapsed, alarm transitions."""
    spo2 = [m.observation.value for m in bus.of_kind("observation") if m.observation.metric == "spo2"
            and m.observation.quality.invalid is False]
    collapsed = [v for i, v in enumerate(spo2) if i == 0 or spo2[i - 1] != v]
    alarms = [(m.alarm.condition, bus_pb2.AlarmTransition.Name(m.alarm.transition)) for m in bus.of_kind("alarm")]
    return collapsed, alarms


def main():
    # In the field.
    port = free_port()
    write(os.path.join(d, "field.conf"), config(port, os.path.join(d, "bed-1-ox")))
    write(os.path.join(d, "field.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{port}")
    daemon = start([VIGILD, "--config", os.path.join(d, "field.conf"), "--capture", capture], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    sim = start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={os.path.join(d, 'bed-1-ox')}",
                 "--scenario", os.path.join(d, "field.scn")], logs[1])
    # device_lost clears twice: when the simulator's pty first appears, and
    # when the pulled cable is back.
    cleared = alarm("device_lost:ox", "CLEARED")
    bus.wait_for(lambda t, m: cleared(t, m) and sum(cleared(*x[:2]) for x in bus.messages) >= 2, 30,
                 "the pulled cable to be noticed and to come back")
    bus.pump(1.5)
    # vigild stops first, so the capture ends with data flowing, not with the
    # simulator going away.
    stop(daemon)
    stop(sim)
    field = story(bus)
    check(("desaturation", "RAISED") in field[1] and ("device_lost:ox", "RAISED") in field[1],
          f"the field run raised {field[1]}")

    with open(capture) as f:
        text = f.read()
    check(text.startswith("# vigil capture 1"), "the capture starts with its header")
    check("device bed-1/ox masimo\n" in text, "the device and its protocol are named")
    check(" bed-1/ox rx " in text and " bed-1/ox link DOWN " in text, "bytes and the lost link are recorded")

    # At the desk: the capture, four times as fast, into a vigild with a drill clock at 4x.
    port = free_port()
    replay_dir = os.path.join(d, "replay")
    os.makedirs(replay_dir)
    write(os.path.join(d, "desk.conf"), config(port, os.path.join(replay_dir, "bed-1-ox"), drill=True))
    bus = Bus(f"tcp://127.0.0.1:{port}")
    daemon = start([VIGILD, "--config", os.path.join(d, "desk.conf"), "--clock-rate", "4"], logs[2])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    player = start([VIGIL_SIM, "replay", capture, "--pty-dir", replay_dir, "--speed", "4"], logs[3])
    check(player.wait(timeout=60) == 0, "the replay ends cleanly")
    bus.pump(1)
    stop(daemon)
    desk = story(bus)
    check(desk[0] == field[0], f"SpO2 at the desk {desk[0]}, in the field {field[0]}")
    check(desk[1][:len(field[1])] == field[1], f"alarms at the desk {desk[1]}, in the field {field[1]}")
    # When the replay ends its line closes, which the desk's vigild rightly reports.
    check(desk[1][len(field[1]):] in ([], [("device_lost:ox", "RAISED")]), f"alarms at the desk {desk[1]}")
    obs = bus.of_kind("observation")
    check(obs and all(m.observation.drill for m in obs), "the replay's readings are marked as a drill")


main.logs = logs
run(main)
