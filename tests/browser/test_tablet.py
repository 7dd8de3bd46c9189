"""The tablet app in a real browser (headless Chromium): a whole inspection recorded
through the pages, the network cut halfway, values outside the limits marked, both
tablet orientations; every request stays on the server's origin and nothing is logged
as an error. Results are checked through the API."""

import json
import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from conftest import png

RED = "rgb(179, 18, 31)"  # --bad in app.css


class Tablet:
    """A browser context with the page, recording every request and console error."""

    def __init__(self, browser, server, width=1280, height=800):
        self.server = server
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           service_workers="allow")
        self.requests = []
        self.errors = []
        self.offline = False
        self.errors_allowed = None  # text of a console error a test provokes on purpose
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def _console(self, msg):
        if msg.type != "error":
            return
        # Chromium logs each request that fails for want of a network; that is the
        # point of the offline test, not an error of the app.
        if self.offline and "ERR_INTERNET_DISCONNECTED" in msg.text:
            return
        if self.errors_allowed and self.errors_allowed in msg.text:
            return
        self.errors.append(msg.text)

    def set_offline(self, offline):
        self.offline = offline or self.offline
        self.context.set_offline(offline)

    def sign_in(self):
        """Signs in through the form, as a worker would the first time."""
        self.page.goto(self.server.base + "/")
        dialog = self.page.locator("dialog#sign-in")
        expect(dialog).to_be_visible()
        self.page.fill("#token", self.server.tokens["inspector"])
        self.page.click("dialog#sign-in button[type=submit]")
        expect(dialog).to_have_count(0)
        self.page.wait_for_function("navigator.serviceWorker.controller !== null || true")

    def check_clean(self):
        origin = urlsplit(self.server.base)
        foreign = [u for u in self.requests if not u.startswith(("blob:", "data:"))
                   and urlsplit(u)[:2] != origin[:2]]
        assert foreign == [], f"requests left the server's origin: {foreign}"
        assert self.errors == [], f"console errors: {self.errors}"

    def close(self):
        self.context.close()


@pytest.fixture
def tablet(browser, server):
    t = Tablet(browser, server)
    yield t
    t.close()


def plan_of(server, lot):
    status, plan = server.api("GET", f"/api/v1/lots/{lot['id']}/inspection-plan", role="inspector")
    assert status == 200, plan
    return plan


def value_for(c, unit):
    """A value inside the limits, different per unit so every value can be checked."""
    lo, hi, nominal = c["lower_limit"], c["upper_limit"], c["nominal"]
    if lo is not None and hi is not None:
        return round(lo + (hi - lo) * (0.3 + 0.4 * (unit % 7) / 7), 3)
    if nominal is not None:
        return round(nominal * (1 + 0.01 * (unit % 5)) if hi is None else nominal * (1 - 0.01 * (unit % 5)), 3)
    base = lo if lo is not None else hi
    return round(base * (1.2 + 0.01 * (unit % 5)) if lo is not None else base * 0.8, 3)


def open_order(t, lot):
    page = t.page
    page.goto(t.server.base + "/")
    page.click(f"a[data-lot='{lot['lot_number']}']")
    page.wait_for_url(re.compile(f"/inspect/{lot['id']}$"))
    expect(page.locator("h1")).to_have_text(f"Lot {lot['lot_number']}")
    page.select_option("#source", "in_house")
    page.fill("#inspector", "kim")
    page.click("#start")


def fill_unit(t, plan, entry):
    """Records one unit of the order on the unit screen, scanner style for the serial."""
    page = t.page
    chars = {c["characteristic_id"]: c for c in plan["characteristics"]}
    expect(page.locator("#lot-unit")).to_have_text(str(entry["unit"]))
    page.fill("#serial", f"SN-{entry['unit']:05d}")
    page.press("#serial", "Enter")
    for cid in entry["characteristic_ids"]:
        c = chars[cid]
        if c["kind"] == "variable":
            page.fill(f"#v-{cid}", str(value_for(c, entry["unit"])))
        else:
            page.click(f"#a-{cid}-pass")
    page.click("#next")


def send(t):
    """Finishes the inspection; it is in the tablet's queue once the page says so."""
    t.page.click("#send")
    expect(t.page.locator("main .notice.info")).to_contain_text("saved on this tablet")


