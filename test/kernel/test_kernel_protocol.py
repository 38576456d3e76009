"""Protocol tests of the workbook kernel over jupyter_client, playing the frontend's part:
comms (open, message, close, info), Jupyter widgets in both protocols (2.1: JupyterLab 4 /
ipywidgets 8; 1: the classic notebook's jupyter-js-widgets 2.1), interact with debouncing, errors
inside callbacks, no leaked tensors after many updates, stdin (`prompt`), the connection file's
signature scheme, notebooks outside the checkout, and the notebook size of each figure renderer.

Run (after `npm run build`):  node test/kernel/run-kernel-tests.mjs
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
import uuid
from queue import Empty

from kernel_fixture import KERNEL_NAME, NODE, ROOT, drain_iopub, iopub_until, send_shell, spec_dir  # noqa: E402

from jupyter_client.manager import start_new_kernel  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")
VIEW = "application/vnd.jupyter.widget-view+json"
START_TIMEOUT = 120


class KernelSession:
    """One kernel and a client playing the frontend."""

    def __init__(self, **kwargs):
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=START_TIMEOUT, **kwargs)
        self.run("1", timeout=180)  # warm-up: compiler and backend

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run(self, code, timeout=60, allow_stdin=False, check=True):
        """Executes `code`; returns (reply content, IOPub messages of the request until idle)."""
        msg_id = self.kc.execute(code, allow_stdin=allow_stdin)
        reply = self.kc.get_shell_msg(timeout=timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=timeout)
        outputs = iopub_until(self.kc, lambda m: m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                              and m["content"]["execution_state"] == "idle", timeout=timeout)
        if check and reply["content"]["status"] != "ok":
            raise AssertionError("cell failed: %s\n%s" % (code, "\n".join(ANSI.sub("", t) for t in reply["content"].get("traceback", []))))
        return reply["content"], outputs

    def value(self, code):
        """The text/plain result of `code`."""
        _, outputs = self.run(code)
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        assert results, "no result for %r: %s" % (code, [m["msg_type"] for m in outputs])
        return results[0]["content"]["data"]["text/plain"]

    def comm(self, msg_type, comm_id, data=None, target_name=None, metadata=None):
        content = {"comm_id": comm_id, "data": data or {}}
        if target_name:
            content["target_name"] = target_name
        msg = self.kc.session.msg(msg_type, content, metadata=metadata or {})
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def wait_comm(self, comm_id, predicate=lambda d: True, msg_type="comm_msg", timeout=20):
        """The first IOPub comm message on `comm_id` whose data satisfies `predicate`."""
        seen = iopub_until(self.kc, lambda m: m["msg_type"] == msg_type and m["content"].get("comm_id") == comm_id
                           and predicate(m["content"].get("data", {})), timeout=timeout)
        return seen[-1]


class SessionTestCase(unittest.TestCase):
    """Tests of one class share one kernel session."""

    @classmethod
    def setUpClass(cls):
        cls.s = KernelSession()

    @classmethod
    def tearDownClass(cls):
        cls.s.close()


def widget_opens(messages):
    """Widget comm_open messages by comm id."""
    return {m["content"]["comm_id"]: m for m in messages if m["msg_type"] == "comm_open" and m["content"]["target_name"] == "jupyter.widget"}


class CommAndWidgetProtocol2Tests(SessionTestCase):
    """Comms, widgets in protocol 2.1 (what JupyterLab 4 speaks), interact, errors, leaks, stdin."""

    def setUp(self):
        drain_iopub(self.s.kc, quiet=0.1)

    # -- comms -------------------------------------------------------------------------------------

    def test_comm_open_message_close_and_info(self):
        s = self.s
        s.run("import { registerCommTarget, listComms } from 'asl-workbook-notebook';\n"
              "const received: unknown[] = [];\nlet closedWith: unknown = 'open';\n"
              "registerCommTarget('test.echo', (comm, open) => {\n"
              "  received.push(open.data);\n"
              "  comm.onMessage((m) => { received.push(m.data); comm.send({ echo: m.data, buffers: m.buffers.length }); });\n"
              "  comm.onClose((m) => { closedWith = m?.data ?? null; });\n"
              "  comm.send({ hello: 'frontend' });\n"
              "});")
        cid = uuid.uuid4().hex
        open_id = s.comm("comm_open", cid, {"x": 1}, target_name="test.echo")
        greeting = s.wait_comm(cid, lambda d: d.get("hello") == "frontend")
        self.assertEqual(greeting["parent_header"]["msg_id"], open_id)  # sent under the frontend's comm_open
        s.kc.comm_info()
        info = s.kc.get_shell_msg(timeout=10)
        self.assertEqual(info["msg_type"], "comm_info_reply")
        self.assertEqual(info["content"]["comms"][cid], {"target_name": "test.echo"})
        msg_id = s.comm("comm_msg", cid, {"n": 2})
        echo = s.wait_comm(cid, lambda d: "echo" in d)
        self.assertEqual(echo["content"]["data"], {"echo": {"n": 2}, "buffers": 0})
        self.assertEqual(echo["parent_header"]["msg_id"], msg_id)
        # comm_info filtered by target
        s.kc.comm_info(target_name="jupyter.widget")
        self.assertNotIn(cid, s.kc.get_shell_msg(timeout=10)["content"]["comms"])
        s.comm("comm_close", cid, {"bye": True})
        time.sleep(0.2)
        self.assertEqual(s.value("JSON.stringify([received, closedWith, listComms('test.echo').length])"),
                         "'[[{\"x\":1},{\"n\":2}],{\"bye\":true},0]'")

    def test_unknown_target_is_closed_and_kernel_opened_comm(self):
        s = self.s
        cid = uuid.uuid4().hex
        s.comm("comm_open", cid, {}, target_name="no.such.target")
        closed = iopub_until(s.kc, lambda m: m["msg_type"] == "comm_close" and m["content"]["comm_id"] == cid)[-1]
        self.assertEqual(closed["content"]["comm_id"], cid)
        _, outputs = s.run("import { openComm } from 'asl-workbook-notebook';\n"
                           "const mine = openComm('frontend.target', { from: 'kernel' }, { metadata: { v: 1 } });\n"
                           "const replies: unknown[] = [];\nmine.onMessage((m) => { replies.push(m.data); });")
        opened = [m for m in outputs if m["msg_type"] == "comm_open"]
        self.assertEqual(len(opened), 1)
        self.assertEqual(opened[0]["content"]["target_name"], "frontend.target")
        self.assertEqual(opened[0]["content"]["data"], {"from": "kernel"})
        self.assertEqual(opened[0]["metadata"], {"v": 1})
        kid = opened[0]["content"]["comm_id"]
        s.comm("comm_msg", kid, {"answer": 42})
        time.sleep(0.2)
        self.assertEqual(s.value("JSON.stringify(replies)"), "'[{\"answer\":42}]'")
        _, outputs = s.run("mine.close({ done: true });\nmine.isOpen")
        self.assertEqual([m["content"]["data"] for m in outputs if m["msg_type"] == "comm_close"], [{"done": True}])

    def test_an_error_in_a_comm_handler_is_reported_under_its_message(self):
        s = self.s
        s.run("import { registerCommTarget } from 'asl-workbook-notebook';\nregisterCommTarget('test.fails', (comm) => comm.onMessage(() => { throw new RangeError('handler broke'); }));")
        cid = uuid.uuid4().hex
        s.comm("comm_open", cid, {}, target_name="test.fails")
        msg_id = s.comm("comm_msg", cid, {})
        err = iopub_until(s.kc, lambda m: m["msg_type"] == "error" and m["parent_header"].get("msg_id") == msg_id)[-1]
        self.assertEqual(err["content"]["ename"], "RangeError")
        self.assertEqual(err["content"]["evalue"], "handler broke")
        self.assertTrue(any("In [" in ANSI.sub("", t) for t in err["content"]["traceback"]), err["content"]["traceback"])
        # idle for that message follows, and the kernel keeps serving
        iopub_until(s.kc, lambda m: m["msg_type"] == "status" and m["parent_header"].get("msg_id") == msg_id
                    and m["content"]["execution_state"] == "idle")
        self.assertEqual(s.value("1 + 1"), "2")

    # -- widgets, protocol 2.1 ---------------------------------------------------------------------

    def test_widget_open_display_update_echo_state_and_close(self):
        s = self.s
        _, outputs = s.run("import { IntSlider, widgetFrontend } from 'asl-workbook-notebook';\n"
                           "const slider = new IntSlider({ description: 'n', min: 0, max: 10, value: 3, layout: { width: '300px' } });\n"
                           "const seen: number[] = [];\nslider.observe('value', (c) => { seen.push(c.new as number); });\nslider")
        opens = widget_opens(outputs)
        slider = [m for m in opens.values() if m["content"]["data"]["state"]["_model_name"] == "IntSliderModel"]
        layout = [m for m in opens.values() if m["content"]["data"]["state"]["_model_name"] == "LayoutModel"]
        self.assertEqual(len(slider), 1)
        self.assertEqual(len(layout), 1)
        open_msg = slider[0]
        state = open_msg["content"]["data"]["state"]
        self.assertEqual(open_msg["metadata"], {"version": "2.1.0"})
        self.assertEqual(open_msg["content"]["data"]["buffer_paths"], [])
        self.assertEqual((state["_model_module"], state["_model_module_version"], state["_view_name"]),
                         ("@jupyter-widgets/controls", "2.0.0", "IntSliderView"))
        self.assertEqual((state["value"], state["min"], state["max"], state["description"]), (3, 0, 10, "n"))
        self.assertEqual(state["layout"], "IPY_MODEL_" + layout[0]["content"]["comm_id"])
        self.assertEqual(layout[0]["content"]["data"]["state"]["_model_module"], "@jupyter-widgets/base")
        # the layout model is opened before the slider that refers to it
        order = [m["content"]["comm_id"] for m in outputs if m["msg_type"] == "comm_open"]
        self.assertLess(order.index(layout[0]["content"]["comm_id"]), order.index(open_msg["content"]["comm_id"]))
        shown = [m for m in outputs if m["msg_type"] == "display_data" and VIEW in m["content"]["data"]]
        self.assertEqual(len(shown), 1)
        self.assertEqual(shown[0]["content"]["data"][VIEW], {"model_id": open_msg["content"]["comm_id"], "version_major": 2, "version_minor": 0})
        self.assertIn("IntSlider(value=3", shown[0]["content"]["data"]["text/plain"])
        self.assertEqual([m for m in outputs if m["msg_type"] == "execute_result"], [])
        cid = open_msg["content"]["comm_id"]

        # the frontend moves it: echo_update under that message, observers run, no 'update' back
        msg_id = s.comm("comm_msg", cid, {"method": "update", "state": {"value": 7}, "buffer_paths": []})
        echo = s.wait_comm(cid, lambda d: d.get("method") == "echo_update")
        self.assertEqual(echo["parent_header"]["msg_id"], msg_id)
        self.assertEqual(echo["content"]["data"]["state"], {"value": 7})
        after = drain_iopub(s.kc, 0.3)
        self.assertFalse([m for m in after if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "update"], after)
        self.assertEqual(s.value("slider.value"), "7")
        # out of range: clamped by the kernel, which tells the frontend
        s.comm("comm_msg", cid, {"method": "update", "state": {"value": 1000}, "buffer_paths": []})
        upd = s.wait_comm(cid, lambda d: d.get("method") == "update")
        self.assertEqual(upd["content"]["data"]["state"], {"value": 10})
        # a kernel change sends only what changed
        _, outputs = s.run("slider.value = 4;")
        ups = [m["content"]["data"] for m in outputs if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == cid]
        self.assertEqual(ups, [{"method": "update", "state": {"value": 4}, "buffer_paths": []}])
        self.assertEqual(s.value("JSON.stringify(seen)"), "'[7,10,4]'")
        # request_state: the whole state, under the request
        msg_id = s.comm("comm_msg", cid, {"method": "request_state"})
        full = s.wait_comm(cid, lambda d: d.get("method") == "update" and "_model_name" in d.get("state", {}))
        self.assertEqual(full["parent_header"]["msg_id"], msg_id)
        self.assertEqual(full["content"]["data"]["state"]["value"], 4)
        # the control comm (JupyterLab's restore): every open widget's state
        ctl = uuid.uuid4().hex
        s.comm("comm_open", ctl, {}, target_name="jupyter.widget.control", metadata={"version": "1.0.0"})
        s.comm("comm_msg", ctl, {"method": "request_states"})
        states = s.wait_comm(ctl, lambda d: d.get("method") == "update_states")["content"]["data"]
        self.assertEqual(states["states"][cid]["model_name"], "IntSliderModel")
        self.assertEqual(states["states"][cid]["model_module"], "@jupyter-widgets/controls")
        self.assertEqual(states["states"][cid]["state"]["value"], 4)
        self.assertEqual(states["buffer_paths"], [])
        self.assertEqual(s.value("widgetFrontend().protocol"), "2")
        # comm_info lists the widget; close removes it
        s.kc.comm_info(target_name="jupyter.widget")
        self.assertIn(cid, s.kc.get_shell_msg(timeout=10)["content"]["comms"])
        _, outputs = s.run("slider.close();")
        self.assertIn(cid, [m["content"]["comm_id"] for m in outputs if m["msg_type"] == "comm_close"])
        s.kc.comm_info(target_name="jupyter.widget")
        self.assertNotIn(cid, s.kc.get_shell_msg(timeout=10)["content"]["comms"])

    def test_dropdown_checkbox_text_button_and_boxes(self):
        s = self.s
        _, outputs = s.run(
            "import { Dropdown, Checkbox, Text, Button, HBox, VBox, Label } from 'asl-workbook-notebook';\n"
            "const loss = new Dropdown({ description: 'loss', options: [['ASL', 'asl'], ['BCE', 'bce'], ['focal', 'focal']], value: 'bce' });\n"
            "const flag = new Checkbox({ description: 'detach' });\nconst name = new Text({ value: 'run' });\n"
            "const go = new Button({ description: 'go', buttonStyle: 'primary' });\nlet clicked = 0;\nlet submitted = '';\n"
            "go.onClick(() => { clicked++; });\nname.onSubmit((v) => { submitted = v; });\n"
            "new VBox({ children: [new HBox({ children: [loss, flag] }), name, go, new Label({ value: 'hi' })] })")
        opens = widget_opens(outputs)
        by = {m["content"]["data"]["state"]["_model_name"]: m["content"]["comm_id"] for m in opens.values()}
        for model in ("DropdownModel", "CheckboxModel", "TextModel", "ButtonModel", "HBoxModel", "VBoxModel", "LabelModel"):
            self.assertIn(model, by)
        dd = opens[by["DropdownModel"]]["content"]["data"]["state"]
        self.assertEqual((dd["_options_labels"], dd["index"]), (["ASL", "BCE", "focal"], 1))
        vbox = opens[by["VBoxModel"]]["content"]["data"]["state"]
        self.assertEqual(vbox["children"][0], "IPY_MODEL_" + by["HBoxModel"])
        s.comm("comm_msg", by["DropdownModel"], {"method": "update", "state": {"index": 2}, "buffer_paths": []})
        s.comm("comm_msg", by["CheckboxModel"], {"method": "update", "state": {"value": True}, "buffer_paths": []})
        s.comm("comm_msg", by["TextModel"], {"method": "update", "state": {"value": "run 2"}, "buffer_paths": []})
        s.comm("comm_msg", by["TextModel"], {"method": "custom", "content": {"event": "submit"}})
        for _ in range(3):
            s.comm("comm_msg", by["ButtonModel"], {"method": "custom", "content": {"event": "click"}})
        time.sleep(0.3)
        self.assertEqual(s.value("JSON.stringify([loss.value, loss.label, flag.value, name.value, submitted, clicked])"),
                         "'[\"focal\",\"focal\",true,\"run 2\",\"run 2\",3]'")

    def test_an_error_in_an_observer_is_an_error_output_and_other_observers_run(self):
        s = self.s
        _, outputs = s.run("import { FloatSlider } from 'asl-workbook-notebook';\nconst fragile = new FloatSlider({ value: 1 });\n"
                           "let after = 0;\nfragile.observe('value', () => { throw new TypeError('observer failed'); });\n"
                           "fragile.observe('value', () => { after++; });\nfragile")
        cid = [c for c, m in widget_opens(outputs).items() if m["content"]["data"]["state"]["_model_name"] == "FloatSliderModel"][0]
        msg_id = s.comm("comm_msg", cid, {"method": "update", "state": {"value": 2.5}, "buffer_paths": []})
        err = iopub_until(s.kc, lambda m: m["msg_type"] == "error" and m["parent_header"].get("msg_id") == msg_id)[-1]
        self.assertEqual((err["content"]["ename"], err["content"]["evalue"]), ("TypeError", "observer failed"))
        text = ANSI.sub("", "\n".join(err["content"]["traceback"]))
        self.assertRegex(text, r"In \[\d+\], line 4")
        self.assertEqual(s.value("after"), "1")

    def test_interact_debounces_shows_outputs_reports_errors_and_leaks_no_tensors(self):
        s = self.s
        _, outputs = s.run(
            "import * as tf from '@tensorflow/tfjs';\n"
            "import { interact, FloatSlider } from 'asl-workbook-notebook';\nimport { lossCurves } from 'asl-workbook';\n"
            "let calls = 0;\nconst tensorsBefore = tf.memory().numTensors;\n"
            "const ui = interact({ gammaNeg: new FloatSlider({ min: 0, max: 8, step: 0.5, value: 4 }) }, ({ gammaNeg }) => {\n"
            "  calls++;\n  if (gammaNeg === 7.5) throw new Error('no 7.5 please');\n"
            "  const c = lossCurves({ name: 'asl', params: { gammaNeg, gammaPos: 0, clip: 0.05 } }, { points: 50 });\n"
            "  console.log(`γ− = ${gammaNeg}`);\n  return { gammaNeg, maxWeight: Math.max(...c.negative.weight) };\n"
            "}, { debounceMs: 40 });\nawait ui.ready;")
        opens = widget_opens(outputs)
        slider = [c for c, m in opens.items() if m["content"]["data"]["state"]["_model_name"] == "FloatSliderModel"][0]
        out = [c for c, m in opens.items() if m["content"]["data"]["state"]["_model_name"] == "OutputModel"][0]
        self.assertEqual(opens[out]["content"]["data"]["state"]["_model_module"], "@jupyter-widgets/output")
        outputs_state = [m["content"]["data"]["state"]["outputs"] for m in outputs
                         if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == out and "outputs" in m["content"]["data"].get("state", {})]
        self.assertTrue(outputs_state, "the first run's outputs were not synced in the cell")
        first = outputs_state[-1]
        self.assertEqual(first[0], {"output_type": "stream", "name": "stdout", "text": "γ− = 4\n"})
        self.assertIn("gammaNeg: 4", first[1]["data"]["text/plain"])
        self.assertEqual(s.value("calls"), "1")

        # 20 quick updates (a drag): far fewer runs, the last value wins
        for i in range(20):
            s.comm("comm_msg", slider, {"method": "update", "state": {"value": 0.5 * (i % 14)}, "buffer_paths": []})
        last = 0.5 * (19 % 14)
        def shows_last(d):
            st = d.get("state", {})
            return d.get("method") == "update" and "outputs" in st and any(
                o.get("text") == "γ− = %s\n" % (int(last) if last == int(last) else last) for o in st["outputs"])
        s.wait_comm(out, shows_last, timeout=20)
        time.sleep(0.3)
        calls = int(s.value("calls"))
        self.assertLess(calls, 1 + 20, "every update ran the function: no debouncing")
        self.assertGreaterEqual(calls, 2)

        # an error in the function is shown in the output area
        s.comm("comm_msg", slider, {"method": "update", "state": {"value": 7.5}, "buffer_paths": []})
        upd = s.wait_comm(out, lambda d: any(o.get("output_type") == "error" for o in d.get("state", {}).get("outputs", [])))
        err = [o for o in upd["content"]["data"]["state"]["outputs"] if o["output_type"] == "error"][0]
        self.assertEqual(err["evalue"], "no 7.5 please")
        self.assertEqual(s.value("ui.lastError instanceof Error"), "true")

        # many updates, one at a time: no tensor survives
        for i in range(60):
            s.comm("comm_msg", slider, {"method": "update", "state": {"value": 0.5 * (i % 12)}, "buffer_paths": []})
            if i % 10 == 9:
                time.sleep(0.1)
        time.sleep(0.5)
        s.run("await ui.update();")
        self.assertEqual(s.value("tf.memory().numTensors - tensorsBefore"), "0")
        self.assertGreater(int(s.value("ui.runs")), 5)

    def test_output_widget_capture_clear_and_display_updates(self):
        s = self.s
        _, outputs = s.run("import { Output, newDisplay } from 'asl-workbook-notebook';\nconst area = new Output();\narea.display();\n"
                           "area.capture(() => { console.log('one'); console.log('two'); });\n"
                           "const d = area.capture(() => newDisplay());\narea.capture(() => d.update({ 'text/plain': 'v1' }));\n"
                           "area.capture(() => d.update({ 'text/plain': 'v2' }));")
        out = [c for c, m in widget_opens(outputs).items() if m["content"]["data"]["state"]["_model_name"] == "OutputModel"][0]
        time.sleep(0.2)
        self.assertEqual(s.value("JSON.stringify(area.outputs)"),
                         "'[{\"output_type\":\"stream\",\"name\":\"stdout\",\"text\":\"one\\\\ntwo\\\\n\"},"
                         "{\"output_type\":\"display_data\",\"data\":{\"text/plain\":\"v2\"},\"metadata\":{}}]'")
        _, outputs = s.run("area.clear();\nawait new Promise((r) => setTimeout(r, 50));")
        synced = [m["content"]["data"]["state"]["outputs"] for m in outputs if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == out]
        self.assertEqual(synced[-1], [])

    def test_train_and_watch_panel_trains_on_start_and_stops_on_stop(self):
        # Chapter 9's cell, as committed: nothing trains until Start; Stop ends the run at its next step.
        with open(os.path.join(ROOT, "notebooks", "09-beyond-asl.ipynb")) as f:
            cell = next(c for c in json.load(f)["cells"] if "asl-train-and-watch" in c["metadata"].get("tags", []))
        s = self.s
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        _, outputs = s.run(source)
        ids = {m["content"]["data"]["state"]["_model_name"] + ":" + str(m["content"]["data"]["state"].get("description", "")): c
               for c, m in widget_opens(outputs).items()}
        button, epochs, label = ids["ButtonModel:Start"], ids["IntSliderModel:epochs"], ids["LabelModel:"]
        self.assertFalse([m for m in outputs if m["msg_type"] == "stream" and "epoch" in m["content"]["text"]])  # nothing ran
        s.comm("comm_msg", epochs, {"method": "update", "state": {"value": 6}, "buffer_paths": []})
        s.comm("comm_msg", button, {"method": "custom", "content": {"event": "click"}})
        s.wait_comm(button, lambda d: d.get("state", {}).get("description") == "Stop")
        s.wait_comm(label, lambda d: "training with asl" in str(d.get("state", {}).get("value", "")), timeout=60)
        s.comm("comm_msg", button, {"method": "custom", "content": {"event": "click"}})
        done = s.wait_comm(label, lambda d: re.search(r"stopped|best val mAP", str(d.get("state", {}).get("value", ""))), timeout=60)
        self.assertEqual(done["content"]["data"]["state"]["value"], "asl: stopped")
        s.wait_comm(button, lambda d: d.get("state", {}).get("description") == "Start")
        self.assertEqual(s.value("watchRun === undefined"), "true")

    # -- stdin ---------------------------------------------------------------------------------------

    def test_prompt_asks_on_stdin_and_returns_the_answer(self):
        s = self.s
        msg_id = s.kc.execute("import { prompt } from 'asl-workbook-notebook';\nconst who = await prompt('Your name? ');\n"
                              "const secret = await prompt('Token: ', { password: true });\n`${who}/${secret.length}`", allow_stdin=True)
        req = s.kc.get_stdin_msg(timeout=30)
        self.assertEqual(req["msg_type"], "input_request")
        self.assertEqual(req["content"], {"prompt": "Your name? ", "password": False})
        self.assertEqual(req["parent_header"]["msg_id"], msg_id)
        s.kc.input("Ada")
        req = s.kc.get_stdin_msg(timeout=30)
        self.assertEqual(req["content"], {"prompt": "Token: ", "password": True})
        s.kc.input("s3cr3t")
        reply = s.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["content"]["status"], "ok")
        result = iopub_until(s.kc, lambda m: m["msg_type"] == "execute_result" and m["parent_header"].get("msg_id") == msg_id)[-1]
        self.assertEqual(result["content"]["data"]["text/plain"], "'Ada/6'")

    def test_prompt_without_stdin_fails_clearly_or_uses_its_default(self):
        s = self.s
        s.run("import { prompt } from 'asl-workbook-notebook';")
        content, _ = s.run("await prompt('name? ')", allow_stdin=False, check=False)
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "StdinNotAllowedError")
        self.assertIn("allow_stdin is false", content["evalue"])
        self.assertEqual(s.value("await prompt('name? ', { default: 'nobody' })"), "'nobody'")

    def test_interrupt_while_waiting_for_input(self):
        s = self.s
        msg_id = s.kc.execute("import { prompt } from 'asl-workbook-notebook';\nconst never = await prompt('waiting: ');", allow_stdin=True)
        s.kc.get_stdin_msg(timeout=30)
        s.km.interrupt_kernel()
        reply = s.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.assertEqual(s.value("2 + 2"), "4")


class ClassicWidgetProtocolTests(SessionTestCase):
    """Protocol 1: what Debian's Notebook 6.4 widget extension (jupyter-js-widgets 2.1.4) speaks."""

    def test_1_version_comm_negotiates_protocol_1_and_widgets_speak_it(self):
        s = self.s
        ver = uuid.uuid4().hex
        s.comm("comm_open", ver, {}, target_name="jupyter.widget.version")
        asked = s.wait_comm(ver, lambda d: "version" in d)
        self.assertEqual(asked["content"]["data"], {"version": "~2.1.4"})
        s.comm("comm_msg", ver, {"validated": True, "frontend_version": "2.1.4"})
        time.sleep(0.2)
        s.run("import { IntSlider, Output, widgetFrontend, interact } from 'asl-workbook-notebook';")
        self.assertEqual(s.value("JSON.stringify(widgetFrontend())"),
                         "'{\"protocol\":1,\"source\":\"version-comm\",\"frontendVersion\":\"2.1.4\",\"validated\":true,\"frontendConnected\":true}'")
        content, outputs = s.run("const n = new IntSlider({ value: 2, max: 5 });\nn")
        opens = widget_opens(outputs)
        self.assertEqual(len(opens), 1)
        cid, open_msg = next(iter(opens.items()))
        state = open_msg["content"]["data"]
        self.assertEqual((state["_model_module"], state["_model_module_version"], state["_model_name"]), ("jupyter-js-widgets", "~2.1.4", "IntSliderModel"))
        self.assertEqual((state["value"], state["max"], state["msg_throttle"]), (2, 5, 1))
        # shown in the cell's widget area (a 'display' comm message under the execute request) ...
        display = [m for m in outputs if m["msg_type"] == "comm_msg" and m["content"]["data"] == {"method": "display"}]
        self.assertEqual(len(display), 1)
        # ... and a display_data with only the view MIME type, so a reloaded page shows it again
        shown = [m["content"]["data"] for m in outputs if m["msg_type"] == "display_data"]
        self.assertEqual(shown, [{VIEW: {"model_id": cid}}])
        # the frontend's 'backbone' sync; no echo in this protocol
        s.comm("comm_msg", cid, {"method": "backbone", "sync_method": "update", "sync_data": {"value": 4}})
        after = drain_iopub(s.kc, 0.3)
        self.assertFalse([m for m in after if m["msg_type"] == "comm_msg" and m["content"].get("comm_id") == cid], after)
        self.assertEqual(s.value("n.value"), "4")
        # request_state answers with the state itself, protocol-1 style
        s.comm("comm_msg", cid, {"method": "request_state"})
        full = s.wait_comm(cid, lambda d: d.get("method") == "update")
        self.assertEqual(full["content"]["data"]["state"]["_model_module"], "jupyter-js-widgets")
        self.assertEqual(full["content"]["data"]["buffers"], [])

    def test_2_output_widget_routes_outputs_by_its_capture_id(self):
        s = self.s
        self.assertEqual(s.value("widgetFrontend().protocol"), "1")  # negotiated by test_1
        content, outputs = s.run("const o = new Output();\no.display();")
        cid = [c for c, m in widget_opens(outputs).items() if m["content"]["data"]["_model_name"] == "OutputModel"][0]
        capture = "asl-output-" + cid
        # the capture id is set after the model exists (the extension listens to changes only)
        msg_id_update = [m for m in outputs if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == cid and "state" in m["content"]["data"]]
        self.assertEqual(msg_id_update[-1]["content"]["data"]["state"], {"msg_id": capture})
        _, routed = s.run("o.capture(() => console.log('into the widget'));\no.clear(true);\no.appendStdout('second');")
        routed += drain_iopub(s.kc, 0.4)
        kinds = [(m["msg_type"], m["content"].get("text")) for m in routed if m["parent_header"].get("msg_id") == capture]
        self.assertEqual(kinds, [("stream", "into the widget\n"), ("clear_output", None), ("stream", "second")])


