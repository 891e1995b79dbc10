"""The nurse station in a real browser (Debian's chromium, headless, driven by
puppeteer-core) against two vigild (one bed each, as one bedside PC per bed)
fed by vigil-sim, checked against the bus by python3-zmq:
  - the page shows both beds' values, the DRILL banner, and the explicit
    "enable sound" step until it is clicked;
  - an alarm appears on the page within a second of being published, and
    the page sounds the high-priority pattern;
  - the acknowledge button acknowledges it in the daemon, with the
    operator's name, and the page shows who did;
  - killing a daemon shows the offline banner within 3 s.
Screenshots of the normal, alarm and offline states go to the build folder
(with VIGIL_UPDATE_DOCS=1 the alarm one also to docs/station-dashboard.png)."""
import os
import shutil
import time

from browser import Browser, missing
from harness import (BUILD, SOURCE, VIGIL_SIM, VIGIL_STATION, VIGILD, Bus, alarm, bus_pb2, check, free_port,
                     heartbeat, run, start, stop, workdir, write)

d = workdir()
shots = os.path.join(BUILD, "screenshots")
pub_a, cmd_a, pub_b, cmd_b, hl7, http = (free_port() for _ in range(6))
pty = os.path.join(d, "bed-1-ox")
logs = [os.path.join(d, n) for n in ("vigild-a.log", "vigild-b.log", "station.log", "sim.log", "browser.log")]

DAEMON = """publish_endpoint: "tcp://127.0.0.1:{pub}"
journal_path: "{journal}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
drill: true
bed {{
  id: "{bed}"
  device {{ {device} }}
}}
"""

STATION = f"""name: "station-T"
listen: "127.0.0.1:{http}"
daemon {{ name: "room-1" publish_endpoint: "tcp://127.0.0.1:{pub_a}" command_endpoint: "tcp://127.0.0.1:{cmd_a}" }}
daemon {{ name: "room-2" publish_endpoint: "tcp://127.0.0.1:{pub_b}" command_endpoint: "tcp://127.0.0.1:{cmd_b}" }}
"""

BED_1 = """title: station test, bed-1: desaturation, then the cable is pulled
duration: 3:00
patient: heart rate 72, spo2 97, perfusion index 3.1
variability: none
oximeter delay 0 s averaging 0 s
at 0:12 lower spo2 to 82
at 0:33 unplug ox for 90 s
"""

BED_2 = """title: station test, bed-2: the first cuff reading is a crisis
duration: 3:00
patient: heart rate 84, spo2 98, systolic 130, diastolic 80
variability: none
nibp every 30 s
at 0:02 raise systolic to 224 and diastolic to 122 over 1 s
"""


def value_shown(key, metric):
    return (f"document.querySelector('[data-key=\"{key}\"] .value[data-metric=\"{metric}\"] .number')"
            f" && /^[0-9]/.test(document.querySelector('[data-key=\"{key}\"] .value[data-metric=\"{metric}\"] .number')"
            f".textContent)")


def row(alarm_id):
    return f"document.querySelector('[data-alarm-id=\"{alarm_id}\"]')"


def seconds(ts):
    return ts.seconds + ts.nanos / 1e9


