"""Drives Debian's chromium through browser_driver.js (node + puppeteer-core):
one JSON command out, one JSON answer back."""
import json
import os
import select
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def node_binary():
    return os.environ.get("VIGIL_NODE") or shutil.which("node") or shutil.which("nodejs")


def missing():
    """What is missing to run a browser test, or None."""
    if not node_binary():
        return "node is not installed (scripts/setup installs it)"
    if not os.path.exists(os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")):
        return "chromium is not installed (scripts/setup installs Debian's chromium)"
    for package in ("puppeteer-core", "axe-core"):
        if not os.path.isdir(os.path.join(HERE, "node_modules", package)):
            return f"{package} is not installed (scripts/setup runs npm ci in tests/integration)"
    return None


class Browser:
    def __init__(self, log_path):
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen([node_binary(), os.path.join(HERE, "browser_driver.js")], cwd=HERE,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True)

    def call(self, answer_within=30, **cmd):
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], answer_within)
        if not ready:
            raise AssertionError(f"the browser did not answer {cmd['do']} within {answer_within} s")
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the browser driver exited (see {self.log.name})")
        answer = json.loads(line)
        if not answer["ok"]:
            raise AssertionError(f"browser {cmd}: {answer['error']}")
        return answer

    def wait(self, js, timeout_ms, what):
        try:
            return self.call(answer_within=timeout_ms / 1000 + 10, **{"do": "wait", "js": js, "timeout": timeout_ms})
        except AssertionError as e:
            raise AssertionError(f"the page did not show {what} within {timeout_ms / 1000} s ({e})")

    def close(self):
        try:
            self.call(answer_within=15, **{"do": "close"})
        finally:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
