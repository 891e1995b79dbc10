"""The nurse station in a real browser (Debian's chromium, headless, driven by
puppeteer-core) against two vigild (one bed each, as one bedside PC per bed)
fed by vigil-sim, checked against the bus by python3-zmq:
  - the page shows both beds' values, the DRILL banner, and the explicit
    "enable sound" step until it is clicked;
  - an alarm appears on the page within a second of being published, and
    the page sounds the high-priority pattern;
  - the acknowledge button acknowledges it in the daemon, with the
    operator's name, and the page shows who did;
  - killing a daemon shows the offline banner within 3 s;
  - the sound check plays each priority's pattern with its timing (through a
    stubbed AudioContext that records every tone);
  - at 1280, 768 and 390 px every value fits its tile, the alarm list never
    covers a tile (and comes first on a tablet or phone), alarm messages
    wrap between words, the sound controls are on screen, names read as
    staff say them, and axe-core finds no serious accessibility violation
    (nor on the trend view, at 390 px with the alarm history, the trend and
    the infusion form open, and on the login page); the alarm history's
    table scrolls sideways from the keyboard;
  - an alarm is acknowledged with the keyboard alone;
  - after a restart of the station and a reload of the page, the alarm
    history (read from vigild's journal) still shows the acknowledged alarm
    with who acknowledged it, and each of its filters (bed, priority, kind,
    unacknowledged) shows only the alarms that match, with room-2's vigild
    back on its journal for a second bed; bed-1's trend over
    an hour shows its SpO₂ and pulse with the desaturation marked, and the
    cursor at that alarm reads the SpO₂ and its time; the oxygen given is
    marked with its journalled text, and the drill's readings are said to be
    a drill's; bed-1's infusion record (its patient admitted at the start,
    the infusion started then) shows the entered baseline and the
    desaturation with who acknowledged it, an unknown session is refused in
    words, and printed the record stands alone without the page's controls;
  - a station with HTTPS and a login (certificate made here) sends the
    browser to its login page, logs in through the form, shows who is
    logged in instead of the Operator field, says so when the station ends
    the login (its user changed), and logs out.
Screenshots of the normal, alarm and offline states and of each width go to
the build folder (with VIGIL_UPDATE_DOCS=1 the alarm one also to
docs/station-dashboard.png)."""
from google.protobuf.json_format import MessageToDict
import os
import re
import shutil
import socket
import subprocess
import time

from browser import Browser, missing
from harness import (BUILD, SOURCE, VIGIL_SIM, VIGIL_STATION, VIGILD, Bus, Commands, alarm, bus_pb2, check,
                     command_pb2, free_port, heartbeat, run, start, stop, workdir, write)