def main():
    why = missing()
    check(why is None, why)
    os.makedirs(shots, exist_ok=True)
    write(os.path.join(d, "a.conf"), DAEMON.format(pub=pub_a, cmd=cmd_a, bed="bed-1", journal=os.path.join(d, "a.db"),
                                                   device=f'id: "ox" protocol: "masimo" path: "{pty}"'))
    write(os.path.join(d, "b.conf"), DAEMON.format(pub=pub_b, cmd=cmd_b, bed="bed-2", journal=os.path.join(d, "b.db"),
                                                   device=f'id: "monitor" protocol: "hl7-mllp" '
                                                          f'tcp_listen: "127.0.0.1:{hl7}"'))
    write(os.path.join(d, "station.conf"), STATION)
    write(os.path.join(d, "bed-1.scn"), BED_1)
    write(os.path.join(d, "bed-2.scn"), BED_2)
    bus_a, bus_b = Bus(f"tcp://127.0.0.1:{pub_a}"), Bus(f"tcp://127.0.0.1:{pub_b}")
    start([VIGILD, "--config", os.path.join(d, "a.conf")], logs[0])
    daemon_b = start([VIGILD, "--config", os.path.join(d, "b.conf")], logs[1])
    bus_a.wait_for(heartbeat, 10, "vigild A")
    bus_b.wait_for(heartbeat, 10, "vigild B")
    station = start([VIGIL_STATION, "--config", os.path.join(d, "station.conf")], logs[2])
    start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={pty},scenario={d}/bed-1.scn",
           "--device", f"bed=bed-2,id=monitor,protocol=hl7-mllp,tcp-connect=127.0.0.1:{hl7},scenario={d}/bed-2.scn"],
          logs[3])

    browser = Browser(logs[4])
    browser.call(**{"do": "open", "url": f"http://127.0.0.1:{http}/", "width": 1400, "height": 900})
    browser.wait(f"({value_shown('room-1/bed-1', 'spo2')}) && ({value_shown('room-2/bed-2', 'hr')})", 15000,
                 "SpO2 of bed-1 and HR of bed-2")
    values = browser.call(**{"do": "eval", "js": "[...document.querySelectorAll('.value .number')]"
                                                 ".map(e => e.textContent)"})["value"]
    check("97" in values and "84" in values, f"the page shows {values}, expected SpO2 97 and HR 84")
    browser.wait("!!document.getElementById('banner-drill')", 2000, "the DRILL banner")
    check(browser.call(**{"do": "eval", "js": "!document.getElementById('enable-sound').hidden"})["value"],
          "the 'enable sound' step is shown until someone clicks it")
    browser.call(**{"do": "click", "selector": "#enable-sound"})
    browser.wait("document.getElementById('enable-sound').hidden", 3000, "sound enabled after the click")
    browser.call(**{"do": "type", "selector": "#operator", "text": "Nurse Test"})
    browser.call(**{"do": "screenshot", "path": os.path.join(shots, "station-normal.png")})

    # An alarm is on the page within a second of being published.
    _, raised, _ = bus_a.wait_for(alarm("desaturation", "RAISED"), 30, "the desaturation alarm on the bus")
    alarm_id = raised.alarm.alarm_id
    shown = browser.wait(f"{row(alarm_id)} && Number({row(alarm_id)}.dataset.shownAt)", 5000, "the alarm row")
    delay = shown["value"] / 1000 - seconds(raised.alarm.time)
    check(delay <= 1.0, f"the alarm was on the page {delay:.2f} s after it was published")
    print(f"alarm on the page {delay * 1000:.0f} ms after it was published")
    browser.wait("window.vigilSound.played.some(p => p.priority === 'HIGH' || p.priority === 'MEDIUM')", 3000,
                 "the alarm sound")

    # The crisis on bed-2 and the pulled cable on bed-1: three alarms, highest first, the technical one marked.
    bus_b.wait_for(alarm("hypertension", "RAISED"), 40, "the hypertension alarm on bed-2")
    bus_a.wait_for(alarm("device_lost:ox", "RAISED"), 15, "device_lost on bed-1")
    browser.wait("document.querySelectorAll('#alarms .alarm').length === 3 && "
                 "!!document.querySelector('#alarms .alarm.technical')", 3000, "three alarms, one technical")
    order = browser.call(**{"do": "eval", "js": "[...document.querySelectorAll('#alarms .alarm')].map(e => "
                                                "e.className)"})["value"]
    check(order[0].startswith("alarm HIGH") and order[1].startswith("alarm HIGH") and "MEDIUM technical" in order[2],
          f"alarm list order {order}")
    browser.wait("/measured [0-9]{2}:[0-9]{2}/.test(document.querySelector('[data-key=\"room-2/bed-2\"] "
                 ".value[data-metric=\"nibp_sys\"] .age').textContent)", 3000, "the cuff reading's time")
    browser.wait("document.querySelector('[data-key=\"room-2/bed-2\"] .value[data-metric=\"nibp_sys\"]')"
                 ".classList.contains('past')", 2000, "the crisis blood pressure highlighted")
    time.sleep(0.3)
    browser.call(**{"do": "screenshot", "path": os.path.join(shots, "station-alarm.png")})
    if os.environ.get("VIGIL_UPDATE_DOCS") == "1":
        shutil.copy(os.path.join(shots, "station-alarm.png"), os.path.join(SOURCE, "docs/station-dashboard.png"))

    # The acknowledge button acknowledges it in the daemon, with the operator's name.
    browser.call(**{"do": "click", "selector": f"[data-alarm-id=\"{alarm_id}\"] button.ack"})
    _, acked, _ = bus_a.wait_for(lambda t, m: m.WhichOneof("body") == "alarm" and m.alarm.alarm_id == alarm_id
                                 and m.alarm.transition == bus_pb2.ACKNOWLEDGED, 5, "ACKNOWLEDGED on the bus")
    check("Nurse Test" in acked.alarm.actor, f"acknowledged by {acked.alarm.actor!r}")
    browser.wait(f"{row(alarm_id)} && {row(alarm_id)}.querySelector('.ack-state').textContent"
                 f".includes('acknowledged by Nurse Test')", 3000, "who acknowledged")

    # A daemon killed: the offline banner within 3 s.
    killed = time.time()
    daemon_b.kill()
    seen = browser.wait("!!document.getElementById('banner-daemon-room-2') && document.querySelector("
                        "'[data-key=\"room-2/bed-2\"]').dataset.online === 'false'", 6000, "the offline banner")
    after = seen["at"] / 1000 - killed
    check(after <= 3.0, f"the offline banner came {after:.2f} s after the daemon was killed")
    print(f"offline banner {after:.2f} s after the daemon was killed")
    browser.wait("[...document.querySelectorAll('#alarms .alarm')].some(e => e.classList.contains('stale') && "
                 "e.querySelector('.where').textContent === 'bed-2' && e.querySelector('button.ack').disabled)", 2000,
                 "bed-2's alarm marked as last known, not acknowledgeable")
    time.sleep(0.3)
    browser.call(**{"do": "screenshot", "path": os.path.join(shots, "station-offline.png")})
    errors = [l for l in browser.call(**{"do": "console"})["value"] if l.startswith(("error", "pageerror"))]
    check(not errors, f"the page logged errors: {errors}")
    browser.close()
    check(station.poll() is None, "vigil-station is still running")
    check(stop(station) == 0, "vigil-station stops cleanly on SIGTERM")


main.logs = logs
run(main)