def expected_units(plan):
    chars = {c["characteristic_id"]: c for c in plan["characteristics"]}
    units = {}
    for entry in plan["units"]:
        values = {cid: value_for(chars[cid], entry["unit"]) for cid in entry["characteristic_ids"]
                  if chars[cid]["kind"] == "variable"}
        passes = {cid: True for cid in entry["characteristic_ids"] if chars[cid]["kind"] != "variable"}
        units[entry["unit"]] = (f"SN-{entry['unit']:05d}", values, passes)
    return units


def stored_units(server, lot, role="inspector"):
    status, page = server.api("GET", f"/api/v1/lots/{lot['id']}/inspections", role=role)
    assert status == 200, page
    found = {}
    for summary in page["items"]:
        status, inspection = server.api("GET", f"/api/v1/inspections/{summary['id']}", role=role)
        assert status == 200, inspection
        for u in inspection["units"]:
            serial, values, passes = found.setdefault(u["unit"], [u.get("serial"), {}, {}])
            values.update({m["characteristic_id"]: m["value"] for m in u["measurements"]})
            passes.update({a["characteristic_id"]: a["pass"] for a in u["attributes"]})
    return page["items"], {k: tuple(v) for k, v in found.items()}


def modes_of(plan):
    return {("full" if c["inspection"] == "full" else "sampling") for c in plan["characteristics"]}


def test_a_whole_inspection_is_recorded_through_the_pages(tablet, server):
    lot = server.new_lot()
    plan = plan_of(server, lot)
    tablet.sign_in()

    open_order(tablet, lot)
    for entry in plan["units"]:
        fill_unit(tablet, plan, entry)
    send(tablet)

    expect(tablet.page.locator("#sync")).to_have_text("all sent", timeout=20000)
    inspections, units = stored_units(server, lot)
    assert len(inspections) == len(modes_of(plan))
    assert units == expected_units(plan)
    tablet.check_clean()


def test_an_inspection_finished_offline_arrives_once_when_the_network_returns(tablet, server):
    lot = server.new_lot()
    plan = plan_of(server, lot)
    tablet.sign_in()
    open_order(tablet, lot)
    half = len(plan["units"]) // 2

    for entry in plan["units"][:half]:
        fill_unit(tablet, plan, entry)
    tablet.set_offline(True)
    for entry in plan["units"][half:]:
        fill_unit(tablet, plan, entry)
    send(tablet)
    waiting = tablet.page.locator("#sync")
    expect(waiting).to_contain_text("waiting to be sent")
    tablet.page.reload()  # offline: the service worker serves the app, the queue is kept
    expect(tablet.page.locator("h1")).to_have_text(f"Lot {lot['lot_number']}")
    expect(waiting).to_contain_text(f"{len(modes_of(plan))} waiting to be sent")
    assert stored_units(server, lot)[0] == []

    tablet.set_offline(False)

    expect(waiting).to_have_text("all sent", timeout=30000)
    inspections, units = stored_units(server, lot)
    assert len(inspections) == len(modes_of(plan))
    assert units == expected_units(plan)
    tablet.check_clean()


def test_the_demos_registered_lot_is_recorded_from_the_printed_address_with_the_network_cut(tablet, server):
    # The README's run command prints the tablet's address (with a token in it); the
    # demo's registered lot DPM-2612-01 is on the home page; nothing else is typed.
    status, found = server.api("GET", "/api/v1/lots?lot_number=DPM-2612-01", role="reviewer")
    assert status == 200 and len(found["items"]) == 1, found
    lot = found["items"][0]
    plan = plan_of(server, lot)
    half = len(plan["units"]) // 2
    page = tablet.page

    page.goto(server.tablet_address)
    page.click("a[data-lot='DPM-2612-01']")
    expect(page.locator("h1")).to_have_text("Lot DPM-2612-01")
    page.fill("#inspector", "kim")
    page.click("#start")
    for entry in plan["units"][:half]:
        fill_unit(tablet, plan, entry)
    tablet.set_offline(True)
    for entry in plan["units"][half:]:
        fill_unit(tablet, plan, entry)
    send(tablet)
    expect(page.locator("#sync")).to_contain_text("waiting to be sent")
    tablet.set_offline(False)

    expect(page.locator("#sync")).to_have_text("all sent", timeout=30000)
    inspections, units = stored_units(server, lot, role="reviewer")
    assert len(inspections) == len(modes_of(plan)), inspections
    assert units == expected_units(plan)
    tablet.check_clean()