d = workdir()
shots = os.path.join(BUILD, "screenshots")
pub_a, cmd_a, pub_b, cmd_b, hl7, http, https = (free_port() for _ in range(7))
pty = os.path.join(d, "bed-1-ox")
logs = [os.path.join(d, n) for n in ("vigild-a.log", "vigild-b.log", "station.log", "sim.log", "browser.log",
                                                "station-2.log", "station-login.log", "vigild-b-2.log")]

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
at 0:25 unplug ox for 90 s
"""

BED_2 = """title: station test, bed-2: the first cuff reading is a crisis
duration: 3:00
patient: heart rate 84, spo2 98, systolic 130, diastolic 80
variability: none
# The first reading at 0:22, after bed-1's desaturation (0:17) and before its cable is pulled.
nibp every 30 s taking 20 s
at 0:02 raise systolic to 224 and diastolic to 122 over 1 s
"""


# Records every tone instead of playing it, so the patterns' timing can be read back.
AUDIO_STUB = """(() => {
  const tones = [];
  window.vigilTones = tones;
  class Param { constructor() { this.value = 0; } setValueAtTime() {} linearRampToValueAtTime() {} }
  class Node { connect() {} }
  class Oscillator extends Node {
    constructor() { super(); this.type = "sine"; this.frequency = new Param(); }
    start(at) { this.tone = { type: this.type, pitch: this.frequency.value, start: at }; tones.push(this.tone); }
    stop(at) { this.tone.stop = at; }
  }
  window.AudioContext = class {
    constructor() { this.state = "suspended"; this.destination = new Node(); this.t0 = performance.now(); }
    get currentTime() { return (performance.now() - this.t0) / 1000; }
    resume() { this.state = "running"; if (this.onstatechange) this.onstatechange(); return Promise.resolve(); }
    createOscillator() { return new Oscillator(); }
    createGain() { const g = new Node(); g.gain = new Param(); return g; }
  };
})();"""

# IEC 60601-1-8-like bursts: pulse starts (s, from the burst's first), pulse length (s), pitch (Hz),
# and the sound check's burst starts (s, from its first), highest priority first.
EXPECTED_BURSTS = [("HIGH", [0, 0.25, 0.5, 1.0, 1.25, 2.0, 2.25, 2.5, 3.0, 3.25], 0.15, 880, 0.0),
                   ("MEDIUM", [0, 0.3, 0.6], 0.2, 660, 4.5),
                   ("LOW", [0, 0.4], 0.25, 520, 6.5)]

WIDTHS = [(1280, 800, "desktop"), (768, 1024, "tablet"), (390, 844, "phone")]

# What does not fit, as a list of sentences (empty when all is well).
LAYOUT_PROBLEMS = """(() => {
  const out = [];
  const r = (e) => e.getBoundingClientRect();
  const name = (e) => (e.closest('[data-key]') ? e.closest('[data-key]').dataset.key + ' ' : '') +
                      (e.dataset.metric || e.className);
  for (const e of document.querySelectorAll('.value, .value .number, .value .label, .alarm .msg, .tile')) {
    if (e.scrollWidth > e.clientWidth + 1) out.push(`${name(e)} overflows (${e.scrollWidth} > ${e.clientWidth})`);
  }
  for (const cell of document.querySelectorAll('.value')) {
    const tile = cell.closest('.tile');
    if (r(cell).right > r(tile).right || r(cell).left < r(tile).left) out.push(`${name(cell)} sticks out of its tile`);
  }
  // A message wraps between words, never inside one: a word over two lines means its column was squeezed
  // (at 390 px who acknowledged once took the message's room, and it broke after every letter).
  for (const m of document.querySelectorAll('.alarm .msg')) {
    const text = m.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) continue;
    for (const w of text.data.matchAll(/\S+/g)) {
      const range = document.createRange();
      range.setStart(text, w.index);
      range.setEnd(text, w.index + w[0].length);
      const lines = new Set([...range.getClientRects()].map((b) => Math.round(b.top))).size;
      if (lines > 1) {
        out.push(`${m.closest('.alarm').dataset.alarmId} message breaks '${w[0]}' over ${lines} lines ` +
                 `(${Math.round(r(m).width)} px wide)`);
        break;
      }
    }
  }
  const panel = r(document.getElementById('alarm-panel'));
  for (const t of document.querySelectorAll('.tile')) {
    const b = r(t);
    if (b.left < panel.right && panel.left < b.right && b.top < panel.bottom && panel.top < b.bottom)
      out.push(`the alarm list covers ${t.dataset.key}`);
  }
  for (const id of ['sound-check', 'operator']) {
    const b = r(document.getElementById(id));
    if (b.left < 0 || b.right > window.innerWidth) out.push(`#${id} is off screen (${b.left}..${b.right})`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth)
    out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${window.innerWidth})`);
  return out;
})()"""


def check_sound_check(browser):
    """The sound check's tones: each priority's burst, its pulses' timing, length and pitch."""
    browser.call(**{"do": "eval", "js": "window.vigilTones.length = 0"})
    browser.call(**{"do": "click", "selector": "#sound-check"})
    browser.wait("document.getElementById('sound-check-status').textContent.includes('HIGH')", 2000,
                 "the sound check saying it plays HIGH")
    tones = browser.call(**{"do": "eval", "js": "window.vigilTones.filter(t => t.type === 'square')"})["value"]
    # The sound check schedules its tones all at once, so they follow each other in the
    # record even if an alarm sounds at the same moment.
    wanted = [pitch for _, starts, _, pitch, _ in EXPECTED_BURSTS for _ in starts]
    pitches = [t["pitch"] for t in tones]
    first = next((i for i in range(len(pitches)) if pitches[i:i + len(wanted)] == wanted), None)
    check(first is not None, f"the sound check's tones in order (high, medium, low), among {pitches}")
    tones = tones[first:first + len(wanted)]
    t0 = tones[0]["start"]
    i = 0
    for priority, starts, length, pitch, burst_at in EXPECTED_BURSTS:
        for offset in starts:
            t = tones[i]
            i += 1
            at = t["start"] - t0
            check(t["pitch"] == pitch, f"{priority} pulse at {offset} s has pitch {t['pitch']} Hz, expected {pitch}")
            check(abs(at - (burst_at + offset)) < 0.002,
                  f"{priority} pulse expected at {burst_at + offset} s into the sound check, played at {at:.3f} s")
            check(abs(t["stop"] - t["start"] - length) < 0.002,
                  f"{priority} pulse lasts {t['stop'] - t['start']:.3f} s, expected {length}")
    print("sound check: HIGH 10 pulses, MEDIUM 3, LOW 2, each at its time, length and pitch")


LIVE = "!document.body.classList.contains('station-lost') && !document.querySelector('.tile.offline')"


def check_axe(browser, where, state=LIVE, state_words="the station heard and every tile live"):
    """axe-core's WCAG 2.1 A/AA rules on the page in the state meant (by default live: a page judged the station
    lost for a moment under load would be another state): no serious or critical violation; the others counted."""
    browser.wait(state, 10000, f"{state_words} before axe-core looks {where}")
    violations = browser.call(answer_within=60, **{"do": "axe"})["value"]
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    check(not serious, f"axe-core {where}: {serious}")
    return len(violations)


def check_layouts(browser):
    """Every width: values fit, the alarm list covers nothing, controls on screen; axe on each."""
    for width, height, what in WIDTHS:
        browser.call(**{"do": "viewport", "width": width, "height": height})
        browser.wait("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))", 2000,
                     "the page laid out again")
        problems = browser.call(**{"do": "eval", "js": LAYOUT_PROBLEMS})["value"]
        check(not problems, f"at {width} px ({what}): {problems}")
        if width < 1100:
            first = browser.call(**{"do": "eval", "js": "document.getElementById('alarm-panel').getBoundingClientRect()"
                                                        ".bottom <= document.getElementById('beds')"
                                                        ".getBoundingClientRect().top"})["value"]
            check(first, f"at {width} px the alarm list comes before the beds")
        nibp = browser.call(**{"do": "eval", "js": "document.querySelector('[data-key=\"room-2/bed-2\"] "
                                                   ".value[data-metric=\"nibp_sys\"]').innerText"})["value"]
        check("NIBP" in nibp and "mmHg" in nibp and "/" in nibp and "mean" in nibp,
              f"at {width} px the NIBP tile reads {nibp!r}")
        violations = check_axe(browser, f"at {width} px")
        browser.call(**{"do": "screenshot", "path": os.path.join(shots, f"station-{width}.png"), "fullPage": True})
        print(f"{width} px ({what}): values fit, alarm list clear of the tiles, "
              f"axe-core: {violations} minor/moderate, 0 serious")
    labels = browser.call(**{"do": "eval", "js": "[...document.querySelectorAll('.value .label')]"
                                                 ".map(e => e.textContent)"})["value"]
    check(any(l.startswith("SpO\u2082 %") for l in labels) and any(l.startswith("NIBP mmHg") for l in labels),
          f"value names {labels}")
    texts = browser.call(**{"do": "eval", "js": "[...document.querySelectorAll('#alarms .msg')]"
                                                ".map(e => e.textContent)"})["value"]
    internal = [t for t in texts if any(w in t for w in ("spo2", "nibp_", "mm[Hg]", "pulse "))]
    check(not internal, f"alarm texts with internal names: {internal}")
    browser.call(**{"do": "viewport", "width": 1400, "height": 900})


def acknowledge_by_keyboard(browser, alarm_id):
    """From the top of the page, Tab to the alarm's button and press Enter: no mouse."""
    browser.call(**{"do": "eval", "js": "document.activeElement && document.activeElement.blur(), true"})
    target = f"document.activeElement && document.activeElement.matches('[data-alarm-id=\"{alarm_id}\"] button.ack')"
    for presses in range(1, 41):
        browser.call(**{"do": "key", "key": "Tab"})
        if browser.call(**{"do": "eval", "js": target})["value"]:
            break
    else:
        raise AssertionError("40 presses of Tab never reached the alarm's acknowledge button")
    visible = browser.call(**{"do": "eval", "js": "getComputedStyle(document.activeElement).outlineStyle"})["value"]
    check(visible != "none", "the focused button shows that it has the focus")
    browser.call(**{"do": "key", "key": "Enter"})
    print(f"acknowledged with the keyboard: {presses} Tab presses, then Enter")


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
    # Admitted now, so that the record's span (the admission) holds the desaturation to come.
    admitted = Commands(f"tcp://127.0.0.1:{cmd_a}")("admit", bed="bed-1", patient_id="PAT-REC")
    check(admitted.ok, f"admit bed-1's patient: {admitted.error}")
    station = start([VIGIL_STATION, "--config", os.path.join(d, "station.conf")], logs[2])
    start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={pty},scenario={d}/bed-1.scn",
           "--device", f"bed=bed-2,id=monitor,protocol=hl7-mllp,tcp-connect=127.0.0.1:{hl7},scenario={d}/bed-2.scn"],
          logs[3])

    browser = Browser(logs[4])
    browser.call(**{"do": "open", "url": f"http://127.0.0.1:{http}/", "width": 1400, "height": 900,
                    "init": AUDIO_STUB, "selfSignedCerts": True})
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
    check_sound_check(browser)
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

    check_layouts(browser)

    # The acknowledge button, reached and pressed with the keyboard alone, acknowledges
    # it in the daemon, with the operator's name.
    acknowledge_by_keyboard(browser, alarm_id)
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
    # Greyed is not faded: what an offline bed last showed stays readable.
    offline = "document.querySelector('[data-key=\"room-2/bed-2\"]').classList.contains('offline')"
    found = check_axe(browser, "with bed-2 offline", offline, "bed-2 offline")
    print(f"axe-core with bed-2 offline: {found} minor/moderate, 0 serious")
    errors = [l for l in browser.call(**{"do": "console"})["value"] if l.startswith(("error", "pageerror"))]
    check(not errors, f"the page logged errors: {errors}")
    check(station.poll() is None, "vigil-station is still running")
    check(stop(station) == 0, "vigil-station stops cleanly on SIGTERM")
    # A lost station greys the page but must leave it readable.
    lost = "document.body.classList.contains('station-lost')"
    found = check_axe(browser, "with the station lost", lost, "the station lost")
    print(f"axe-core with the station lost: {found} minor/moderate, 0 serious")
    check_history_after_restart(browser, alarm_id)
    check_login_page(browser)
    browser.close()


def check_login_page(browser):
    """HTTPS and a login in the browser: the login page first, the form, who is logged in, logout."""
    t0 = time.monotonic()
    cert, key, users = (os.path.join(d, n) for n in ("station.pem", "station.key", "users"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=10)
    conf = write(os.path.join(d, "login.conf"), STATION.replace(f"127.0.0.1:{http}", f"127.0.0.1:{https}", 1) +
                 f'tls {{ cert_file: "{cert}" key_file: "{key}" }}\nusers_file: "{users}"\n')
    subprocess.run([VIGIL_STATION, "--config", conf, "--add-user", "Nurse Browser"], input="long password\n",
                   check=True, capture_output=True, text=True, timeout=10)
    station = start([VIGIL_STATION, "--config", conf], logs[6])
    deadline = time.monotonic() + 5
    while True:
        try:
            socket.create_connection(("127.0.0.1", https), timeout=1).close()
            break
        except OSError:
            check(time.monotonic() < deadline, "the HTTPS station did not listen within 5 s")
            time.sleep(0.05)
    browser.call(**{"do": "eval", "js": f"setTimeout(() => location.href = 'https://127.0.0.1:{https}/', 0), true"})
    browser.wait("location.pathname === '/login.html' && !!document.querySelector('input[name=password]')", 10000,
                 "the login page instead of the dashboard")
    print(f"axe-core on the login page: {check_axe(browser, 'on the login page')} minor/moderate, 0 serious")
    browser.call(**{"do": "type", "selector": "input[name=name]", "text": "Nurse Browser"})
    browser.call(**{"do": "type", "selector": "input[name=password]", "text": "long password"})
    browser.call(**{"do": "eval", "js": "setTimeout(() => document.querySelector('form').submit(), 0), true"})
    browser.wait("location.pathname === '/' && !!document.getElementById('session') && "
                 "!document.getElementById('session').hidden && "
                 "document.getElementById('session-user').textContent === 'Nurse Browser' && "
                 "document.querySelector('.operator').hidden && "
                 "!!document.querySelector('[data-key=\"room-1/bed-1\"]')", 10000,
                 "the dashboard over HTTPS with who is logged in, and no Operator field")
    check(browser.call(**{"do": "eval", "js": "document.cookie"})["value"] == "",
          "the session cookie is not readable by the page's scripts")
    browser.call(**{"do": "screenshot", "path": os.path.join(shots, "station-login.png")})
    # A login the station ends because its user was removed or given a new password (its close frame is checked
    # in test_station_http.py): the page says why and offers the login page, instead of reconnecting.
    browser.call(**{"do": "eval", "js": "state.ws.onclose({code: 4001, reason: 'your account was changed; log in "
                                        "again'}), true"})
    browser.wait("!!document.getElementById('banner-station') && document.getElementById('banner-station')"
                 ".textContent.startsWith('LOGGED OUT: your account was changed; log in again') && "
                 "!!document.querySelector('#banner-station a[href=\"/login.html\"]')", 3000,
                 "the page saying the login was ended, with a link to log in again")
    browser.call(**{"do": "eval", "js": "setTimeout(() => document.getElementById('logout').click(), 0), true"})
    browser.wait("location.pathname === '/login.html'", 10000, "the login page after logging out")
    with open(logs[6]) as f:
        log = f.read()
    check("login: Nurse Browser from 127.0.0.1" in log and "logout: Nurse Browser" in log,
          f"the station logs the login and the logout: {log!r}")
    check(stop(station) == 0, "the HTTPS vigil-station stops cleanly on SIGTERM")
    print(f"login in the browser over HTTPS, then logout: {time.monotonic() - t0:.1f} s")


def check_history_after_restart(browser, alarm_id):
    """A new station process and a reloaded page: the history comes from vigild's journal."""
    # Oxygen given to bed-1 while no station runs, for the trend to mark: the page then loads with the
    # patient on the tile (a tile growing under a click would make the click miss).
    commands = Commands(f"tcp://127.0.0.1:{cmd_a}")
    oxygen = commands("intervention", bed="bed-1", kind="oxygen", text="nasal cannula 2 L/min")
    check(oxygen.ok, f"the intervention: {oxygen.message}")
    # room-2, killed above, back on its journal: the history then holds two beds' alarms to filter.
    start([VIGILD, "--config", os.path.join(d, "b.conf")], logs[7])
    station = start([VIGIL_STATION, "--config", os.path.join(d, "station.conf")], logs[5])
    deadline = time.monotonic() + 5
    while True:  # reloaded before the new station listens, the page would be the browser's error page
        try:
            socket.create_connection(("127.0.0.1", http), timeout=1).close()
            break
        except OSError:
            check(time.monotonic() < deadline, "the restarted station did not listen within 5 s")
            time.sleep(0.05)
    browser.call(**{"do": "eval", "js": "setTimeout(() => location.reload(), 0), true"})
    browser.wait("!!document.querySelector('[data-key=\"room-1/bed-1\"]') && "
                 "!!document.querySelector('[data-key=\"room-2/bed-2\"]') && !document.getElementById('banner-station')",
                 10000, "the page back with the restarted station and room-2's vigild")
    browser.call(**{"do": "click", "selector": "#history-toggle"})
    found = f"document.querySelector('#history-table tr[data-alarm-id=\"{alarm_id}\"]')"
    browser.wait(f"{found} && {found}.querySelector('.acked') && "
                 f"{found}.querySelector('.acked').textContent.includes('Nurse Test')", 5000,
                 "the acknowledged desaturation in the history, with who acknowledged it")
    row = browser.call(**{"do": "eval", "js": f"{found}.innerText"})["value"]
    print(f"history after a station restart: {row!r}")
    check("bed-1" in row and "HIGH" in row, f"history row {row!r}")
    browser.call(**{"do": "eval", "js": "document.getElementById('history-kind').value = 'TECHNICAL', true"})
    browser.call(**{"do": "click", "selector": "#history-filters button[type=submit]"})
    browser.wait(f"!{found} && [...document.querySelectorAll('#history-table tbody tr')].length > 0 && "
                 "[...document.querySelectorAll('#history-table tbody tr')].every(r => r.classList.contains('technical'))",
                 15000, "only technical alarms with the kind filter")
    time.sleep(0.2)
    browser.call(**{"do": "screenshot", "path": os.path.join(shots, "station-history.png"), "fullPage": True})
    check_history_filters(browser, alarm_id)
    check_trend(browser, alarm_id, oxygen)
    check_record(browser)
    check_infusion_control(browser)
    check(stop(station) == 0, "the restarted vigil-station stops cleanly on SIGTERM")
    with open(logs[5]) as f:
        log = f.read()
    check(len(re.findall(r"bed-1 \(room-1\): record of session [0-9]+ opened by Nurse Test at station-T", log)) == 1 and
          "record of session 999999 REFUSED by Nurse Test" in log, f"the station logs who opened which record, once (not its refresh): {log!r}")
    starts = re.findall(r"bed-1 \(room-1\): start infusion .*", log)
    check(starts == ["bed-1 (room-1): start infusion ketamine 0.5 mg/kg \u00d7 72 kg = 36 mg over 40 min (0.9 mg/min) "
                     "by Nurse Test at station-T"], f"one start sent from the page, with its dose: {starts}")


def check_history_filters(browser, desaturation):
    """Each of the history's filters, set in the page as a nurse would, on the two journals' real alarms:
    bed-1's acknowledged HIGH desaturation and MEDIUM technical device_lost, bed-2's unacknowledged HIGH
    hypertension. Every row shown matches the filter, and the alarms that should be there are."""
    t0 = time.monotonic()
    rows = "[...document.querySelectorAll('#history-table tbody tr')]"

    def every(test):
        return f"{rows}.every(r => {test})"

    def on_bed(bed):
        return f"r.querySelector('.bed').textContent === '{bed}'"

    desat = f"{rows}.some(r => r.dataset.alarmId === '{desaturation}')"
    crisis = f"{rows}.some(r => r.dataset.alarmId.includes('hypertension') && {on_bed('bed-2')})"
    cases = [
        ("bed-2 alone", {"bed": "room-2/bed-2"}, f"{every(on_bed('bed-2'))} && {crisis} && !{desat}"),
        ("bed-1 alone", {"bed": "room-1/bed-1"}, f"{every(on_bed('bed-1'))} && {desat} && !{crisis}"),
        ("MEDIUM only", {"priorities": ["MEDIUM"]},
         f"{rows}.length > 0 && {every('r.classList.contains(`MEDIUM`)')} && !{desat} && !{crisis}"),
        ("HIGH only", {"priorities": ["HIGH"]}, f"{every('r.classList.contains(`HIGH`)')} && {desat} && {crisis}"),
        ("physiological", {"kind": "PHYSIOLOGICAL"},
         f"{every('r.classList.contains(`physiological`)')} && {desat} && {crisis}"),
        ("unacknowledged", {"unacked": True}, f"{every('!!r.querySelector(`.unacked`)')} && {crisis} && !{desat}"),
    ]
    for what, choice, shown in cases:
        setup = (f"document.getElementById('history-bed').value = {choice.get('bed', '')!r}; "
                 f"document.getElementById('history-kind').value = {choice.get('kind', '')!r}; "
                 f"document.getElementById('history-unacked').checked = {'true' if choice.get('unacked') else 'false'}; "
                 f"for (const c of document.querySelectorAll('#history-filters input[name=priority]')) "
                 f"c.checked = {choice.get('priorities', ['HIGH', 'MEDIUM', 'LOW'])!r}.includes(c.value); true")
        browser.call(**{"do": "eval", "js": setup})
        browser.call(**{"do": "click", "selector": "#history-filters button[type=submit]"})
        try:
            browser.wait(f"alarmHistory.pending.size === 0 && {shown}", 10000, f"the history filtered to {what}")
        except AssertionError:
            shown_rows = browser.call(**{"do": "eval", "js": f"{rows}.map(r => r.dataset.alarmId + ' ' + r.className + ' ' "
                                                             f"+ r.querySelector('.bed').textContent)"})["value"]
            raise AssertionError(f"the history filtered to {what} shows {shown_rows}")
    # Back to every alarm, as the rest of the test (and a nurse opening it) finds it.
    browser.call(**{"do": "eval", "js": "document.getElementById('history-unacked').checked = false; "
                                        "document.getElementById('history-bed').value = ''; true"})
    browser.call(**{"do": "click", "selector": "#history-filters button[type=submit]"})
    browser.wait(f"alarmHistory.pending.size === 0 && {desat} && {crisis}", 10000, "the whole history again")
    print(f"alarm history filters (bed, priority, kind, unacknowledged) on two journals: {time.monotonic() - t0:.1f} s")


def page_trend(browser):
    """With the keyboard: Earlier moves the hour back by its length (before this test's journal: no readings),
    Page Down on the trend moves it forward again to the hour first shown."""
    start, end = browser.call(**{"do": "eval", "js": "[trendView.from, trendView.to]"})["value"]
    browser.call(**{"do": "eval", "js": "document.getElementById('trend-earlier').focus(), true"})
    browser.call(**{"do": "key", "key": "Enter"})
    browser.wait(f"!trendView.latest && trendView.pending.size === 0 && trendView.to === {start} && "
                 f"trendView.from === {start - 3600000} && "
                 "document.getElementById('trend-status').textContent.includes('no readings') && "
                 "!document.getElementById('trend-later').disabled", 5000, "the hour before, with no readings")
    browser.call(**{"do": "eval", "js": "document.getElementById('trend-canvas').focus(), true"})
    browser.call(**{"do": "key", "key": "PageDown"})
    # The same hour as first shown, to the millisecond; now has moved on, so Later stays on.
    browser.wait(f"!trendView.latest && trendView.pending.size === 0 && trendView.from === {start} && "
                 f"trendView.to === {end} && !document.getElementById('trend-later').disabled && "
                 "!!document.querySelector('#trend-summary li[data-metric=\"spo2\"]')", 5000,
                 "the hour first shown again after Page Down")
    print("trend paged an hour back with Earlier, and an hour forward with Page Down")


def check_trend(browser, alarm_id, oxygen):
    """bed-1's trend from vigild's journal: zoomed to an hour, its SpO₂ from 97 down to the scenario's 82 and
    its pulse at 72, the desaturation marked, and the cursor at the alarm reading the SpO₂ below its limit;
    the oxygen given marked with the text vigild journalled, and the drill's readings said to be a drill's."""
    t0 = time.monotonic()
    # Each click once what it follows has been answered, as a nurse clicks what she sees: a click on a tile or a
    # button that moves as an answer fills the page above it lands elsewhere (seen under load: the Trend
    # button was once not where the click landed, and the trend never opened).
    browser.wait("alarmHistory.pending.size === 0", 10000, "the alarm history answered")
    browser.call(**{"do": "click", "selector": "[data-key=\"room-1/bed-1\"] .open-trend"})
    browser.wait("!document.getElementById('trend').hidden && trendView.pending.size === 0", 10000,
                 "bed-1's trend open, its first range answered")
    browser.call(**{"do": "click", "selector": "#trend-ranges button[data-hours=\"1\"]"})
    spo2 = "document.querySelector('#trend-summary li[data-metric=\"spo2\"]')"
    mark = f"document.querySelector('#trend-alarms li[data-alarm-id=\"{alarm_id}\"] button')"
    shown = (f"{spo2} && {mark} && document.querySelector('#trend-ranges button[aria-pressed=true]')"
             f".dataset.hours === '1' && document.getElementById('trend-status').textContent"
             f".includes('one point per 10 s')")
    try:
        browser.wait(shown, 15000, "bed-1's hour of trend in 10-second points, its alarm marked")
    except AssertionError:
        # Say where the answer was lost: a request still pending, or a reply that said why (the toast).
        seen = browser.call(**{"do": "eval", "js": "JSON.stringify({hidden: document.getElementById('trend').hidden, "
                                                   "pending: [...trendView.pending], page: !!trendView.page, "
                                                   "alarms: trendView.alarms.length, status: document.getElementById("
                                                   "'trend-status').textContent, toast: document.getElementById("
                                                   "'toast').textContent})"})["value"]
        print(f"TREND NOT SHOWN; the page held {seen}")
        raise
    summary = browser.call(**{"do": "eval", "js": "[...document.querySelectorAll('#trend-summary li')].map(e => "
                                                  "[e.dataset.metric, e.dataset.min, e.dataset.max, e.textContent])"})
    summary = {m: (float(lo), float(hi), text) for m, lo, hi, text in summary["value"]}
    print(f"trend summary: {[v[2] for v in summary.values()]}")
    check(summary["spo2"][:2] == (82.0, 97.0) and summary["spo2"][2].startswith("SpO\u2082 82\u201397 %"),
          f"SpO\u2082 over the hour {summary.get('spo2')}")
    check(summary["pulse"][:2] == (72.0, 72.0) and summary["pulse"][2].startswith("Pulse 72 /min"),
          f"pulse over the hour {summary.get('pulse')}")
    browser.call(**{"do": "click", "selector": f"#trend-alarms li[data-alarm-id=\"{alarm_id}\"] button"})
    readout = browser.call(**{"do": "eval", "js": "document.getElementById('trend-readout').textContent"})["value"]
    print(f"trend cursor at the alarm: {readout!r}")
    found = re.search("SpO\u2082 ([0-9.]+)(?:\u2013([0-9.]+))? % \\(", readout)
    check(found and float(found.group(1)) <= 85 and re.match("at [0-9-]+ [0-9:]{8}", readout),
          f"the cursor at the desaturation alarm reads its time and a SpO\u2082 below the limit: {readout!r}")
    event = "document.querySelector('#trend-events li[data-what=\"intervention\"] button')"
    check(browser.call(**{"do": "eval", "js": f"!!{event}"})["value"], "the intervention listed with the trend")
    browser.call(**{"do": "eval", "js": f"{event}.focus(), true"})
    readout = browser.call(**{"do": "eval", "js": "document.getElementById('trend-readout').textContent"})["value"]
    print(f"trend cursor on the intervention: {readout!r}")
    check("Intervention " in readout and oxygen.message in readout and "DRILL" in readout,
          f"the cursor on the intervention reads vigild's text {oxygen.message!r}, marked as a drill's: {readout!r}")
    drill = browser.call(**{"do": "eval", "js": "document.getElementById('trend-drill').hidden ? '' : "
                                                "document.getElementById('trend-drill').textContent"})["value"]
    check(drill.startswith("DRILL"), f"the trend says its readings are a drill's: {drill!r}")
    print(f"axe-core on the trend view: {check_axe(browser, 'on the trend view')} minor/moderate, 0 serious")
    page_trend(browser)
    browser.call(**{"do": "screenshot", "path": os.path.join(shots, "station-trend.png"), "fullPage": True})
    print(f"trend review: {time.monotonic() - t0:.1f} s")
    trend_after_reconnect(browser)


def trend_after_reconnect(browser):
    """The page's connection drops with a trend and an action unanswered (as when the station drops a page that
    cannot keep up): the browser delivers nothing more on a connection it closed, so their answers are lost.
    Reconnected, the page asks the trend again and draws it, and says the action got no answer."""
    t0 = time.monotonic()
    browser.call(**{"do": "eval", "js": "askTrend(1, null), send({daemon: 'room-1', acknowledge: {bed: 'no-such-bed', "
                                        "alarmId: 'none'}}), state.ws.close(), true"})
    browser.wait("state.ws.readyState === WebSocket.OPEN && trendView.pending.size === 0 && !!trendView.page && "
                 "document.getElementById('trend-status').textContent.includes('one point per 10 s') && "
                 "!!document.querySelector('#trend-summary li[data-metric=\"spo2\"]') && "
                 "document.getElementById('toast').textContent.includes('No answer to 1 action(s)')", 8000,
                 "the trend asked again after the page reconnected, and the unanswered action said")
    print(f"trend answered after a reconnect, the lost action said: {time.monotonic() - t0:.1f} s")


def check_record(browser):
    """bed-1's infusion record, as vigild renders it from its journal: the baseline entered at the start and the
    desaturation acknowledged by Nurse Test; an unknown session refused in words; printed, the record alone."""
    t0 = time.monotonic()
    started = Commands(f"tcp://127.0.0.1:{cmd_a}")(
        "start_infusion", bed="bed-1", drug="ketamine", regimen="0.5 mg/kg over 40 min",
        baseline=command_pb2.Baseline(spo2=97, heart_rate=72, nibp_sys=120, nibp_dia=80))
    check(started.ok, f"start_infusion on bed-1: {started.error}")
    browser.call(**{"do": "click", "selector": "[data-key=\"room-1/bed-1\"] .open-record"})
    doc, status = "document.getElementById('record-doc')", "document.getElementById('record-status').textContent"
    browser.wait(f"{doc}.querySelector('h1') && {status}.includes('open: shown as it stands')", 10000,
                 "bed-1's open record in the record view")
    text = browser.call(**{"do": "eval", "js": f"{doc}.innerText"})["value"]
    baseline = re.search(r"Baseline\s+(measured and )?entered, at [^\n]*SpO₂ 97 %", text)
    check(baseline, f"the record shows the entered baseline: {text[:1500]!r}")
    alarms = text[text.find("\nAlarms\n"):] if "\nAlarms\n" in text else ""
    check(re.search(r"(?i)desaturation", alarms) and "Nurse Test" in alarms,
          f"the record lists the desaturation acknowledged by Nurse Test: {alarms[:800]!r}")
    check(browser.call(**{"do": "eval", "js": "document.querySelectorAll('#record-session option').length"})["value"] == 1,
          "the picker offers bed-1's one infusion session")
    # Printed: the record alone; every control, tile and alarm of the page stays off the paper.
    browser.call(**{"do": "media", "type": "print"})
    shown = browser.call(**{"do": "eval", "js": "['#top', '#record-controls', '#record-print', '#alarm-panel', '#beds', "
                                                "'.open-record', '#record-doc', '#record-doc svg'].map(s => "
                                                "[s, document.querySelector(s).getClientRects().length > 0])"})["value"]
    check([s for s, on in shown if on] == ["#record-doc", "#record-doc svg"],
          f"printed, only the record and its plots show: {shown}")
    browser.call(**{"do": "media", "type": None})
    browser.call(**{"do": "screenshot", "path": os.path.join(shots, "station-record.png")})
    # What the 30-second timer does, at once: the record read again, and not logged again.
    read = browser.call(**{"do": "eval", "js": "recordView.read"})["value"]
    browser.call(**{"do": "eval", "js": "askRecord(recordView.session, true), true"})
    browser.wait(f"recordView.read > {read} && {status}.includes('open: shown as it stands')", 5000,
                 "the open record read again")
    browser.call(**{"do": "eval", "js": "askRecord('999999', false), true"})
    browser.wait(f"{status}.includes('Not shown: record.session: no session 999999 in the journal')", 5000,
                 "an unknown session refused in words")
    browser.call(**{"do": "click", "selector": "#record-close"})
    print(f"record view: {time.monotonic() - t0:.1f} s")


def check_history_scrolls_by_keyboard(browser):
    """The alarm history's table, wider than a phone, scrolls sideways from the keyboard: its region takes the
    focus (Tab reaches it), says what it is, and the arrow keys move it."""
    wrap = "document.querySelector('#history .history-wrap')"
    region = browser.call(**{"do": "eval", "js": f"[{wrap}.scrollWidth > {wrap}.clientWidth, {wrap}.tabIndex, "
                                                 f"{wrap}.getAttribute('role'), {wrap}.getAttribute('aria-label')]"})
    wider, tab_index, role, label = region["value"]
    check(wider and tab_index == 0 and role == "region" and label, f"the history's scroll region {region['value']}")
    # From the filters' Show button, the next Tab stop is the table's region.
    browser.call(**{"do": "eval", "js": f"{wrap}.scrollLeft = 0, "
                                        "document.querySelector('#history-filters button[type=submit]').focus(), true"})
    browser.call(**{"do": "key", "key": "Tab"})
    for _ in range(3):
        browser.call(**{"do": "key", "key": "ArrowRight"})
    browser.wait(f"document.activeElement === {wrap} && {wrap}.scrollLeft > 0", 2000,
                 "the history's table scrolled sideways by the arrow keys")
    print("alarm history at 390 px: its table's region has the focus and scrolls with the arrow keys")


def check_infusion_control(browser):
    """bed-1's infusion from its tile: only the actions that apply (Pause and a new rate while it runs; Resume once
    paused; Stop for either); a new rate in mg/kg/h refused in words without a weight, then sent as mg/min with its
    arithmetic shown; vigild's refusal shown word for word; Pause with a reason, the tile PAUSED since when and
    why, still after the page is reloaded; Stop after the confirmation; Start with numbers and an entered baseline
    (a missing weight and a nonsensical pressure refused in words, nothing sent), the computed dose shown, and
    vigild's records carrying the rate change, the dose as numbers and the entered baseline. At 390 px the open
    panel fits and axe-core finds nothing serious."""
    t0 = time.monotonic()
    tile = "[data-key=\"room-1/bed-1\"]"
    said = f"document.querySelector('{tile} .infusion-said').textContent"
    line = f"document.querySelector('{tile} .infusion').textContent"
    commands = Commands(f"tcp://127.0.0.1:{cmd_a}")

    def press(button, what):
        browser.call(**{"do": "eval", "js": f"document.querySelector('{tile} .infusion-said').textContent = '', true"})
        browser.call(**{"do": "click", "selector": f"{tile} {button}"})
        browser.wait(f"{said}.startsWith('Done: ') || {said}.startsWith('Not done: ')", 5000, what)
        return browser.call(**{"do": "eval", "js": said})["value"]

    def offered():
        """The infusion actions the open panel shows."""
        return browser.call(**{"do": "eval", "js": f"['.infusion-start', '.infusion-pause', '.infusion-resume', "
                                                   f"'.infusion-stop', '.infusion-rate'].filter(s => document."
                                                   f"querySelector('{tile} ' + s).getClientRects().length > 0)"})["value"]

    def type_into(selector, text):
        browser.call(**{"do": "eval", "js": f"document.querySelector('{selector}').value = '', true"})
        browser.call(**{"do": "type", "selector": selector, "text": text})

    browser.call(**{"do": "click", "selector": f"{tile} .open-infusion"})
    check(browser.call(**{"do": "eval", "js": f"document.querySelector('{tile} .open-infusion')"
                                              f".getAttribute('aria-expanded') === 'true'"})["value"], "the panel open")
    shown = offered()
    check(shown == [".infusion-pause", ".infusion-stop", ".infusion-rate"],
          f"while the infusion runs the panel offers Pause, Stop and a new rate, not Resume: {shown}")

    rate = f"{tile} .infusion-rate"
    computed = f"document.querySelector('{rate} .infusion-rate-computed').textContent"
    type_into(f"{rate} [name=rate]", "0.5")
    browser.call(**{"do": "eval", "js": f"(s => (s.value = 'mg/kg/h', s.dispatchEvent(new Event('change', "
                                        f"{{bubbles: true}})), true))(document.querySelector('{rate} [name=rateUnit]'))"})
    browser.call(**{"do": "click", "selector": f"{rate} .infusion-rate-send"})
    check(browser.call(**{"do": "eval", "js": said})["value"] ==
          "Not sent: A rate in mg/kg/h needs the patient's weight in kg.", "a rate per kg refused in words without a weight")
    type_into(f"{rate} [name=rateWeight]", "72")
    text = browser.call(**{"do": "eval", "js": computed})["value"]
    check(text == "New rate: 0.5 mg/kg/h \u00d7 72 kg = 36 mg/h = 0.6 mg/min", f"the rate's arithmetic: {text!r}")
    shown = press(".infusion-rate-send", "the rate change")
    check(shown == "Done: ketamine rate on bed-1 set to 0.6 mg/min by Nurse Test at station-T", f"the rate changed: {shown!r}")
    browser.wait(f"{line}.endsWith(' at 0.6 mg/min')", 3000, "the tile shows the new rate")
    # A refusal the page cannot foresee is shown as vigild words it. The page itself would not send 5000 mg/min
    # (it says so first), so the request goes through its own sendInfusion, as the form's would.
    refused = commands("change_infusion_rate", bed="bed-1", rate_mg_per_min=5000)
    check(not refused.ok, "vigild refuses 5000 mg/min")
    browser.call(**{"do": "eval", "js": f"sendInfusion({{daemon: 'room-1', bed: 'bed-1'}}, 'changeInfusionRate', "
                                        f"{{rateMgPerMin: 5000}}, document.querySelector('{tile} .infusion-said')), true"})
    browser.wait(f"{said}.startsWith('Not done: ')", 5000, "vigild's refusal of 5000 mg/min")
    shown = browser.call(**{"do": "eval", "js": said})["value"]
    check(shown == f"Not done: {refused.error}", f"vigild's refusal word for word: {shown!r}, vigild {refused.error!r}")

    type_into(f"{tile} .infusion-running input", "BP 220/120")
    shown = press(".infusion-pause", "the pause")
    check(shown.startswith("Done: ") and "BP 220/120" in shown, f"paused with the reason: {shown!r}")
    paused = (f"/^\u2016 ketamine PAUSED since [0-9:]{{8}} \\(BP 220\\/120\\) by Nurse Test at station-T$/"
              f".test({line}) && document.querySelector('{tile} .infusion').classList.contains('paused')")
    browser.wait(paused, 3000, "the tile says PAUSED since when, why and by whom")
    shown = offered()
    check(shown == [".infusion-resume", ".infusion-stop", ".infusion-rate"],
          f"while paused the panel offers Resume, Stop and a new rate, not Pause: {shown}")
    print(f"tile while paused: {browser.call(**{'do': 'eval', 'js': line})['value']!r}")
    # At 390 px, paused, the panel open, with the alarm history and the trend open above it and the
    # desaturation acknowledged: the layout holds (messages wrap on words), the alarm list comes first, and
    # axe-core finds nothing serious.
    history_open = "document.getElementById('history-toggle').getAttribute('aria-expanded') === 'true'"
    check(browser.call(**{"do": "eval", "js": f"{history_open} && !document.getElementById('trend').hidden"})["value"],
          "the alarm history and the trend are still open")
    browser.call(**{"do": "viewport", "width": 390, "height": 844})
    browser.wait("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))", 2000,
                 "the page laid out at 390 px")
    problems = browser.call(**{"do": "eval", "js": LAYOUT_PROBLEMS})["value"]
    check(not problems, f"at 390 px with the paused infusion's panel open: {problems}")
    order = browser.call(**{"do": "eval", "js": "['alarm-panel', 'history', 'trend', 'beds'].map(id => "
                                                "Math.round(document.getElementById(id).getBoundingClientRect().top))"})
    check(order["value"] == sorted(order["value"]),
          f"at 390 px the alarm list comes first, then the open history and trend, then the beds: tops {order['value']}")
    check_history_scrolls_by_keyboard(browser)
    browser.wait("!document.body.classList.contains('station-lost')", 3000, "the station heard before axe-core looks")
    check_axe(browser, "at 390 px with the alarm history, the trend and the paused infusion's panel open")
    browser.call(**{"do": "eval", "js": f"document.querySelector('{tile} .infusion').scrollIntoView(), true"})
    browser.call(**{"do": "screenshot", "path": os.path.join(shots, "station-infusion-paused-390.png")})
    browser.call(**{"do": "viewport", "width": 1400, "height": 900})
    # Reloaded, the page knows the pause only from the station's ward, which has it from vigild.
    browser.call(**{"do": "eval", "js": "window.beforeReload = true, setTimeout(() => location.reload(), 0), true"})
    browser.wait(f"!window.beforeReload && !!document.querySelector('{tile} .infusion') && {paused}", 10000,
                 "the reloaded page shows bed-1 still paused")
    browser.call(**{"do": "click", "selector": f"{tile} .open-infusion"})
    shown = offered()
    check(shown == [".infusion-resume", ".infusion-stop", ".infusion-rate"], f"reloaded, still only Resume and Stop: {shown}")

    browser.call(**{"do": "click", "selector": f"{tile} .infusion-stop"})
    check(browser.call(**{"do": "eval", "js": f"document.activeElement.matches('{tile} .infusion-stop-no')"})["value"],
          "Stop asks first, the focus on keeping it running")
    shown = press(".infusion-stop-yes", "the stop")
    check(shown.startswith("Done: "), f"stopped: {shown!r}")
    browser.wait(f"!document.querySelector('{tile} .infusion-start').hidden && {line} === 'No infusion running'", 3000,
                 "the start form once the ward shows the infusion stopped")

    form = f"{tile} .infusion-start"
    dose = f"document.querySelector('{form} .infusion-start-computed').textContent"
    # The page checks with the bounds vigild states, not copies: the same numbers, and past them refused.
    stated = MessageToDict(commands("status", bed="bed-1").beds[0].infusion_bounds)
    used = browser.call(**{"do": "eval", "js": "infusionBounds({daemon: 'room-1'})"})["value"]
    check(used == stated and stated["doseAmountMax"] > 0 and len(stated["baseline"]) >= 4,
          f"the page's bounds {used} are vigild's {stated}")
    too_much = stated["doseAmountMax"] + 1
    browser.call(**{"do": "type", "selector": f"{form} [name=drug]", "text": "ketamine"})
    browser.call(**{"do": "type", "selector": f"{form} [name=amount]", "text": str(too_much)})
    check(browser.call(**{"do": "eval", "js": dose})["value"] ==
          f"The amount must be at most {stated['doseAmountMax']:g} mg/kg.", "an amount past vigild's bound refused")
    browser.call(**{"do": "eval", "js": f"document.querySelector('{form}').reset(), true"})
    for field, text in (("drug", "ketamine"), ("amount", "0.5"), ("duration", "40"), ("regimen", "0.5 mg/kg over 40 min")):
        browser.call(**{"do": "type", "selector": f"{form} [name={field}]", "text": text})
    check(browser.call(**{"do": "eval", "js": dose})["value"] == "A dose in mg/kg needs the patient's weight in kg.",
          "a missing weight said in words")
    browser.call(**{"do": "click", "selector": f"{form} .infusion-start-send"})
    check(browser.call(**{"do": "eval", "js": said})["value"] == "Not sent: A dose in mg/kg needs the patient's weight in kg.",
          "the start refused in words without the weight")
    browser.call(**{"do": "type", "selector": f"{form} [name=weight]", "text": "72"})
    browser.call(**{"do": "click", "selector": f"{form} [name=baselineFrom][value=entered]"})
    for field, text in (("nibpSys", "80"), ("nibpDia", "85"), ("heartRate", "70"), ("spo2", "98")):
        browser.call(**{"do": "type", "selector": f"{form} [name={field}]", "text": text})
    check(browser.call(**{"do": "eval", "js": dose})["value"] == "The baseline systolic must be above the diastolic.",
          "a baseline pressure upside down said in words")
    type_into(f"{form} [name=nibpSys]", "130")
    text = browser.call(**{"do": "eval", "js": dose})["value"]
    check(text == "Dose: 0.5 mg/kg \u00d7 72 kg = 36 mg over 40 min (0.9 mg/min)", f"the computed dose: {text!r}")
    browser.call(**{"do": "viewport", "width": 390, "height": 844})
    browser.wait("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))", 2000,
                 "the page laid out at 390 px")
    problems = browser.call(**{"do": "eval", "js": LAYOUT_PROBLEMS})["value"]
    check(not problems, f"at 390 px with the start form and its entered baseline open: {problems}")
    browser.wait("!document.body.classList.contains('station-lost')", 3000, "the station heard before axe-core looks")
    check_axe(browser, "at 390 px with the start form and its entered baseline open")
    browser.call(**{"do": "eval", "js": f"document.querySelector('{form}').scrollIntoView(), true"})
    browser.call(**{"do": "screenshot", "path": os.path.join(shots, "station-infusion-390.png")})
    browser.call(**{"do": "viewport", "width": 1400, "height": 900})
    shown = press(".infusion-start-send", "the start")
    check(shown.startswith("Done: ") and "ketamine" in shown, f"started: {shown!r}")
    sessions = commands("sessions", bed="bed-1")
    check(sessions.ok and len(sessions.sessions.sessions) == 2, f"bed-1's two sessions: {sessions}")
    newest, earlier = sessions.sessions.sessions[0], sessions.sessions.sessions[1]
    check(newest.open and newest.started_by.startswith("Nurse Test"), f"the new session, started by Nurse Test: {newest}")
    record = commands("record", session=newest.session)
    check(record.ok and "0.5 mg/kg \u00d7 72 kg = 36 mg over 40 min (0.9 mg/min)" in record.record.html,
          "vigild's record of the new session holds the dose as numbers")
    check(re.search(r"(measured and )?entered, at [^<]*NIBP 130/85 mmHg[^<]*70 /min[^<]*SpO₂ 98 %", record.record.html),
          f"vigild's record of the new session holds the baseline entered at the station: "
          f"{re.findall(r'.{0,80}130/85.{0,80}', record.record.html)}")
    record = commands("record", session=earlier.session)
    check(record.ok and "set to 0.6 mg/min by Nurse Test at station-T" in record.record.html,
          "vigild's record of the earlier session holds the rate change sent from the station")
    # The baseline entered again while the new infusion runs: the record shows the one it replaced, and by whom.
    again = f"{tile} .infusion-set-baseline"
    browser.call(**{"do": "click", "selector": f"{again} [name=baselineFrom][value=entered]"})
    for field, text in (("nibpSys", "125"), ("nibpDia", "80")):
        browser.call(**{"do": "type", "selector": f"{again} [name={field}]", "text": text})
    shown = press(".infusion-set-baseline-send", "the baseline set again")
    check(re.match(r"Done: baseline on bed-1 (measured and )?entered by Nurse Test at station-T: .*NIBP sys 125, "
                   r"NIBP dia 80.*; replaces \(", shown), f"the baseline set again: {shown!r}")
    record = commands("record", session=newest.session)
    check(record.ok and re.search(r"Baseline replaced.*NIBP 130/85 mmHg.*replaced at [^<]* by Nurse Test at station-T",
                                  record.record.html, re.S),
          f"vigild's record shows the baseline replaced from the station: "
          f"{re.findall(r'.{0,80}replaced.{0,160}', record.record.html)}")
    print(f"infusion control: {time.monotonic() - t0:.1f} s")


main.logs = logs
run(main)
