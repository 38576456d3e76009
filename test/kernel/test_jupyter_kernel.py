"""Jupyter's kernel test suite (jupyter_kernel_test) against the workbook kernel, plus the kernel's
own protocol checks: rich results, tracebacks that name cell lines, interrupts that keep state,
display updates, the tfjs start-up state and a clean shutdown.

Run (after `npm run build`):  node test/kernel/run-kernel-tests.mjs
or directly:                   /usr/bin/python3 -m unittest test/kernel/test_jupyter_kernel.py -v

The kernel spec is generated into a temporary JUPYTER_PATH (kernel name "asl-workbook-test") from
this checkout, so the tests never depend on, or change, the registered "asl-workbook" kernel.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from queue import Empty

from kernel_fixture import KERNEL_NAME, ROOT  # noqa: E402  (writes the test kernel spec, sets JUPYTER_PATH)

import jupyter_kernel_test  # noqa: E402  (after JUPYTER_PATH is set)
from jupyter_kernel_test.msgspec_v5 import validate_message  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TIMEOUT = 60


class WorkbookKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('to stderr')"
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'a' + 'b'", "result": "'ab'"},
        # A display method (Deno's convention) gives the rich part of the bundle.
        {"code": "({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<b>rich</b>' }; } })",
         "mime": "text/html", "result": "<b>rich</b>"},
        # A built-in renderer: a small tensor is an HTML table.
        {"code": "import * as tf from '@tensorflow/tfjs';\ntf.tensor2d([[1, 2], [3, 4]])", "mime": "text/html"},
    ]
    code_display_data = [
        {"code": "import { displayValue } from 'asl-workbook-notebook';\n"
                 "displayValue({ data: [{ type: 'scatter', x: [1, 2], y: [3, 4] }] });",
         "mime": "application/vnd.plotly.v1+json"},
        {"code": "import { display } from 'tslab';\ndisplay.html('<i>tslab display</i>');", "mime": "text/html"},
    ]
    code_generate_error = "throw new Error('boom')"
    completion_samples = [
        {"text": "Math.flo", "matches": {"floor"}},
        {"text": "console.lo"},
    ]
    complete_code_samples = ["1", "console.log('x')", "let complete = 1;", "function g() {\n  return 1;\n}"]
    incomplete_code_samples = ["function f() {", "const xs = [1,", "if (true) {\n  console.log(1);"]
    invalid_code_samples = ["let = ;", ")", "const = 5"]
    code_inspect_sample = "Math.max"
    code_clear_output = "import { clearOutput } from 'asl-workbook-notebook';\nclearOutput();"
    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 * 7"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Warm-up: the first cell waits for the TypeScript compiler and the tfjs backend, which on a
        # loaded machine can take longer than jupyter_kernel_test's 15 s per message.
        msg_id = cls.kc.execute("1")
        deadline = time.time() + 180
        while time.time() < deadline:
            reply = cls.kc.get_shell_msg(timeout=180)
            if reply["parent_header"].get("msg_id") == msg_id:
                break

    # -- helpers ---------------------------------------------------------------------------------

    def run_cell(self, code, timeout=TIMEOUT, stop_on_error=True):
        """Executes `code`; returns (reply, iopub messages of this request until idle)."""
        self.flush_channels()
        msg_id = self.kc.execute(code, stop_on_error=stop_on_error)
        reply = self.kc.get_shell_msg(timeout=timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=timeout)
        validate_message(reply, "execute_reply", msg_id)
        outputs = self.collect_iopub(msg_id)
        return reply, outputs

    def collect_iopub(self, msg_id, timeout=10):
        outputs = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=1)
            except Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            validate_message(msg, msg["msg_type"], msg_id)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            outputs.append(msg)
        return outputs

    def result_text(self, code):
        reply, outputs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1, outputs)
        return results[0]["content"]["data"]["text/plain"]

    def interrupt_cell(self, code, settle=2.0, attempts=6):
        """Starts `code`, interrupts it once it runs; returns its execute_reply.

        The interrupt is repeated if no reply comes: a SIGINT that arrives while the kernel is still
        compiling the cell (on a loaded machine) is consumed before the loop starts, exactly as a
        user's second press of the interrupt button would then be needed.
        """
        self.flush_channels()
        msg_id = self.kc.execute(code)
        # (No waiting for execute_input: messages queued just before a synchronous loop only leave
        # the kernel when the loop yields.)
        time.sleep(settle)
        for _ in range(attempts):
            self.km.interrupt_kernel()
            try:
                reply = self.kc.get_shell_msg(timeout=4)
            except Empty:
                continue
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = self.kc.get_shell_msg(timeout=20)
            self.collect_iopub(msg_id)
            return reply
        self.fail("the cell did not stop after %d interrupts" % attempts)

    # -- protocol details ------------------------------------------------------------------------

    def test_kernel_info_complete(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        validate_message(reply, "kernel_info_reply", msg_id)
        content = reply["content"]
        self.assertEqual(content["status"], "ok")
        self.assertEqual(content["protocol_version"], "5.3")
        info = content["language_info"]
        self.assertEqual(info["name"], "typescript")
        self.assertRegex(info["version"], r"^\d+\.\d+\.\d+$")
        self.assertEqual(info["mimetype"], "text/typescript")
        self.assertEqual(info["file_extension"], ".ts")

    def test_execute_result_has_count_and_undefined_shows_nothing(self):
        reply, outputs = self.run_cell("1 + 1")
        result = [m for m in outputs if m["msg_type"] == "execute_result"][0]
        self.assertEqual(result["content"]["execution_count"], reply["content"]["execution_count"])
        reply, outputs = self.run_cell("undefined")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m for m in outputs if m["msg_type"] == "execute_result"], [])
        reply, outputs = self.run_cell("const nothing = 1;")
        self.assertEqual([m for m in outputs if m["msg_type"] == "execute_result"], [])

    def test_rich_tensor_table(self):
        reply, outputs = self.run_cell("import * as tf from '@tensorflow/tfjs';\ntf.tensor2d([[1.5, 2], [3, 4]])")
        data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        self.assertIn("float32 [2, 2]", data["text/plain"])
        self.assertIn("<table", data["text/html"])
        self.assertIn("1.5", data["text/html"])

    def test_error_traceback_names_cell_line(self):
        code = "const base = 1;\nfunction explode(x: number) {\n  throw new RangeError('bad value ' + x);\n}\nexplode(base);"
        reply, outputs = self.run_cell(code)
        content = reply["content"]
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "RangeError")
        self.assertEqual(content["evalue"], "bad value 1")
        text = ANSI.sub("", "\n".join(content["traceback"]))
        self.assertRegex(text, r"In \[\d+\], line 3, column 9, in explode")  # at `new RangeError`
        self.assertIn("throw new RangeError('bad value ' + x);", text)
        self.assertRegex(text, r"In \[\d+\], line 5")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["content"]["ename"], "RangeError")
        self.assertNotIn("stream", [m["msg_type"] for m in outputs])

    def test_error_in_async_cell_names_line(self):
        code = "await new Promise((r) => setTimeout(r, 1));\nconst later: any = undefined;\nlater.missing.deeper;"
        reply, _ = self.run_cell(code)
        content = reply["content"]
        self.assertEqual(content["ename"], "TypeError")
        self.assertRegex(ANSI.sub("", "\n".join(content["traceback"])), r"In \[\d+\], line 3")

    def test_lib_error_names_lib_source_and_cell_line(self):
        code = "import { asymmetricLoss } from 'asl-workbook';\nconst logits = [[1, 2]];\nasymmetricLoss(logits, [[1]]);"
        reply, _ = self.run_cell(code)
        content = reply["content"]
        self.assertEqual(content["ename"], "AslInputError")
        text = ANSI.sub("", "\n".join(content["traceback"]))
        self.assertRegex(text, r"lib/(core|losses)/[a-z/-]+\.ts:\d+:\d+")  # source-mapped lib frame
        self.assertRegex(text, r"In \[\d+\], line 3, column \d+\n")
        self.assertIn("--> 3 | asymmetricLoss(logits, [[1]]);", text)

    def test_compile_error_names_line_and_column(self):
        reply, _ = self.run_cell("const fine = 1;\nconst wrong: number = 'text';")
        content = reply["content"]
        self.assertEqual(content["ename"], "TSError")
        text = ANSI.sub("", "\n".join(content["traceback"]))
        self.assertRegex(text, r"line 2, column 7: Type 'string' is not assignable to type 'number'. \(TS2322\)")

    def test_variables_of_a_failed_cell_stay_usable(self):
        reply, _ = self.run_cell("const survivor = 7;\nthrow new Error('after the assignment');")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(self.result_text("survivor * 6"), "42")

    def test_interrupt_async_loop_keeps_state(self):
        self.assertEqual(self.result_text("const before = 41;\nlet ticks = 0;\nbefore"), "41")
        reply = self.interrupt_cell("while (true) {\n  ticks++;\n  await new Promise((r) => setTimeout(r, 5));\n}")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.assertEqual(self.result_text("ticks > 0"), "true")
        self.assertEqual(self.result_text("before + 1"), "42")
        # The loop really stopped: the counter no longer moves.
        first = self.result_text("ticks")
        time.sleep(0.3)
        self.assertEqual(self.result_text("ticks"), first)

    def test_interrupt_sync_loop_keeps_state(self):
        self.assertEqual(self.result_text("const keep = 'kept';\nkeep"), "'kept'")
        reply = self.interrupt_cell("let spins = 0;\nwhile (true) {\n  spins++;\n}")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.assertEqual(self.result_text("keep"), "'kept'")
        self.assertEqual(self.result_text("spins > 0"), "true")

    def test_interrupt_stops_a_sync_loop_after_an_await(self):
        # Nothing on the main thread can run while it spins: the kernel's SIGINT watchdog threads
        # terminate the stuck JavaScript (kernel README, "Interrupts").
        self.assertEqual(self.result_text("const stuckKeep = 'kept';\nlet stuckSpins = 0;\nstuckKeep"), "'kept'")
        start = time.time()
        reply = self.interrupt_cell("await 0;\nwhile (true) {\n  stuckSpins++;\n}", settle=1.5)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.assertLess(time.time() - start, 20)
        self.assertEqual(self.result_text("stuckSpins > 0"), "true")
        self.assertEqual(self.result_text("stuckKeep"), "'kept'")
        # The kernel still runs async code and timers normally afterwards.
        self.assertEqual(self.result_text("await new Promise((r) => setTimeout(() => r(7), 10))"), "7")

    def test_process_exit_in_a_cell_is_an_error_and_the_kernel_lives(self):
        reply, outputs = self.run_cell("const beforeExit = 5;\nprocess.exit(3);")
        content = reply["content"]
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "ProcessExit")
        self.assertIn("process.exit(3) was called", content["evalue"])
        self.assertIn("restart the kernel", content["evalue"])
        self.assertEqual([m["content"]["ename"] for m in outputs if m["msg_type"] == "error"], ["ProcessExit"])
        self.assertEqual(self.result_text("beforeExit + 1"), "6")
        # From a timer: reported on the cell's stderr; the kernel keeps running.
        reply, outputs = self.run_cell("setTimeout(() => process.exit(0), 0);\nawait new Promise((r) => setTimeout(r, 100));")
        self.assertEqual(reply["content"]["status"], "ok")
        errs = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
        self.assertIn("ProcessExit", errs)
        self.assertEqual(self.result_text("beforeExit"), "5")

    def test_update_display_data(self):
        code = ("import { newDisplay } from 'asl-workbook-notebook';\n"
                "const progress = newDisplay();\n"
                "progress.update({ 'text/plain': 'step 1' });\n"
                "progress.update({ 'text/plain': 'step 2' });")
        reply, outputs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok")
        kinds = [m["msg_type"] for m in outputs if m["msg_type"] in ("display_data", "update_display_data")]
        self.assertEqual(kinds, ["display_data", "update_display_data"])
        ids = {m["content"]["transient"]["display_id"] for m in outputs if m["msg_type"] in kinds}
        self.assertEqual(len(ids), 1)

    def test_show_table_is_display_data(self):
        reply, outputs = self.run_cell("import { showTable } from 'asl-workbook-notebook';\nshowTable([{ a: 1, b: 'x' }]);")
        shown = [m for m in outputs if m["msg_type"] == "display_data"]
        self.assertEqual(len(shown), 1)
        self.assertIn("<table", shown[0]["content"]["data"]["text/html"])

    def test_backend_ready_without_banner(self):
        reply, outputs = self.run_cell("import * as tf from '@tensorflow/tfjs';\ntf.tidy(() => tf.add(1, 2).dataSync()[0])")
        self.assertEqual(reply["content"]["status"], "ok")
        streams = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        self.assertNotIn("Hi, looks like you are running TensorFlow.js", streams)
        self.assertIn(self.result_text("tf.getBackend()"), ("'wasm'", "'cpu'", "'tensorflow'", "'webgpu'"))

    def test_streams_are_stdout_and_stderr(self):
        reply, outputs = self.run_cell("console.log('out 1');\nconsole.error('err 1');\nprocess.stdout.write('out 2\\n');")
        streams = [(m["content"]["name"], m["content"]["text"]) for m in outputs if m["msg_type"] == "stream"]
        self.assertIn("out 1", "".join(t for n, t in streams if n == "stdout"))
        self.assertIn("out 2", "".join(t for n, t in streams if n == "stdout"))
        self.assertIn("err 1", "".join(t for n, t in streams if n == "stderr"))

    def test_cells_queued_behind_an_error_are_aborted(self):
        self.flush_channels()
        failing = self.kc.execute("await new Promise((r) => setTimeout(r, 300));\nthrow new Error('first fails');")
        queued = self.kc.execute("console.log('queued cell ran')")
        replies = {}
        while len(replies) < 2:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
            replies[reply["parent_header"]["msg_id"]] = reply
        validate_message(replies[queued], "execute_reply", queued)
        self.assertEqual(replies[failing]["content"]["ename"], "Error")
        self.assertEqual(replies[queued]["content"]["status"], "error")
        self.assertEqual(replies[queued]["content"]["ename"], "ExecutionAborted")
        # The next request, sent after the replies, runs.
        self.assertEqual(self.result_text("1 + 1"), "2")

    def test_interrupt_stops_a_library_loop_that_checks(self):
        # A "library" loop (built with new Function, so its awaits are not the cell's) that calls
        # throwIfKernelInterrupted() once per step, as long library loops should.
        setup = ("import { throwIfKernelInterrupted } from 'asl-workbook-notebook';\n"
                 "const libState = { steps: 0 };\n"
                 "const libLoop = new Function('check', 'state', "
                 "'return (async () => { for (;;) { state.steps++; check(); await new Promise((r) => setTimeout(r, 5)); } })()');\n"
                 "libState.steps")
        self.assertEqual(self.result_text(setup), "0")
        reply = self.interrupt_cell("await libLoop(throwIfKernelInterrupted, libState);")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        time.sleep(0.2)
        first = self.result_text("libState.steps")
        time.sleep(0.3)
        self.assertEqual(self.result_text("libState.steps"), first)
        self.assertGreater(int(first), 0)

    def test_unserialisable_result_is_reported_not_lost(self):
        reply, outputs = self.run_cell("({ [Symbol.for('Jupyter.display')]() { return { 'application/json': { n: 1n } }; } })")
        self.assertEqual(reply["content"]["status"], "ok")
        errs = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
        self.assertIn("could not send a execute_result message", errs)

    def test_escaped_errors_do_not_kill_the_kernel(self):
        # tfjs' wasm backend installs rethrowing handlers; the kernel removes them.
        reply, _ = self.run_cell("setTimeout(() => { throw new Error('late'); }, 0);\nPromise.reject(new Error('nobody awaits'));\n")
        self.assertEqual(reply["content"]["status"], "ok")
        time.sleep(0.5)
        self.assertEqual(self.result_text("20 + 22"), "42")

    def test_zz_clean_shutdown(self):
        # Runs last (alphabetical order): the kernel answers shutdown_request and exits by itself.
        self.flush_channels()
        start = time.time()
        msg_id = self.kc.shutdown()
        reply = self.kc.get_control_msg(timeout=10)
        validate_message(reply, "shutdown_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        process = self.km.provisioner.process
        deadline = time.time() + 10
        while time.time() < deadline and process.poll() is None:
            time.sleep(0.05)
        self.assertEqual(process.poll(), 0, "the kernel did not exit cleanly after shutdown_request")
        self.assertLess(time.time() - start, 5)

if __name__ == "__main__":
    unittest.main(verbosity=2)
