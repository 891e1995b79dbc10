"""Config reload (SIGHUP and `vigil-ctl reload`): a good new config changes
limits without losing the active alarm; a broken one is refused with the
reason and the running config stays; a change that needs a restart says so;
a bed with an admitted patient keeps the limits it was admitted with."""
import os
import signal
import subprocess
import time

from harness import (BUILD, Bus, VIGIL_SIM, VIGILD, alarm, check, command, free_port, heartbeat, run, start, stop,
                     workdir, write)

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
d = workdir()
pub, cmd = free_port(), free_port()
pty = os.path.join(d, "ox")
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "sim.log")]
conf = os.path.join(d, "vigil.conf")


def config(threshold, endpoint=None):
    return write(conf, f"""publish_endpoint: "tcp://127.0.0.1:{endpoint or pub}"
journal_path: "{os.path.join(d, "journal.db")}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
bed {{
  id: "bed-1"
  device {{ id: "ox" protocol: "masimo" path: "{pty}" }}
  override {{ condition: "desaturation" priority: MEDIUM threshold: {threshold} }}
}}
""")


def limits():
    s = command(cmd, lambda r: r.status.SetInParent()).beds[0]
    rule = next(l.rule for l in s.limits if l.condition == "desaturation" and l.priority == 2)
    return rule, [a.condition for a in s.alarms]


def wait_log(text, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in open(logs[0]).read():
            return
        time.sleep(0.1)
    raise AssertionError(f"the log never said {text!r}")


def ctl(*args):
    r = subprocess.run([VIGIL_CTL, "--endpoint", f"tcp://127.0.0.1:{cmd}", "--actor", "it", *args],
                       capture_output=True, text=True, timeout=10)
    return r.returncode, r.stdout + r.stderr


def main():
    config(90)
    write(os.path.join(d, "low.scn"), "title: low\nduration: 1:00\npatient: spo2 84, heart rate 70\n")
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    sim = start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={pty}", "--scenario",
                 os.path.join(d, "low.scn")], logs[1])
    bus.pump(0.3)
    daemon = start([VIGILD, "--config", conf], logs[0])
    bus.wait_for(alarm("desaturation", "RAISED"), 15, "the desaturation alarm")
    check(limits() == ("SpO₂ < 90 % for 15 s", ["desaturation"]), f"before: {limits()}")

    config(88)
    daemon.send_signal(signal.SIGHUP)
    wait_log("reloaded")
    rule, alarms = limits()
    check(rule == "SpO₂ < 88 % for 15 s", f"SIGHUP applied the new limit: {rule}")
    check(alarms == ["desaturation"], f"the active alarm survived the reload: {alarms}")

    write(conf, "bed { id: \"bed-1\"\n  device { protocol: \n")
    daemon.send_signal(signal.SIGHUP)
    wait_log("reload refused, the running config stays in force")
    check(limits()[0] == "SpO₂ < 88 % for 15 s", "a broken config changed nothing")
    check(daemon.poll() is None, "vigild survived the broken config")

    config(87, endpoint=free_port())
    code, out = ctl("reload")
    check(code == 1 and "publish_endpoint changed; that needs a restart" in out, out)

    config(86)
    code, out = ctl("admit", "bed-1", "P-9")
    check(code == 0, out)
    code, out = ctl("reload")
    check(code == 0 and "keeps the admitted patient's limits" in out, out)
    check(limits()[0] == "SpO₂ < 88 % for 15 s", "the admitted patient's limits did not move under them")
    stop(sim)
    stop(daemon)


main.logs = logs
run(main)