def test_a_busy_or_failing_server_is_retried_with_backoff_and_records_once(tablet, server):
    lot = server.new_lot()
    plan = plan_of(server, lot)
    tablet.sign_in()
    open_order(tablet, lot)
    for entry in plan["units"]:
        fill_unit(tablet, plan, entry)
    # The first POST reaches the server and is stored, but its answer is lost (a 502
    # from a proxy instead); then the server is busy (429), unavailable (503), failing
    # (500) with no Retry-After; then it answers.
    script = ["store-then-lose", (429, "1"), (503, "1"), (500, None)]
    attempts = {}

    def handle(route):
        body = route.request.post_data_json
        attempts.setdefault(body["id"], []).append(time.monotonic())
        step = script.pop(0) if script else None
        if step is None:
            route.continue_()
            return
        problem = {"type": "about:blank", "title": "unavailable", "status": 502, "detail": "try again"}
        if step == "store-then-lose":
            stored = route.fetch()
            assert stored.status == 201, stored.text()
            route.fulfill(status=502, content_type="application/problem+json", body=json.dumps(problem))
            return
        status, retry_after = step
        headers = {"Retry-After": retry_after} if retry_after else {}
        route.fulfill(status=status, headers=headers, content_type="application/problem+json",
                      body=json.dumps({**problem, "status": status}))

    tablet.page.route(re.compile(r"/api/v1/lots/[^/]+/inspections$"), handle)
    tablet.errors_allowed = "the server responded with a status of"

    send(tablet)
    expect(tablet.page.locator("#sync")).to_contain_text("waiting to be sent")

    expect(tablet.page.locator("#sync")).to_have_text("all sent", timeout=45000)
    assert script == [], f"not every refusal was met: {script}"
    inspections, units = stored_units(server, lot)
    assert len(inspections) == len(modes_of(plan)), "a retry recorded an inspection twice"
    assert sorted(i["id"] for i in inspections) == sorted(attempts)
    assert units == expected_units(plan)
    for times in attempts.values():
        gaps = [b - a for a, b in zip(times, times[1:])]
        # Retry-After: 1 is waited for, and the backoff without it is at least 1 s.
        assert all(g >= 0.9 for g in gaps), f"retried too soon: {gaps}"
    tablet.check_clean()


def test_a_value_outside_the_limits_is_marked_as_it_is_typed(tablet, server):
    lot = server.new_lot()
    plan = plan_of(server, lot)
    c = next(c for c in plan["characteristics"] if c["kind"] == "variable" and c["upper_limit"] is not None
             and c["lower_limit"] is not None)
    entry = next(e for e in plan["units"] if c["characteristic_id"] in e["characteristic_ids"])
    tablet.sign_in()
    open_order(tablet, lot)
    for before in plan["units"][:plan["units"].index(entry)]:
        fill_unit(tablet, plan, before)
    field = tablet.page.locator(f"#v-{c['characteristic_id']}")

    field.fill(str(c["upper_limit"] + (c["upper_limit"] - c["lower_limit"]) / 2))

    expect(field).to_have_class(re.compile(r"\bout\b"))
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(tablet.page.locator(f"#v-{c['characteristic_id']}-state")).to_have_text(f"above USL {c['upper_limit']:g}")
    assert field.evaluate("el => getComputedStyle(el).color") == RED
    field.fill(str(c["nominal"] if c["nominal"] is not None else (c["upper_limit"] + c["lower_limit"]) / 2))
    expect(field).not_to_have_attribute("aria-invalid", "true")
    tablet.check_clean()


