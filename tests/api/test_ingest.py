"""Bulk ingest, POST /api/v1/data-values: CSV, {"values": [...]} and DHIS2 data value sets land
the same; the body streams (a 200,000-row chunked CSV stays far below its size in server memory);
a bad row anywhere refuses the whole body; scope; concurrent posts share commits and all land.
"""

import http.client
import json
import threading
import unittest

import harness
from harness import setUpModule, tearDownModule  # noqa: F401

BIG_ROWS = 200_000


def proc_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field}")


class IngestTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.f = harness.fixture()
        cls.admin = cls.f.client("admin_p")

    def csv(self, client, text, **kw):
        return client.raw("POST", "/api/v1/data-values", text.encode("utf-8"),
                          {"Content-Type": "text/csv; charset=utf-8"}, **kw)

    def values_of(self, indicator, periods):
        items = self.admin.ok(
            "GET", f"/api/v1/data-values?indicator={indicator}&periods={periods}&limit=10000"
        ).json()["items"]
        return sorted((v["unit"], v["period"], v["value"], v.get("comment", ""), v["state"],
                       v["stored_by"]) for v in items)

    def count(self, indicator):
        return self.admin.ok("GET", f"/api/v1/data-values?indicator={indicator}&limit=1").json()["total"]

    def test_three_formats_land_identically(self):
        f = self.f
        dv, c1, c2 = f.indicator["I-DV"], f.unit["C1"], f.unit["C2"]
        expected = [(c1, "203001", 4, "", "approved", "admin_p"),
                    (c1, "203002", 5, "Số liệu, tạm tính", "approved", "admin_p"),
                    (c2, "203001", 6, "", "approved", "admin_p")]
        # CSV with Vietnamese headers (diacritics and case ignored, as the importer matches).
        r = self.csv(self.admin, "Mã chỉ tiêu,MA DON VI,Kỳ,Giá trị,Ghi chú\r\n"
                                 "I-DV,C1,203001,4,\r\n"
                                 'I-DV,C1,203002,5,"Số liệu, tạm tính"\r\n'
                                 "I-DV,C2,203001,6,\r\n")
        self.assertEqual((r.status, r.json()), (200, {"written": 3}), r)
        after_csv = self.values_of(dv, "203001..203002")
        self.assertEqual(after_csv, sorted(expected))

        r = self.admin.post("/api/v1/data-values", {"values": [
            {"indicator": dv, "unit": c1, "period": "203001", "value": 4},
            {"indicator": dv, "unit": c1, "period": "203002", "value": 5,
             "comment": "Số liệu, tạm tính"},
            {"indicator": dv, "unit": c2, "period": "203001", "value": 6, "state": "approved"}]})
        self.assertEqual((r.status, r.json()), (200, {"written": 3}), r)
        self.assertEqual(self.values_of(dv, "203001..203002"), after_csv)

        # DHIS2: codes, string values, top-level defaults (given after the list, too).
        r = self.admin.post("/api/v1/data-values", {
            "dataSet": "ds-monthly",
            "dataValues": [
                {"dataElement": "I-DV", "value": "4"},
                {"dataElement": "I-DV", "period": "203002", "value": "5",
                 "comment": "Số liệu, tạm tính", "categoryOptionCombo": "HllvX50cXC0"},
                {"dataElement": "I-DV", "orgUnit": "C2", "value": 6}],
            "period": "203001", "orgUnit": "C1"})
        self.assertEqual((r.status, r.json()), (200, {"written": 3}), r)
        self.assertEqual(self.values_of(dv, "203001..203002"), after_csv)
        history = self.admin.ok("GET", harness.value_path(dv, c1, "203001") + "/history").json()
        self.assertEqual([h["value"] for h in history["items"]], [4, 4, 4])

    def test_every_acknowledged_write_is_in_the_next_rollup(self):
        # The analytics index follows each commit: no refresh, no delay between the answer to a
        # write and the figures. I-DV sums over units and over time.
        f = self.f
        dv, c1 = f.indicator["I-DV"], f.unit["C1"]

        def rollup(unit):
            r = self.admin.ok("GET", f"/api/v1/analytics/indicators?indicator=I-DV&unit={unit}"
                                     "&periods=205001")
            return r.json()["rows"][0]["value"]

        self.assertIsNone(rollup("P"))
        r = self.csv(self.admin, "indicator_code,unit_code,period,value\n"
                                 "I-DV,C1,205001,7\nI-DV,C2,205001,5\n")
        self.assertEqual(r.status, 200, r)
        self.assertEqual((rollup("C1"), rollup("P")), (7, 12))
        for value in (1, 2, 3):
            path = harness.value_path(dv, c1, "205001")
            r = self.admin.put(path, {"value": value},
                               if_match=self.admin.ok("GET", path).header("ETag"))
            self.assertEqual(r.status, 200, r)
            self.assertEqual(rollup("P"), 5 + value)
        path = harness.value_path(dv, c1, "205001")
        r = self.admin.delete(path, if_match=self.admin.ok("GET", path).header("ETag"))
        self.assertEqual(r.status, 204, r)
        self.assertEqual((rollup("C1"), rollup("P")), (None, 5))

    def test_bad_row_anywhere_refuses_everything(self):
        ind = self.f.indicator["I-C1"]
        before = self.count(ind)
        rows = ["indicator_code,unit_code,period,value"]
        rows += [f"I-C1,C1,{2100 + i // 12}{i % 12 + 1:02d},{i}" for i in range(1000)]
        rows[701] = "I-C1,C1,2158Q2,1"  # line 702: a quarter for a monthly indicator
        rows[903] = "I-C1,ZZ,215501,1"  # line 904: unknown unit
        r = self.csv(self.admin, "\n".join(rows) + "\n")
        self.assertEqual(r.status, 422, r)
        errors = [(e.get("line"), e["field"], e["code"]) for e in r.json()["errors"]]
        self.assertEqual(errors, [(702, "period", "invalid"), (904, "unit_code", "not_found")])
        self.assertIn("2158Q2", r.json()["errors"][0]["message"])
        self.assertEqual(self.count(ind), before)

        r = self.admin.post("/api/v1/data-values", {"dataValues": [
            {"dataElement": "I-C1", "orgUnit": "C1", "period": "216001", "value": "1"},
            {"dataElement": "I-C1", "orgUnit": "C1", "period": "216002", "value": "1,5"},
            {"dataElement": "I-NONE", "orgUnit": "C1", "period": "216003", "value": "2"},
            {"dataElement": "I-C1", "orgUnit": "C1", "period": "216001", "value": "3"}]})
        self.assertEqual(r.status, 422, r)
        self.assertEqual([(e["field"], e["code"]) for e in r.json()["errors"]],
                         [("dataValues[1].value", "type"), ("dataValues[2].dataElement", "not_found"),
                          ("dataValues[3].period", "invalid")])
        self.assertIn("dataValues[0]", r.json()["errors"][2]["message"])
        self.assertEqual(self.count(ind), before)

    def test_errors_are_capped_at_100(self):
        rows = ["indicator_code,unit_code,period,value"]
        rows += [f"I-C1,C1,2200{i % 12 + 1:02d}x,{i}" for i in range(250)]
        r = self.csv(self.admin, "\n".join(rows))
        self.assertEqual(r.status, 422, r)
        self.assertEqual(len(r.json()["errors"]), 100)
        self.assertEqual(r.json()["errors"][0]["line"], 2)
        self.assertIn("250 problems", r.json()["detail"])

    def test_malformed_bodies(self):
        ind = self.f.indicator["I-C1"]
        before = self.count(ind)
        cases = [
            ("text/csv", b'indicator_code,unit_code,period,value\nI-C1,C1,"2025,1\n', 400),
            ("text/csv", b"indicator_code,unit_code,period,value\nI-C1,C1,202501,\xff\n", 400),
            ("text/csv", b"", 400),
            ("text/csv", b"indicator_code,unit,period,value\n", 422),
            ("text/csv", b"indicator_code,unit_code,period,value\n", 422),
            ("text/csv", b"indicator_code,unit_code,period,value\n" + b"x" * (70 * 1024), 413),
            ("application/json", b'{"values": [{"indicator": 1, "unit": 1,', 400),
            ("application/json", b'{"dataValues": [{"value": "\\ud800"}]}', 400),
            ("application/json", b'{"dataValues": [], "values": []}', 422),
            ("application/json", b'{"values": [1, [2]]}', 422),
            ("application/xml", b"<dataValueSet/>", 415),
        ]
        for ctype, body, status in cases:
            r = self.admin.raw("POST", "/api/v1/data-values", body, {"Content-Type": ctype})
            self.assertEqual(r.status, status, (ctype, body[:60], r))
        r = self.admin.raw("POST", "/api/v1/data-values", b"indicator_code,unit,period,value\n",
                           {"Content-Type": "text/csv"})
        self.assertEqual([(e.get("line"), e["field"]) for e in r.json()["errors"]],
                         [(1, "unit"), (1, "unit_code")])
        self.assertEqual(self.count(ind), before)

    def test_scope(self):
        f = self.f
        dv = f.indicator["I-DV"]
        officer = f.client("unit_officer_c1")
        r = self.csv(officer, "indicator_code,unit_code,period,value\nI-DV,C1,204001,1\n"
                              "I-DV,C2,204001,1\n")
        self.assertEqual(r.status, 403, r)
        r = self.admin.post("/api/v1/data-values", {"dataValues": [
            {"dataElement": "I-DV", "orgUnit": "Q", "period": "204001", "value": "1"}]})
        self.assertEqual(r.status, 403, r)
        viewer = f.client("viewer_c1")
        r = self.csv(viewer, "indicator_code,unit_code,period,value\nI-DV,C1,204001,1\n")
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.values_of(dv, "204001..204001"), [])
        # An officer's values are submitted; approving is for leaders.
        r = self.csv(officer, "indicator_code,unit_code,period,value\nI-DV,V1,204001,2\n")
        self.assertEqual((r.status, r.json()), (200, {"written": 1}), r)
        self.assertEqual(self.values_of(dv, "204001..204001"),
                         [(f.unit["V1"], "204001", 2, "", "submitted", "unit_officer_c1")])
        r = self.csv(officer, "indicator_code,unit_code,period,value,state\n"
                              "I-DV,V1,204002,2,approved\n")
        self.assertEqual(r.status, 403, r)

    def test_concurrent_posts_all_land(self):
        f = self.f
        ind = f.indicator["I-P"]
        before = self.count(ind)
        results = [None] * 8

        def post(k):
            client = harness.Client(f.port)
            client.cookie, client.csrf = self.admin.cookie, self.admin.csrf
            lines = ["indicator_code,unit_code,period,value"]
            lines += [f"I-P,D,{3000 + k * 50 + i // 12}{i % 12 + 1:02d},{k * 1000 + i}"
                      for i in range(500)]
            results[k] = self.csv(client, "\n".join(lines) + "\n")

        threads = [threading.Thread(target=post, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([(r.status, r.json()) for r in results], [(200, {"written": 500})] * 8)
        self.assertEqual(self.count(ind), before + 4000)
        got = self.admin.ok("GET", harness.value_path(ind, f.unit["D"], "330003")).json()
        self.assertEqual(got["value"], 6 * 1000 + 2)

    def big_post(self, year0, bad_last_row):
        """POSTs BIG_ROWS rows of I-V1 as a chunked CSV; (response, body size, peak growth of the
        server's resident memory during the request in bytes)."""
        f = self.f
        units = ["P", "D", "C1", "C2", "V1"]

        def chunks():
            yield b"indicator_code,unit_code,period,value,comment\r\n"
            lines = []
            for n in range(BIG_ROWS):
                unit, i = units[n % len(units)], n // len(units)
                lines.append(f"I-V1,{unit},{year0 + i // 12}{i % 12 + 1:02d},{n}.5,\r\n")
                if len(lines) == 2000:
                    yield "".join(lines).encode()
                    lines = []
            if bad_last_row:
                lines.append("I-V1,P,2025Q1,1,\r\n")
            if lines:
                yield "".join(lines).encode()

        size = sum(len(c) for c in chunks())
        pid = f.server.proc.pid
        # Resets VmHWM to the current resident size (proc(5), clear_refs), so the high-water mark
        # after the request is this request's peak.
        with open(f"/proc/{pid}/clear_refs", "w") as f_refs:
            f_refs.write("5")
        rss_before = proc_kib(pid, "VmRSS")
        conn = http.client.HTTPConnection("127.0.0.1", f.port, timeout=300)
        conn.request("POST", "/api/v1/data-values", body=chunks(), encode_chunked=True, headers={
            "Content-Type": "text/csv", "Cookie": f"pw_session={self.admin.cookie}",
            "X-CSRF-Token": self.admin.csrf, "Accept-Language": "en"})
        resp = conn.getresponse()
        r = harness.Response(resp.status, resp.getheaders(), resp.read())
        conn.close()
        growth = (proc_kib(pid, "VmHWM") - rss_before) * 1024
        print(f"\n  {BIG_ROWS} rows, {size} bytes chunked, {r.status}: server VmHWM "
              f"{growth} bytes above VmRSS before ({growth / size:.2f} x the body)", end="")
        return r, size, growth

    def test_z_big_chunked_csv_streams(self):
        ind = self.f.indicator["I-V1"]
        before = self.count(ind)
        # Refused at its last row: the whole body was parsed and checked, none of it written.
        # What the ingest path holds (the parsed values, never the text) stays below 3x the body.
        r, size, growth = self.big_post(4001, bad_last_row=True)
        self.assertEqual(r.status, 422, r)
        self.assertEqual([(e["line"], e["field"]) for e in r.json()["errors"]],
                         [(BIG_ROWS + 2, "period")])
        self.assertLess(growth, 3 * size)
        self.assertEqual(self.count(ind), before)
        # Written: the commit adds the store's own per-transaction memory (its record of the
        # changes for the commit observer, SQLite's dirty pages), printed for the record.
        r, size, growth = self.big_post(4001, bad_last_row=False)
        self.assertEqual((r.status, r.json()), (200, {"written": BIG_ROWS}), r)
        self.assertEqual(self.count(ind), before + BIG_ROWS)
        last = BIG_ROWS - 1
        got = self.admin.ok("GET", harness.value_path(
            ind, self.f.unit[["P", "D", "C1", "C2", "V1"][last % 5]],
            f"{4001 + (last // 5) // 12}{(last // 5) % 12 + 1:02d}")).json()
        self.assertEqual(got["value"], last + 0.5)


if __name__ == "__main__":
    harness.main()