class HardeningTests(unittest.TestCase):
    """The connection file's signature scheme: honoured, or refused at start-up with a clear message."""

    def start_raw_kernel(self, scheme, key="secret"):
        folder = tempfile.mkdtemp(prefix="asl-conn-")
        conn = os.path.join(folder, "kernel.json")
        with open(conn, "w") as f:
            json.dump({"shell_port": 0, "iopub_port": 0, "stdin_port": 0, "control_port": 0, "hb_port": 0, "ip": "127.0.0.1",
                       "key": key, "transport": "tcp", "signature_scheme": scheme, "kernel_name": KERNEL_NAME}, f)
        main = os.path.join(ROOT, "packages", "notebook", "dist", "kernel", "main.js")
        try:
            return subprocess.run([NODE, main, "--connection-file", conn, "--no-backend"], capture_output=True, text=True, timeout=60)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def test_unsupported_signature_scheme_is_refused_at_start(self):
        done = self.start_raw_kernel("hmac-nosuchdigest")
        self.assertEqual(done.returncode, 1)
        self.assertIn("unsupported signature_scheme \"hmac-nosuchdigest\"", done.stderr)
        self.assertIn("hmac-sha256", done.stderr)
        self.assertNotIn("    at ", done.stderr)  # a message, not a stack

    def test_other_hmac_digests_and_no_key_work(self):
        from jupyter_client.manager import KernelManager
        for scheme, key in (("hmac-sha512", b"k3y"), ("hmac-sha256", b"")):
            km = KernelManager(kernel_name=KERNEL_NAME)
            km.session.signature_scheme = scheme
            km.session.key = key
            km.start_kernel()
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=START_TIMEOUT)
                with open(km.connection_file) as f:
                    written = json.load(f)
                self.assertEqual((written["signature_scheme"], written["key"]), (scheme, key.decode()))
                msg_id = kc.execute("40 + 2")
                reply = kc.get_shell_msg(timeout=180)
                while reply["parent_header"].get("msg_id") != msg_id:
                    reply = kc.get_shell_msg(timeout=180)
                self.assertEqual(reply["content"]["status"], "ok", (scheme, key))
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=True)