def test_an_implausible_value_asks_for_confirmation(tablet, server):
    lot = server.new_lot()
    plan = plan_of(server, lot)
    tablet.sign_in()
    open_order(tablet, lot)
    entry = plan["units"][0]
    chars = {c["characteristic_id"]: c for c in plan["characteristics"]}
    weight = next(cid for cid in entry["characteristic_ids"] if chars[cid]["unit_of_measure"] == "g")
    tablet.page.fill("#serial", "SN-1")
    for cid in entry["characteristic_ids"]:
        if chars[cid]["kind"] == "variable":
            tablet.page.fill(f"#v-{cid}", str(value_for(chars[cid], entry["unit"])))
        else:
            tablet.page.click(f"#a-{cid}-pass")
    tablet.page.fill(f"#v-{weight}", "-2.4")

    tablet.page.click("#next")

    dialog = tablet.page.locator("dialog.confirm")
    expect(dialog).to_contain_text("a negative value in g")
    dialog.locator("[data-answer=no]").click()
    expect(tablet.page.locator("#lot-unit")).to_have_text(str(entry["unit"]))
    tablet.check_clean()


@pytest.mark.parametrize("width,height", [(1280, 800), (800, 1280)])
def test_pages_fit_the_tablet_with_large_touch_targets(browser, server, width, height):
    t = Tablet(browser, server, width, height)
    try:
        lot = server.new_lot()
        plan = plan_of(server, lot)
        t.sign_in()
        for step in ("home", "order", "unit"):
            if step == "order":
                t.page.click(f"a[data-lot='{lot['lot_number']}']")
                expect(t.page.locator("#start")).to_be_visible()
                if plan["golden_sample"] and plan["golden_sample"]["photos"]:
                    # Fetched with the token, shown from a blob: URL of this page.
                    expect(t.page.locator("img.thumb").first).to_have_attribute("src", re.compile("^blob:"))
            if step == "unit":
                t.page.fill("#inspector", "kim")
                t.page.click("#start")
                expect(t.page.locator("#serial")).to_be_focused()
            overflow = t.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{step}: {overflow}px of horizontal scroll at {width}x{height}"
            small = t.page.evaluate("""() => [...document.querySelectorAll('button, input:not(.file), select, a.button, a.lot')]
                .filter(el => el.offsetParent !== null)
                .map(el => [el.id || el.textContent.trim().slice(0, 20), el.getBoundingClientRect()])
                .filter(([, r]) => r.height < 48 || r.width < 48)
                .map(([n, r]) => `${n}: ${Math.round(r.width)}x${Math.round(r.height)}`)""")
            assert small == [], f"{step}: touch targets under 48 px: {small}"
        t.check_clean()
    finally:
        t.close()


def test_a_token_in_the_address_is_kept_once_and_taken_out_of_the_address(tablet, server):
    # The address `serve --demo` prints for the tablet, as a QR code of
    # `token create --qr URL` holds it.
    assert server.tablet_address == f"{server.base}/#token={server.tokens['inspector']}"
    tablet.page.goto(server.tablet_address)

    expect(tablet.page.locator("h1")).to_have_text("Lots")
    assert "token" not in tablet.page.url
    assert tablet.page.evaluate("localStorage.getItem('lotgate.token')") == server.tokens["inspector"]
    tablet.check_clean()


def test_a_refused_token_asks_for_a_new_one_and_keeps_what_waits(tablet, server):
    lot = server.new_lot()
    plan = plan_of(server, lot)
    tablet.sign_in()
    open_order(tablet, lot)
    for entry in plan["units"]:
        fill_unit(tablet, plan, entry)
    tablet.page.evaluate("localStorage.setItem('lotgate.token', 'lgt_' + '0'.repeat(64))")
    tablet.errors_allowed = "status of 401"

    tablet.page.click("#send")

    dialog = tablet.page.locator("dialog#sign-in")
    expect(dialog).to_be_visible(timeout=15000)
    expect(tablet.page.locator("#sync")).to_contain_text("waiting to be sent")
    tablet.page.fill("#token", server.tokens["inspector"])
    tablet.page.click("dialog#sign-in button[type=submit]")
    expect(tablet.page.locator("#sync")).to_have_text("all sent", timeout=20000)
    assert stored_units(server, lot)[1] == expected_units(plan)
    tablet.check_clean()


