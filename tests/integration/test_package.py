"""The Debian package as a clinic's IT person uses it: cpack packs the
release build already made (nothing is compiled here), lintian finds no
error in the .deb, `apt-get install ./vigil_….deb` works on a machine without
systemd as PID 1 or udev, the installed vigild accepts the shipped example
config and comes up as the `vigil` user, and `apt-get purge` leaves /usr and
/etc as they were, keeping only the journal under /var/lib/vigil.

It installs on this machine, so it needs root and a free apt, and skips
(exit 77) with the reason otherwise. A vigil that this test did not install
is never touched; one a previous run left behind (it marks what it installs)
is purged first."""
import atexit
import fcntl
import glob
import os
import pwd
import resource
import shutil
import subprocess
import sys
import time

from harness import BUILD, Bus, check, free_port, heartbeat, run, workdir, write

SKIP = 77
MARKER = "/var/lib/vigil-package-test"   # "this test installed vigil": a leftover it may purge
LOCK = "/run/lock/vigil-package-test.lock"   # one run at a time, across clones on this machine
APT = ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=60"]
JOURNAL_DIR = "/var/lib/vigil"


def skip(reason):
    print(f"SKIPPED: {reason}")
    sys.exit(SKIP)


def cpu_seconds():
    """CPU time of the children this test waited for: on a busy machine the wall time says little."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(what, args, **kw):
    t, cpu = time.monotonic(), cpu_seconds()
    r = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                       **kw)
    print(f"{what}: {time.monotonic() - t:.1f} s ({cpu_seconds() - cpu:.1f} s CPU)")
    return r


def known_to_dpkg():
    """Installed, half-installed or removed with its config files kept."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "vigil"], capture_output=True, text=True)
    return r.returncode == 0 and not r.stdout.endswith("not-installed")


def purge():
    r = timed("apt-get purge", APT + ["purge", "vigil"])
    check(r.returncode == 0, f"apt-get purge vigil failed:\n{r.stdout}{r.stderr}")
    if os.path.exists(MARKER):
        os.remove(MARKER)


def tree():
    """Every path under /usr and /etc (and /lib where it is not /usr/lib)."""
    roots = ["/usr", "/etc"] + ([] if os.path.islink("/lib") else ["/lib"])
    paths = set()
    for root in roots:
        for d, dirs, files in os.walk(root):
            paths.update(os.path.join(d, n) for n in dirs + files)
    return paths


def not_other_packages(paths):
    """The paths no other package owns: someone else's apt-get on this
    machine during the test explains the rest. The account files' backups
    (passwd- and the like) come from creating the vigil user, which stays."""
    paths = {p for p in paths if os.path.basename(p) not in {"passwd-", "group-", "shadow-", "gshadow-"}}
    if not paths:
        return paths
    r = subprocess.run(["dpkg", "-S"] + sorted(paths), capture_output=True, text=True)
    owned = {line.split(": ", 1)[1] for line in r.stdout.splitlines() if ": " in line}
    return {p for p in paths if p not in owned and not any(p.startswith(o + "/") for o in owned)}


