"""The service as systemd will run it: the installed unit passes
`systemd-analyze verify`, its hardening exposure stays low, `cmake --install`
puts the unit, udev rules, sysusers and tmpfiles snippets in place, and
vigild really speaks sd_notify (READY=1, then WATCHDOG=1 from the core loop
when a watchdog is set)."""
import os
import re
import socket
import subprocess

from harness import BUILD, VIGILD, check, free_port, run, start, stop, workdir, write

d = workdir()


def main():
    dest = os.path.join(d, "root")
    r = subprocess.run(["cmake", "--install", BUILD, "--prefix", "/usr/local"], env={**os.environ, "DESTDIR": dest},
                       capture_output=True, text=True)
    check(r.returncode == 0, f"cmake --install failed: {r.stderr}")
    for path in ["usr/local/lib/systemd/system/vigild.service", "usr/local/lib/udev/rules.d/60-vigil-monitors.rules",
                 "usr/local/lib/sysusers.d/vigil.conf", "usr/local/lib/tmpfiles.d/vigil.conf",
                 "usr/local/sbin/vigild", "usr/local/bin/vigil-ctl", "usr/local/bin/vigil-sim",
                 "usr/local/bin/vigil-tail", "etc/vigil/vigil.conf.example"]:
        check(os.path.exists(os.path.join(dest, path)), f"not installed: {path}")

    unit = open(os.path.join(dest, "usr/local/lib/systemd/system/vigild.service")).read()
    check("ExecStart=/usr/local/sbin/vigild --config /etc/vigil/vigil.conf" in unit, "ExecStart names the installed vigild")
    # verify wants the binaries where the unit says; point it at the build.
    local = os.path.join(d, "vigild.service")
    write(local, unit.replace("/usr/local/sbin/vigild", VIGILD))
    r = subprocess.run(["systemd-analyze", "verify", local], capture_output=True, text=True)
    check(r.returncode == 0 and "vigild.service" not in r.stderr, f"systemd-analyze verify: {r.stdout}{r.stderr}")
    r = subprocess.run(["systemd-analyze", "security", "--offline=yes", local], capture_output=True, text=True)
    m = re.search(r"Overall exposure level for vigild.service: ([0-9.]+)", r.stdout + r.stderr)
    check(m is not None, f"no exposure level in: {r.stdout[-500:]}")
    exposure = float(m.group(1))
    print(f"systemd-analyze security exposure: {exposure}")
    check(exposure <= 2.0, f"exposure {exposure} is higher than the 2.0 the README reports")

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
