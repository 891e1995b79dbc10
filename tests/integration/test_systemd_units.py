"""The services as systemd will run them: the installed units (vigild's and
vigil-station's) pass `systemd-analyze verify`, their hardening exposure
stays at 2.0 or below, `cmake --install`
puts the unit, udev rules, sysusers and tmpfiles snippets in place, and
vigild really speaks sd_notify (READY=1, then WATCHDOG=1 from the core loop
when a watchdog is set)."""
import os
import re
import socket
import subprocess

from harness import BUILD, VIGIL_STATION, VIGILD, check, free_port, run, start, stop, workdir, write

d = workdir()


def main():
    dest = os.path.join(d, "root")
    r = subprocess.run(["cmake", "--install", BUILD, "--prefix", "/usr/local"], env={**os.environ, "DESTDIR": dest},
                       capture_output=True, text=True)
    check(r.returncode == 0, f"cmake --install failed: {r.stderr}")
    for path in ["usr/local/lib/systemd/system/vigild.service", "usr/local/lib/systemd/system/vigil-station.service",
                 "usr/local/bin/vigil-station", "usr/local/lib/udev/rules.d/60-vigil-monitors.rules",
                 "usr/local/lib/sysusers.d/vigil.conf", "usr/local/lib/tmpfiles.d/vigil.conf",
                 "usr/local/sbin/vigild", "usr/local/bin/vigil-ctl", "usr/local/bin/vigil-sim",
                 "usr/local/bin/vigil-tail", "etc/vigil/vigil.conf.example"]:
        check(os.path.exists(os.path.join(dest, path)), f"not installed: {path}")

    for name, installed, built, args in [
            ("vigild.service", "/usr/local/sbin/vigild", VIGILD, "--config /etc/vigil/vigil.conf"),
            ("vigil-station.service", "/usr/local/bin/vigil-station", VIGIL_STATION, "--config /etc/vigil/station.conf")]:
        unit = open(os.path.join(dest, "usr/local/lib/systemd/system", name)).read()
        check(f"ExecStart={installed} {args}\n" in unit, f"{name}: ExecStart names the installed program")
        # verify wants the binaries where the unit says; point it at the build.
        local = os.path.join(d, name)
        write(local, unit.replace(installed, built))
        r = subprocess.run(["systemd-analyze", "verify", local], capture_output=True, text=True)
        check(r.returncode == 0 and name not in r.stderr, f"systemd-analyze verify {name}: {r.stdout}{r.stderr}")
        r = subprocess.run(["systemd-analyze", "security", "--offline=yes", local], capture_output=True, text=True)
        m = re.search(rf"Overall exposure level for {re.escape(name)}: ([0-9.]+)", r.stdout + r.stderr)
        check(m is not None, f"no exposure level in: {r.stdout[-500:]}")
        exposure = float(m.group(1))
        print(f"{name}: systemd-analyze security exposure {exposure}")
        check(exposure <= 2.0, f"{name}: exposure {exposure} is higher than the 2.0 the README reports")

    # sd_notify: READY=1 once the bus is bound, WATCHDOG=1 from the core loop.
    notify = os.path.join(d, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(notify)
    sock.settimeout(10)
    pub, cmd = free_port(), free_port()
    config = write(os.path.join(d, "vigil.conf"), f'publish_endpoint: "tcp://127.0.0.1:{pub}"\njournal_path: "{os.path.join(d, "journal.db")}"\n'
                   f'command_endpoint: "tcp://127.0.0.1:{cmd}"\n'
                   f'bed {{ id: "b" device {{ id: "x" protocol: "masimo" path: "{d}/none" }} }}\n')
    env = {**os.environ, "NOTIFY_SOCKET": notify, "WATCHDOG_USEC": "2000000"}
    env.pop("WATCHDOG_PID", None)
    p = subprocess.Popen([VIGILD, "--config", config], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        seen = []
        while not ("READY=1" in seen and "WATCHDOG=1" in seen):
            seen += sock.recv(4096).decode().split("\n")
        check(seen.index("READY=1") < seen.index("WATCHDOG=1"), f"READY before the first WATCHDOG: {seen}")
    finally:
        p.terminate()
        p.wait(timeout=10)


run(main)
