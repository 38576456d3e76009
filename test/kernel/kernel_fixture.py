"""Shared set-up of the kernel test modules: a private copy of the workbook's kernel spec (kernel
name "asl-workbook-test") in a temporary JUPYTER_PATH, so tests never depend on, or change, the
registered "asl-workbook" kernel; helpers to send frontend messages and wait for replies."""
import atexit
import os
import shutil
import subprocess
import tempfile
import time
from queue import Empty

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KERNEL_NAME = "asl-workbook-test"
NODE = os.environ.get("ASL_NODE") or shutil.which("node") or "node"

_spec_home = tempfile.mkdtemp(prefix="asl-kernel-test-")
subprocess.run(
    [NODE, os.path.join(ROOT, "environment", "kernelspec.mjs"),
     os.path.join(_spec_home, "kernels", KERNEL_NAME), "--name", KERNEL_NAME,
     "--display-name", "ASL Workbook (test)"],
    check=True,
)
os.environ["JUPYTER_PATH"] = _spec_home + (os.pathsep + os.environ["JUPYTER_PATH"] if os.environ.get("JUPYTER_PATH") else "")
atexit.register(shutil.rmtree, _spec_home, True)
os.chdir(ROOT)  # the kernel's cwd: cells import 'asl-workbook' from the checkout


def spec_dir():
    return os.path.join(_spec_home, "kernels", KERNEL_NAME)


def send_shell(kc, msg_type, content):
    """Sends a frontend message on the shell channel; returns its msg_id."""
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def iopub_until(kc, predicate, timeout=20):
    """IOPub messages read until one satisfies `predicate` (returned last); fails on timeout."""
    seen = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.05, min(1, deadline - time.time())))
        except Empty:
            continue
        seen.append(msg)
        if predicate(msg):
            return seen
    raise AssertionError("no matching IOPub message within %ss; saw %s" % (
        timeout, [(m["msg_type"], m["content"].get("data", m["content"])) for m in seen][-15:]))


def drain_iopub(kc, quiet=0.3):
    """Reads IOPub until it has been quiet for `quiet` seconds; returns the messages."""
    out = []
    while True:
        try:
            out.append(kc.get_iopub_msg(timeout=quiet))
        except Empty:
            return out