class NotebooksAnywhereTests(unittest.TestCase):
    """A kernel installed from the package finds the packages installed beside it, from any folder."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="asl-anywhere-")
        project = os.path.join(cls.tmp, "project")
        modules = os.path.join(project, "node_modules")
        os.makedirs(os.path.join(modules, ".bin"))
        # The layout `npm install asl-workbook asl-workbook-notebook @tensorflow/tfjs` makes (linked here).
        os.symlink(os.path.join(ROOT, "lib"), os.path.join(modules, "asl-workbook"))
        os.symlink(os.path.join(ROOT, "packages", "notebook"), os.path.join(modules, "asl-workbook-notebook"))
        os.symlink(os.path.join(ROOT, "node_modules", "@tensorflow"), os.path.join(modules, "@tensorflow"))
        os.symlink(os.path.join("..", "asl-workbook-notebook", "bin", "asl-kernel.js"), os.path.join(modules, ".bin", "asl-kernel"))
        cls.jupyter = os.path.join(cls.tmp, "jupyter")
        done = subprocess.run([NODE, os.path.join(modules, ".bin", "asl-kernel"), "install", "--prefix", cls.jupyter, "--name", "asl-anywhere"],
                              capture_output=True, text=True, check=True)
        cls.spec = os.path.join(cls.jupyter, "share", "jupyter", "kernels", "asl-anywhere", "kernel.json")
        with open(cls.spec) as f:
            cls.spec_json = json.load(f)
        cls.notebooks = os.path.join(cls.tmp, "elsewhere", "notebooks")
        os.makedirs(cls.notebooks)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def kernel(self, env_node_path):
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import KernelManager
        spec = dict(self.spec_json)
        spec["env"] = dict(spec["env"])
        if env_node_path is None:
            spec["env"].pop("NODE_PATH", None)
        folder = os.path.join(self.tmp, "specs-%s" % ("none" if env_node_path is None else "set"), "kernels", "asl-anywhere")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "kernel.json"), "w") as f:
            json.dump(spec, f)
        ksm = KernelSpecManager(kernel_dirs=[os.path.dirname(folder)])
        km = KernelManager(kernel_name="asl-anywhere", kernel_spec_manager=ksm)
        env = {k: v for k, v in os.environ.items() if k != "NODE_PATH"}
        km.start_kernel(cwd=self.notebooks, env=env)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=START_TIMEOUT)
        return km, kc

    def execute(self, kc, code):
        msg_id = kc.execute(code)
        reply = kc.get_shell_msg(timeout=180)
        while reply["parent_header"]["msg_id"] != msg_id:
            reply = kc.get_shell_msg(timeout=180)
        return reply["content"]

    def test_install_puts_the_project_node_modules_in_the_spec(self):
        self.assertEqual(os.path.realpath(self.spec_json["env"]["NODE_PATH"]), os.path.realpath(os.path.join(self.tmp, "project", "node_modules")))

    def test_a_notebook_in_any_folder_imports_and_type_checks_the_workbook(self):
        km, kc = self.kernel(env_node_path="spec")
        try:
            content = self.execute(kc, "import { asymmetricLoss } from 'asl-workbook';\nimport { IntSlider } from 'asl-workbook-notebook';\n"
                                       "const loss: number = asymmetricLoss([[2, -1]], [[1, 0]]).arraySync() as number;\nnew IntSlider().kind")
            self.assertEqual(content["status"], "ok", ANSI.sub("", "\n".join(content.get("traceback", []))))
            # Types come through: a wrong argument type is a compile error naming the library's type.
            content = self.execute(kc, "import { lossCurves } from 'asl-workbook';\nlossCurves('asl', { points: 'many' });")
            self.assertEqual(content["ename"], "TSError")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def test_without_node_path_the_error_says_how_to_fix_it(self):
        km, kc = self.kernel(env_node_path=None)
        try:
            content = self.execute(kc, "import { asymmetricLoss } from 'asl-workbook';")
            self.assertEqual(content["ename"], "TSError")
            text = ANSI.sub("", "\n".join(content["traceback"]))
            self.assertIn("Cannot find module 'asl-workbook'", text)
            self.assertIn("npm install asl-workbook asl-workbook-notebook @tensorflow/tfjs", text)
            self.assertIn("npx asl-kernel install", text)
            self.assertIn(self.notebooks, text)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


class FigureRendererSizeTests(unittest.TestCase):
    """A new notebook with one small figure, executed and saved with each renderer (set by the
    environment variable ASL_FIGURE_RENDERER): its size on disk."""

    SIZES = {}

    def notebook_size(self, renderer):
        import nbformat
        from nbclient import NotebookClient
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(
            "import { lineFigure, showFigure } from 'asl-workbook-notebook';\n"
            "showFigure(lineFigure([{ name: 'loss', x: [1, 2, 3, 4, 5], y: [0.9, 0.6, 0.45, 0.4, 0.38] }], { title: 'five points' }));")]
        old = os.environ.get("ASL_FIGURE_RENDERER")
        os.environ["ASL_FIGURE_RENDERER"] = renderer
        try:
            NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=180, startup_timeout=START_TIMEOUT).execute()
        finally:
            if old is None:
                os.environ.pop("ASL_FIGURE_RENDERER", None)
            else:
                os.environ["ASL_FIGURE_RENDERER"] = old
        folder = tempfile.mkdtemp(prefix="asl-size-")
        path = os.path.join(folder, "one-figure-%s.ipynb" % renderer)
        nbformat.write(nb, path)
        size = os.path.getsize(path)
        shutil.rmtree(folder, ignore_errors=True)
        data = nb.cells[0].outputs[-1]["data"]
        FigureRendererSizeTests.SIZES[renderer] = size
        return size, data

    def test_sizes(self):
        size, data = self.notebook_size("cdn")
        self.assertLess(size, 100_000)
        self.assertIn("cdn.plot.ly/plotly-", data["text/html"])
        size, data = self.notebook_size("mimetype")
        self.assertLess(size, 100_000)
        self.assertEqual(sorted(data), ["application/vnd.plotly.v1+json", "text/plain"])
        size, data = self.notebook_size("inline")
        self.assertGreater(size, 3_000_000)
        self.assertIn('id="asl-plotly-bundle"', data["text/html"])
        sys.stderr.write("\nnotebook with one 5-point figure, bytes on disk: %s\n" % ", ".join(
            "%s %d" % kv for kv in sorted(FigureRendererSizeTests.SIZES.items())))


if __name__ == "__main__":
    unittest.main(verbosity=2)