def test_a_refusal_stays_on_its_unit_until_it_is_fixed_and_sent_again(tablet, server):
    lot = server.new_lot()
    plan = plan_of(server, lot)
    chars = {c["characteristic_id"]: c for c in plan["characteristics"]}
    entry = next(e for e in plan["units"] if any(chars[c]["kind"] == "attribute" for c in e["characteristic_ids"]))
    attribute = next(c for c in entry["characteristic_ids"] if chars[c]["kind"] == "attribute")
    tablet.sign_in()
    open_order(tablet, lot)
    tablet.errors_allowed = "status of 422"
    for e in plan["units"]:
        if e is not entry:
            fill_unit(tablet, plan, e)
            continue
        # A defect count no unit can have: the server refuses it (422 naming the field).
        tablet.page.fill("#serial", f"SN-{e['unit']:05d}")
        for cid in e["characteristic_ids"]:
            if chars[cid]["kind"] == "variable":
                tablet.page.fill(f"#v-{cid}", str(value_for(chars[cid], e["unit"])))
            elif cid != attribute:
                tablet.page.click(f"#a-{cid}-pass")
        tablet.page.click(f"#a-{attribute}-pass + .fail")
        tablet.page.fill(f"#a-{attribute}-defects", "99999999999")
        tablet.page.click("#next")
    tablet.page.click("#send")
    expect(tablet.page.locator("#sync")).to_contain_text("refused by the server", timeout=15000)

    tablet.page.goto(f"{server.base}/inspect/{lot['id']}")

    refused = tablet.page.locator(".card.refused")
    expect(refused).to_contain_text(f"Unit {entry['unit']}: ")
    expect(refused).to_contain_text("defects")
    refused.locator("button").click()
    expect(tablet.page.locator("#lot-unit")).to_have_text(str(entry["unit"]))
    expect(tablet.page.locator("[role=alert]")).to_contain_text("defects")
    tablet.page.fill(f"#a-{attribute}-defects", "1")
    while tablet.page.locator("#send").count() == 0:
        tablet.page.click("#next")
    send(tablet)
    expect(tablet.page.locator("#sync")).to_have_text("all sent", timeout=20000)
    inspections, units = stored_units(server, lot)
    assert len(inspections) == len(modes_of(plan))
    assert units[entry["unit"]][2][attribute] is False
    tablet.check_clean()


def test_a_defect_photo_taken_offline_is_sent_after_its_inspection(tablet, server):
    lot = server.new_lot()
    plan = plan_of(server, lot)
    chars = {c["characteristic_id"]: c for c in plan["characteristics"]}
    entry = next(e for e in plan["units"] if any(chars[c]["kind"] == "attribute" for c in e["characteristic_ids"]))
    attribute = next(c for c in entry["characteristic_ids"] if chars[c]["kind"] == "attribute")
    views = [p["view"] for p in plan["golden_sample"]["photos"]]
    assert views, "the new lot's part has golden-sample photos to compare with"
    view = views[-1]
    tablet.sign_in()
    open_order(tablet, lot)
    tablet.set_offline(True)
    for e in plan["units"]:
        if e is not entry:
            fill_unit(tablet, plan, e)
            continue
        tablet.page.fill("#serial", f"SN-{e['unit']:05d}")
        for cid in e["characteristic_ids"]:
            if chars[cid]["kind"] == "variable":
                tablet.page.fill(f"#v-{cid}", str(value_for(chars[cid], e["unit"])))
            elif cid != attribute:
                tablet.page.click(f"#a-{cid}-pass")
        tablet.page.click(f"#a-{attribute}-pass + .fail")
        tablet.page.fill(f"#a-{attribute}-note", "flash on the latch")
        tablet.page.set_input_files(f"#a-{attribute}-photo", files=[
            {"name": "defect.png", "mimeType": "image/png", "buffer": png()}])
        expect(tablet.page.locator("img.thumb")).to_have_count(1)
        # The worker names the golden-sample view the photo is taken from.
        tablet.page.select_option("select.photo-view", view)
        tablet.page.click("#next")
    send(tablet)
    expect(tablet.page.locator("#sync")).to_contain_text(f"{len(modes_of(plan)) + 1} waiting to be sent")

    tablet.set_offline(False)

    expect(tablet.page.locator("#sync")).to_have_text("all sent", timeout=30000)
    inspections, _ = stored_units(server, lot)
    photos = []
    for summary in inspections:
        _, inspection = server.api("GET", f"/api/v1/inspections/{summary['id']}", role="inspector")
        for u in inspection["units"]:
            for a in u["attributes"]:
                photos += [(u["unit"], a["characteristic_id"], a["note"], p["view"]) for p in a.get("photos", [])]
    assert photos == [(entry["unit"], attribute, "flash on the latch", view)]
    tablet.check_clean()
