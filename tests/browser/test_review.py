"""The reviewer's pages in a real browser (headless Chromium) on the demo data: the
list, every lot, supplier and part page render with no console error and no request
off the server's origin; a lot page shows one histogram and one control chart pair
(values and ranges) per measured characteristic and one OC curve per sampled one; a
disposition made on the page, after the server's field error was shown next to its
field, is in the API.
A screenshot of each page is kept in target/browser-screenshots/."""

import os
import re
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from conftest import ROOT, png

SHOTS = os.path.join(ROOT, "target", "browser-screenshots")


class Reviewer:
    """A browser context signed in with the reviewer's token, recording every request
    and console error."""

    def __init__(self, browser, server):
        self.server = server
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           service_workers="allow")
        self.requests, self.errors = [], []
        self.errors_allowed = None
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        # The token handed over in the address, as `lotgate token create --qr` does.
        self.page.goto(f"{server.base}/#token={server.tokens['reviewer']}")
        expect(self.page.locator("h1").first).to_have_text("Lots")

    def _console(self, msg):
        if msg.type != "error":
            return
        if self.errors_allowed and self.errors_allowed in msg.text:
            return
        self.errors.append(msg.text)

    def open(self, path):
        self.page.goto(self.server.base + path)

    def charts_drawn(self):
        """Waits until every chart box holds its SVG or says why it has none."""
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('figure.chart-box')]"
            ".every((f) => f.querySelector('svg, .notice'))", timeout=60_000)

    def shot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        self.page.screenshot(path=os.path.join(SHOTS, f"review-{name}.png"), full_page=True)

    def check_clean(self):
        origin = urlsplit(self.server.base)
        foreign = [u for u in self.requests if not u.startswith(("blob:", "data:"))
                   and urlsplit(u)[:2] != origin[:2]]
        assert foreign == [], f"requests left the server's origin: {foreign}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def reviewer(browser, server):
    r = Reviewer(browser, server)
    yield r
    r.context.close()


def get(server, path):
    status, body = server.api("GET", path, role="reviewer")
    assert status == 200, (path, body)
    return body


def sampled(decision, lot_size):
    return [c for c in decision["characteristics"] if c["mode"] == "sampling"
            and not c["applied"]["full_inspection"] and c["applied"]["sample_size"] < lot_size]


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def test_review_list_filters_lots_and_shows_verdicts(reviewer, server):
    page = reviewer.page
    rows = page.locator(".lot-table tbody tr")
    expect(rows.first).to_be_visible()
    everything = get(server, "/api/v1/lots?limit=100")["items"]
    expect(rows).to_have_count(len(everything))
    reviewer.shot("list")

    page.select_option("#filter-verdict", "reject")
    page.click("form.filters button[type=submit]")
    rejected = [lot for lot in everything if lot["verdict"] == "reject"]
    expect(rows).to_have_count(len(rejected))
    for lot in rejected:
        expect(page.locator(f".lot-table a[data-review='{lot['lot_number']}']")).to_be_visible()
    assert "verdict=reject" in page.url
    reviewer.check_clean()


def test_review_list_says_which_factory_to_trust_less_at_a_glance(reviewer, server):
    suppliers = get(server, "/api/v1/suppliers?limit=100")["items"]
    flagged = {s["name"]: get(server, f"/api/v1/suppliers/{s['id']}/reconciliation")["flagged_characteristics"]
               for s in suppliers}
    # The demo's biased factory (FRP) reports significantly fewer nonconforming units.
    biased = next(s["name"] for s in suppliers if s["code"] == "FRP")
    assert flagged[biased] > 0, flagged
    reviewer.open("/")
    rows = reviewer.page.locator(".trust-table tbody tr")
    expect(rows).to_have_count(len(suppliers))
    expect(rows.first.locator("a")).to_have_text(sorted(flagged, key=lambda n: (-flagged[n], n))[0])
    expect(rows.first.locator("td[data-flagged]")).to_have_attribute("data-flagged", str(max(flagged.values())))
    reviewer.shot("factory-trust")
    reviewer.check_clean()