def build_package(out):
    r = timed("cpack", ["cpack", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", out])
    check(r.returncode == 0, f"cpack failed:\n{r.stdout}{r.stderr}")
    debs = glob.glob(os.path.join(out, "vigil_*.deb"))
    check(len(debs) == 1, f"cpack made {debs}")
    return debs[0]


class Lintian:
    """lintian on the .deb, run beside the install (it takes as long, mostly waiting)."""

    def __init__(self, deb):
        self.started = time.monotonic()
        self.p = subprocess.Popen(["lintian", "--fail-on", "error", deb], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        atexit.register(self.p.kill)   # a failed test does not leave it running

    def check(self):
        cpu = cpu_seconds()
        out, err = self.p.communicate(timeout=240)
        print(f"lintian: {time.monotonic() - self.started:.1f} s ({cpu_seconds() - cpu:.1f} s CPU)")
        if out.strip():
            print(out.strip())
        errors = [line for line in out.splitlines() if line.startswith("E:")]
        check(self.p.returncode == 0 and not errors, f"lintian reports errors:\n{out}{err}")


def contents(deb):
    r = subprocess.run(["dpkg-deb", "--contents", deb], capture_output=True, text=True, check=True)
    listed = {line.split()[5].lstrip(".") for line in r.stdout.splitlines()}
    expected = ["/usr/sbin/vigild", "/usr/bin/vigil-ctl", "/usr/bin/vigil-sim", "/usr/bin/vigil-drill",
                "/usr/bin/vigil-tail", "/usr/bin/vigil-station", "/usr/lib/systemd/system/vigild.service",
                "/usr/lib/sysusers.d/vigil.conf", "/usr/lib/tmpfiles.d/vigil.conf",
                "/usr/lib/udev/rules.d/60-vigil-monitors.rules", "/etc/vigil/vigil.conf.example",
                "/etc/vigil/station.conf.example", "/usr/share/vigil/scenarios/desaturation.scn",
                "/usr/share/man/man8/vigild.8.gz", "/usr/share/man/man5/vigil.conf.5.gz",
                "/usr/share/doc/vigil/copyright"] + [f"/usr/share/man/man1/{p}.1.gz" for p in
                                                     ["vigil-ctl", "vigil-sim", "vigil-drill", "vigil-tail",
                                                      "vigil-station"]]
    missing = [p for p in expected if p not in listed]
    check(not missing, f"not in the package: {missing}")
    check(not any("vigil-validate" in p for p in listed), "vigil-validate (a developer's tool) is in the package")
    r = subprocess.run(["dpkg-deb", "--field", deb, "Depends"], capture_output=True, text=True, check=True)
    print(f"Depends: {r.stdout.strip()}")
    check("libzmq5" in r.stdout, f"shlibdeps did not declare the runtime libraries: {r.stdout}")


def run_as_vigil(d, journal):
    """vigild from /usr/sbin, as the vigil user, on the shipped layout: it
    publishes heartbeats, so it is up."""
    os.chmod(d, 0o755)
    pub, cmd = free_port(), free_port()
    config = write(os.path.join(d, "vigil.conf"),
                   f'publish_endpoint: "tcp://127.0.0.1:{pub}"\ncommand_endpoint: "tcp://127.0.0.1:{cmd}"\n'
                   f'journal_path: "{journal}"\n'
                   f'bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{d}/no-such-port" }} }}\n')
    os.chmod(config, 0o644)
    log_path = os.path.join(d, "vigild.log")
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    with open(log_path, "w") as log:
        p = subprocess.Popen(["setpriv", "--reuid=vigil", "--regid=vigil", "--init-groups", "/usr/sbin/vigild",
                              "--config", config], stdout=log, stderr=subprocess.STDOUT)
    try:
        bus.wait_for(heartbeat, 10, "a heartbeat from the installed vigild")
        with open(f"/proc/{p.pid}/status") as f:
            uid = next(line.split()[1] for line in f if line.startswith("Uid:"))
        check(int(uid) == pwd.getpwnam("vigil").pw_uid, f"vigild runs as uid {uid}, not vigil")
    except AssertionError:
        print(open(log_path).read()[-2000:])
        raise
    finally:
        p.terminate()
        p.wait(timeout=10)
    check(p.returncode == 0, f"vigild exited {p.returncode} on SIGTERM:\n{open(log_path).read()[-2000:]}")
    check(os.path.exists(journal), f"vigild wrote no journal at {journal}")


def main():
    if os.geteuid() != 0:
        skip("installs the package on this machine, which needs root")
    with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
        if "VIGIL_SANITIZE:BOOL=ON" in f.read():
            skip("the package is made from the release build, and this build is sanitized")
    for tool in ["cpack", "lintian", "apt-get", "dpkg-shlibdeps", "setpriv"]:
        if shutil.which(tool) is None:
            skip(f"{tool} is missing (scripts/setup installs it)")
    lock = open(LOCK, "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        skip(f"another run of this test holds {LOCK}")
    if known_to_dpkg():
        if not os.path.exists(MARKER):
            skip("vigil is installed on this machine, and not by this test: not touching it")
        print("purging the vigil a previous run left installed")
        purge()
    elif os.path.exists(MARKER):
        os.remove(MARKER)

    d = workdir()
    deb = build_package(os.path.join(d, "package"))
    contents(deb)
    lintian = Lintian(deb)

    t = time.monotonic()
    before = tree()
    print(f"listing /usr and /etc: {time.monotonic() - t:.1f} s")
    journal_dir_existed = os.path.exists(JOURNAL_DIR)
    write(MARKER, f"vigil installed by {__file__}; purged at its end\n")
    r = timed("apt-get install", APT + ["install", "--no-install-recommends", deb])
    if r.returncode != 0 and ("Could not get lock" in r.stderr or "Unable to acquire" in r.stderr):
        os.remove(MARKER)
        lintian.check()
        skip(f"apt is busy: {r.stderr.strip()}")
    try:
        check(r.returncode == 0, f"apt-get install {deb} failed:\n{r.stdout}{r.stderr}")
        check(pwd.getpwnam("vigil") is not None, "no vigil user")
        st = os.stat(JOURNAL_DIR)
        check(st.st_uid == pwd.getpwnam("vigil").pw_uid and st.st_mode & 0o777 == 0o750,
              f"{JOURNAL_DIR} is not vigil's, mode 0750")
        r = subprocess.run(["/usr/sbin/vigild", "--check-config", "/etc/vigil/vigil.conf.example"],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"the shipped example config is refused:\n{r.stdout}{r.stderr}")
        r = subprocess.run(["/usr/bin/vigil-station", "--config", "/etc/vigil/station.conf.example", "--check-config"],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"the shipped station example config is refused:\n{r.stdout}{r.stderr}")
        # The shipped journal folder when it is new, so that purging is seen to keep the journal; a journal
        # folder this machine had before is not written to.
        journal_in = JOURNAL_DIR if not journal_dir_existed else os.path.join(d, "journal")
        if journal_dir_existed:
            os.makedirs(journal_in)
            shutil.chown(journal_in, "vigil", "vigil")
        journal = os.path.join(journal_in, "journal.db")
        run_as_vigil(d, journal)
    finally:
        purge()

    after = tree()
    added = not_other_packages(after - before)
    removed = not_other_packages(before - after)
    check(not added, f"left after the purge: {sorted(added)[:20]}")
    check(not removed, f"gone after the purge: {sorted(removed)[:20]}")
    check(os.path.exists(journal), f"the purge removed the journal {journal}")
    if not journal_dir_existed:
        shutil.rmtree(JOURNAL_DIR)
    lintian.check()


run(main)