def test_review_every_page_renders_its_charts_for_the_demo_data(reviewer, server):
    lots = get(server, "/api/v1/lots?limit=100")["items"]
    assert len(lots) >= 10, "the demo's lots"
    for lot in lots:
        reviewer.open(f"/lots/{lot['id']}")
        expect(reviewer.page.locator("h1").first).to_contain_text(f"Lot {lot['lot_number']}")
        reviewer.charts_drawn()
        stats = get(server, f"/api/v1/lots/{lot['id']}/statistics")
        measured = len(stats["characteristics"])
        page = reviewer.page
        expect(page.locator("svg[data-chart=histogram]")).to_have_count(measured)
        # Each control chart comes as a pair: the values (or subgroup means) and their
        # (moving) ranges.
        expect(page.locator("svg[data-chart=control][data-series=location]")).to_have_count(measured)
        expect(page.locator("svg[data-chart=control][data-series=spread]")).to_have_count(measured)
        expected_oc = 0
        if lot["verdict"] is not None:
            decision = get(server, f"/api/v1/lots/{lot['id']}/decision")
            expected_oc = len(sampled(decision, lot["lot_size"]))
            # The report says who decided, and when.
            expect(page.locator(".lot-head dd.decided")).to_contain_text(decision["decider"]["name"])
        expect(page.locator("svg[data-chart=oc]")).to_have_count(expected_oc)
        expect(page.locator("svg[role=img] > title")).to_have_count(3 * measured + expected_oc)
        expect(page.locator("#reconciliation")).to_have_count(1)
        reconciled = get(server, f"/api/v1/lots/{lot['id']}/reconciliation")
        if reconciled["factory_inspections"] and reconciled["in_house_inspections"]:
            sentences = page.locator("#reconciliation .sentences li")
            expect(sentences).to_have_count(len(reconciled["characteristics"]))
            for c in reconciled["characteristics"]:
                expect(page.locator(f"#reconciliation li[data-characteristic='{c['characteristic_id']}']")
                       ).to_contain_text(c["sentence"])
        else:
            expect(page.locator("#reconciliation [data-reconciled=no]")).to_be_visible()
        reviewer.shot(f"lot-{slug(lot['lot_number'])}")
    for supplier in get(server, "/api/v1/suppliers?limit=100")["items"]:
        reviewer.open(f"/suppliers/{supplier['id']}")
        expect(reviewer.page.locator("h1").first).to_contain_text(supplier["name"])
        reviewer.charts_drawn()
        expect(reviewer.page.locator("svg[data-chart=monthly]")).to_have_count(1)
        reconciled = get(server, f"/api/v1/suppliers/{supplier['id']}/reconciliation")
        expect(reviewer.page.locator("#reconciliation .summary")).to_have_text(reconciled["summary"])
        expect(reviewer.page.locator("#reconciliation details.over-time")).to_have_count(
            len(reconciled["characteristics"]))
        reviewer.shot(f"supplier-{slug(supplier['code'])}")
    for part in get(server, "/api/v1/parts?limit=100")["items"]:
        reviewer.open(f"/parts/{part['id']}")
        expect(reviewer.page.locator("h1").first).to_contain_text(part["number"])
        expect(reviewer.page.locator("h2", has_text="Capability over lots")).to_be_visible()
        reviewer.charts_drawn()
        measured = [c for c in get(server, f"/api/v1/parts/{part['id']}")["characteristics"]
                    if c["kind"] == "variable"]
        expect(reviewer.page.locator("svg[data-chart=trend]")).to_have_count(len(measured))
        reviewer.page.wait_for_load_state("networkidle")
        reviewer.shot(f"part-{slug(part['number'])}")
    reviewer.check_clean()


def test_review_lot_report_prints_on_a4_without_the_actions(reviewer, server):
    lot = get(server, "/api/v1/lots?limit=1")["items"][0]
    reviewer.open(f"/lots/{lot['id']}")
    reviewer.charts_drawn()
    reviewer.page.emulate_media(media="print")
    expect(reviewer.page.locator("section.actions")).to_be_hidden()
    expect(reviewer.page.locator("header.bar")).to_be_hidden()
    pdf = reviewer.page.pdf(format="A4", print_background=True)
    os.makedirs(SHOTS, exist_ok=True)
    with open(os.path.join(SHOTS, "review-lot-report.pdf"), "wb") as f:
        f.write(pdf)
    assert pdf.startswith(b"%PDF")
    reviewer.check_clean()


def test_review_disposition_made_on_the_page_shows_up_in_the_api(reviewer, server):
    waiting = get(server, "/api/v1/lots?status=not_accepted&limit=100")["items"]
    assert waiting, "the demo has a lot not accepted awaiting its disposition"
    lot = waiting[0]
    reviewer.open(f"/lots/{lot['id']}")
    page = reviewer.page
    form = page.locator("form#dispose")
    expect(form).to_be_visible()

    # Without a reason the server refuses with 422 naming `reason`: shown by the field.
    reviewer.errors_allowed = "422"
    form.locator("select[name=disposition]").select_option("scrap")
    form.locator("button[type=submit]").click()
    error = form.locator(".field-error[data-error-for=reason]")
    expect(error).to_be_visible()
    expect(form.locator("textarea[name=reason]")).to_have_attribute("aria-invalid", "true")
    reviewer.shot("lot-disposition-refused")

    reason = "Scrapped by QA review: the rejected sample shows the defect throughout."
    form.locator("textarea[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "dispositioned")

    recorded = get(server, f"/api/v1/lots/{lot['id']}/dispositions")["items"]
    assert [(d["disposition"], d["reason"]) for d in recorded] == [("scrap", reason)]
    assert get(server, f"/api/v1/lots/{lot['id']}")["status"] == "dispositioned"
    reviewer.check_clean()


def test_review_defect_photo_sits_beside_the_golden_photos_of_its_view(reviewer, server):
    lot = server.new_lot()
    part = get(server, f"/api/v1/parts/{lot['part_id']}")
    attribute = next(c for c in part["characteristics"] if c["kind"] == "attribute" and not c["destructive"])
    inspection = {
        "id": str(uuid.uuid4()), "source": "in_house", "mode": "sampling", "inspector": "kim",
        "inspected_at": "2026-12-01T09:00:00Z",
        "units": [{"unit": 1, "serial": "SN-1", "attributes": [
            {"characteristic_id": attribute["id"], "pass": False, "defects": 1, "note": "flash on the latch"}]}],
    }
    status, body = server.api("POST", f"/api/v1/lots/{lot['id']}/inspections", inspection, role="inspector")
    assert status == 201, body
    status, photo = server.upload(
        f"/api/v1/inspections/{inspection['id']}/units/1/attributes/{attribute['id']}/photos",
        png(), {"view": "top"})
    assert status == 201, photo
    golden = get(server, f"/api/v1/parts/{lot['part_id']}/golden-samples")
    views = [p["view"] for g in golden
             for r in get(server, f"/api/v1/golden-samples/{g['id']}")["revisions"] for p in r["photos"]]
    assert "top" in views and len(set(views)) > 1, "the demo part's golden photos show several views"

    reviewer.open(f"/lots/{lot['id']}")
    row = reviewer.page.locator(f".photos .compare[data-characteristic='{attribute['id']}'][data-view=top]")
    expect(row).to_have_count(1)
    expect(row.locator(".defect-photos figure")).to_have_count(1)
    expect(row.locator(".defect-photos figcaption")).to_contain_text("unit 1 (SN-1), top: flash on the latch")
    captions = row.locator(".golden-photos figcaption")
    expect(captions.first).to_be_visible()
    for text in captions.all_text_contents():
        assert text.endswith(", top"), text
    reviewer.shot("lot-defect-photo-by-view")
    reviewer.check_clean()


def test_review_source_policy_set_on_the_supplier_page_shows_up_in_the_api(reviewer, server):
    supplier = next(s for s in get(server, "/api/v1/suppliers?limit=100")["items"] if s["code"] == "NHA")
    reviewer.open(f"/suppliers/{supplier['id']}")
    page = reviewer.page
    section = page.locator("#source-policy")
    expect(section).to_have_attribute("data-policy", "in_house_decides")
    form = page.locator("form#set-policy")

    # Without a reason the server refuses with 422 naming `reason`: shown by the field.
    reviewer.errors_allowed = "422"
    form.locator("select[name=policy]").select_option("factory_results_decide")
    form.locator("button[type=submit]").click()
    expect(form.locator(".field-error[data-error-for=reason]")).to_be_visible()

    reason = "Twelve months of NHA's functional-test reports matched ours."
    form.locator("textarea[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    expect(page.locator("#source-policy")).to_have_attribute("data-policy", "factory_results_decide")
    expect(page.locator("#source-policy .policy-history tbody tr")).to_have_count(1)
    recorded = get(server, f"/api/v1/suppliers/{supplier['id']}/source-policy")
    assert (recorded["policy"], recorded["reason"]) == ("factory_results_decide", reason)
    reviewer.shot("supplier-source-policy")

    # Back to the default, so the other tests meet the demo as loaded.
    form = page.locator("form#set-policy")
    form.locator("select[name=policy]").select_option("in_house_decides")
    form.locator("textarea[name=reason]").fill("Back to in-house after the browser test.")
    form.locator("button[type=submit]").click()
    expect(page.locator("#source-policy")).to_have_attribute("data-policy", "in_house_decides")
    expect(page.locator("#source-policy .policy-history tbody tr")).to_have_count(2)
    assert [e["policy"] for e in get(server, f"/api/v1/suppliers/{supplier['id']}/source-policy")["history"]] == [
        "in_house_decides", "factory_results_decide"]
