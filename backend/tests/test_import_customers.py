"""import-customers (CLI) and /api/v1/imports: the bank's own file, text ids, attributes."""

import io
import json
import os
import re
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from segmentation.core.extensions import db

HEADER = "CUST_ID,age,Gender,BALANCE,PURCHASES_FREQ,Tenure,Segment,Premium,Opened"
ROWS = [
    "C10001,41,F,40.90,0.166667,12,gold,yes,2019-03-01",
    "C10002,,M,3202.46,0,12,silver,no,2020-11-15",
    "C10003,29,X,2495.14,1,,gold,,2018-01-31",
    "C10004,55,F,,0.083333,6,bronze,no,",
]


def write(tmp_path, body: str | bytes, name="bank.csv"):
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode())
    return path


def run(app, *args):
    return app.test_cli_runner().invoke(args=["import-customers", *map(str, args)])


def rows(app, sql, **params):
    with app.app_context():
        return db.session.execute(text(sql), params).all()


def bank_file(tmp_path, rows=ROWS, header=HEADER, **kw):
    return write(tmp_path, "\n".join([header, *rows]) + "\n", **kw)


def test_text_ids_attributes_and_types(app, tmp_path):
    result = run(app, bank_file(tmp_path), "--id-column", "cust_id")
    assert result.exit_code == 0, result.output
    assert "customers 4 imported, 0 updated, 0 unchanged, 0 rejected" in result.output
    got = rows(app, "SELECT external_id, age, gender, attributes FROM customers ORDER BY external_id")
    assert [(r.external_id, r.age, r.gender) for r in got] == [
        ("C10001", 41, "F"),
        ("C10002", None, "M"),
        ("C10003", 29, "X"),
        ("C10004", 55, "F"),
    ]
    assert got[0].attributes == {
        "BALANCE": 40.9,
        "PURCHASES_FREQ": 0.166667,
        "Tenure": 12,
        "Segment": "gold",
        "Premium": True,
        "Opened": "2019-03-01",
    }
    # blanks are missing values (JSON null), never zero
    assert got[2].attributes["Tenure"] is None and got[2].attributes["Premium"] is None
    assert got[3].attributes["BALANCE"] is None and got[3].attributes["Opened"] is None
    cols = rows(app, "SELECT name, type, categories, n_values, n_missing FROM customer_columns ORDER BY name")
    assert [tuple(c) for c in cols] == [
        ("BALANCE", "number", None, 3, 1),
        ("Opened", "date", None, 3, 1),
        ("PURCHASES_FREQ", "number", None, 4, 0),
        ("Premium", "boolean", None, 3, 1),
        ("Segment", "category", ["bronze", "gold", "silver"], 4, 0),
        ("Tenure", "number", None, 3, 1),
    ]


def test_reimport_changes_nothing_and_updates_only_what_changed(app, tmp_path):
    path = bank_file(tmp_path)
    assert run(app, path, "--id-column", "CUST_ID").exit_code == 0
    before = rows(app, "SELECT external_id, updated_at, row_version FROM customers ORDER BY 1")
    again = run(app, path, "--id-column", "CUST_ID")
    assert again.exit_code == 0 and "0 imported, 0 updated, 4 unchanged, 0 rejected" in again.output
    assert rows(app, "SELECT external_id, updated_at, row_version FROM customers ORDER BY 1") == before
    changed = bank_file(tmp_path, [ROWS[0].replace(",12,gold", ",13,gold"), *ROWS[1:]], name="b2.csv")
    third = run(app, changed, "--id-column", "CUST_ID")
    assert "0 imported, 1 updated, 3 unchanged" in third.output
    after = dict(rows(app, "SELECT external_id, row_version FROM customers"))
    assert after == {"C10001": 2, "C10002": 1, "C10003": 1, "C10004": 1}


def test_bom_is_accepted(app, tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + ("\n".join(["customer_id,x", "A1,1", "A2,2"]) + "\n").encode())
    result = run(app, path)
    assert result.exit_code == 0, result.output
    assert rows(app, "SELECT external_id FROM customers ORDER BY 1") == [("A1",), ("A2",)]


def test_latin1_byte_is_a_clear_error_and_writes_nothing(app, tmp_path):
    path = write(tmp_path, "customer_id,city\nA1,Paris\nA2,Montr\xe9al\n".encode("latin-1"))
    result = run(app, path)
    assert result.exit_code == 1
    assert "line 3: not valid UTF-8 (byte 0xe9); save the file as UTF-8" in result.output
    assert "Traceback" not in result.output
    assert rows(app, "SELECT count(*) FROM customers") == [(0,)]
    assert rows(app, "SELECT status, error FROM imports") == [
        ("failed", "line 3: not valid UTF-8 (byte 0xe9); save the file as UTF-8")
    ]


def test_bad_lines_go_to_a_private_rejects_file(app, tmp_path):
    body = [
        "customer_id,age,loyalty_score,Score",
        "A1,30,500,1",
        "A2,7,500,2",  # age out of range
        "A3,40,500",  # a field short
        ",40,500,3",  # blank id
        "A1,41,500,4",  # duplicate id
        "A5,=cmd(),500,5",  # age not a number
        "A6,33,,6",  # blank loyalty score: a missing value, fine
        *[f"B{i},30,{i % 999 + 1},{i}" for i in range(200)],
    ]
    result = run(app, write(tmp_path, "\n".join(body) + "\n"))
    assert result.exit_code == 0, result.output
    assert "202 imported, 0 updated, 0 unchanged, 5 rejected" in result.output
    for expected in [
        "line 3, age: must be a whole number from 16 to 120",
        "line 4: wrong number of fields: 3 instead of 4",
        "line 5, customer_id: blank id",
        "line 6, customer_id: id also on line 2",
        "line 7, age: must be a whole number from 16 to 120",
    ]:
        assert expected in result.output
    path = rows(app, "SELECT rejects_path FROM imports")[0][0]
    assert f"Rejected lines: {path}" in result.output
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    lines = Path(path).read_text().splitlines()
    assert lines[0] == "line,column,reason,customer_id,age,loyalty_score,Score"
    assert lines[1] == "3,age,must be a whole number from 16 to 120,A2,7,500,2"
    assert lines[5] == "7,age,must be a whole number from 16 to 120,A5,=cmd(),500,5"
    assert rows(
        app, "SELECT age, loyalty_score FROM customers WHERE external_id IN ('A1', 'A6') ORDER BY 1"
    ) == [
        (30, 500),
        (33, None),
    ]


def test_a_file_of_only_bad_lines_exits_1(app, tmp_path):
    result = run(app, write(tmp_path, "customer_id,age\n,30\nA2,300\n"), "--type", "age=number")
    # age is built-in: its type is fixed
    assert result.exit_code == 1 and "--type age: a built-in column; its type is fixed" in result.output
    result = run(app, write(tmp_path, "customer_id,x\n,1\n,2\n", name="b.csv"))
    assert result.exit_code == 1 and "no valid rows: 2 rejected" in result.output
    # the error (API callers see it too) names the download, not the server's file
    failed = [line for line in result.output.splitlines() if " failed: " in line]
    assert len(failed) == 1 and re.fullmatch(
        r"Import (\d+) failed: no valid rows: 2 rejected "
        r"\(the rejected lines: GET /api/v1/imports/\1/rejects\.csv\)",
        failed[0],
    )
    assert rows(app, "SELECT count(*) FROM customers") == [(0,)]


def test_missing_id_column(app, tmp_path):
    result = run(app, write(tmp_path, "id,x\n1,2\n"))
    assert result.exit_code == 1
    assert "line 1: the header has no id column 'customer_id' (use --id-column NAME)" in result.output


def test_types_are_inferred_and_can_be_forced(app, tmp_path):
    body = "customer_id,code,flag,when\n" + "".join(
        f"A{i},{i % 3},{i % 2},2024-01-{i % 28 + 1:02d}\n" for i in range(30)
    )
    result = run(app, write(tmp_path, body), "--type", "code=category", "--type", "WHEN=text")
    assert result.exit_code == 0, result.output
    cols = dict(rows(app, "SELECT name, type FROM customer_columns"))
    assert cols == {"code": "category", "flag": "number", "when": "text"}
    assert rows(app, "SELECT attributes FROM customers WHERE external_id = 'A4'")[0][0] == {
        "code": "1",
        "flag": 0,
        "when": "2024-01-05",
    }
    bad = run(app, write(tmp_path, "customer_id,n\nA1,x\nA2,3\n", name="b.csv"), "--type", "n=number")
    assert bad.exit_code == 0 and "line 2, n: not a number" in bad.output


def test_a_builtin_column_that_does_not_fit_becomes_an_attribute(app, tmp_path):
    body = "customer_id,gender,age\n" + "".join(
        f"A{i},{'Frau' if i % 2 else 'Herr'},{20 + i}\n" for i in range(10)
    )
    result = run(app, write(tmp_path, body))
    assert result.exit_code == 0, result.output
    assert "column 'gender' does not fit the built-in gender" in result.output
    got = rows(app, "SELECT gender, age, attributes FROM customers WHERE external_id = 'A1'")
    assert got == [(None, 21, {"gender": "Frau"})]


def test_spending_categories_make_the_profile_and_blanks_make_none(app, tmp_path):
    cats = "Utilities,Groceries,Transport,Dining,Entertainment,OnlineShopping,Travel,Healthcare"
    body = f"customer_id,{cats.lower()}\nA1,1,2,3,4,5,6,7,8\nA2,1,2,,4,5,6,7,8\n"
    result = run(app, write(tmp_path, body))
    assert result.exit_code == 0, result.output
    assert "1 rows lack one or more of the 8 spending categories" in result.output
    got = rows(
        app,
        "SELECT c.external_id, p.transport, p.source FROM customers c "
        "LEFT JOIN spending_profiles p USING (customer_id) ORDER BY 1",
    )
    assert [(r[0], None if r[1] is None else float(r[1]), r[2]) for r in got] == [
        ("A1", 3.0, "declared"),
        ("A2", None, None),
    ]


def test_parquet(app, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "customer_id": ["P1", "P2", "P3"],
            "age": [30, None, 45],
            "score": [0.5, float("nan"), 1.0],
            "vip": [True, False, None],
        }
    )
    pq.write_table(table, tmp_path / "bank.parquet")
    result = run(app, tmp_path / "bank.parquet")
    assert result.exit_code == 0, result.output
    got = rows(app, "SELECT external_id, age, attributes FROM customers ORDER BY 1")
    assert [tuple(r) for r in got] == [
        ("P1", 30, {"score": 0.5, "vip": True}),
        ("P2", None, {"score": None, "vip": False}),
        ("P3", 45, {"score": 1.0, "vip": None}),
    ]


def test_an_error_mid_write_leaves_no_rows(app, tmp_path, monkeypatch):
    from segmentation.imports import writing

    def boom(cur, columns):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "upsert_profiles", boom)
    with pytest.raises(RuntimeError):
        with app.app_context():
            from segmentation.imports.runner import run_import
            from segmentation.imports.service import create_import

            imp = create_import("bank.csv", str(bank_file(tmp_path)), "CUST_ID", {}, "test")
            run_import(imp.id)
    assert rows(app, "SELECT count(*) FROM customers") == [(0,)]
    assert rows(app, "SELECT count(*) FROM customer_columns") == [(0,)]
    status = rows(app, "SELECT status, error FROM imports")
    assert status == [("failed", "RuntimeError: the import failed; nothing was written")]


def test_upload_is_queued_and_runs_to_success_with_progress(app, client, tmp_path):
    from conftest import authorized

    body = "\n".join(
        [HEADER, *ROWS, "C10005,200,F,1,0,1,gold,no,2020-01-01", "C10006,30,F,=1+2,0,1,gold,no,2020-01-01"]
    )
    analyst = authorized(app, "analyst")
    response = analyst.post(
        "/api/v1/imports",
        data={
            "file": (io.BytesIO(body.encode()), "bank.csv"),
            "id_column": "CUST_ID",
            "types": json.dumps({"Tenure": "category", "BALANCE": "number"}),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    queued = response.get_json()
    assert queued["status"] == "queued" and queued["progress"] == 0 and queued["filename"] == "bank.csv"
    assert response.headers["Location"] == f"/api/v1/imports/{queued['id']}"
    job = rows(app, "SELECT task_name, args FROM procrastinate_jobs")
    assert [tuple(j) for j in job] == [("import_customers", {"import_id": queued["id"]})]
    saved = rows(app, "SELECT path FROM imports")[0][0]
    assert saved.startswith(str(tmp_path / "imports")) and stat.S_IMODE(os.stat(saved).st_mode) == 0o600

    with app.app_context():
        from segmentation.imports.runner import run_import

        run_import(queued["id"])
    done = client.get(response.headers["Location"]).get_json()
    assert done["status"] == "succeeded" and done["progress"] == 100 and done["stage"] == "done"
    assert (done["rows_total"], done["imported"], done["rejected"]) == (6, 4, 2)
    assert {"name": "Tenure", "type": "category", "stored_as": "attribute", "key": "Tenure"} in done[
        "columns"
    ]
    assert done["has_rejects"] and done["finished_at"]
    assert client.get("/api/v1/imports").get_json()["items"][0]["id"] == queued["id"]

    rejects = analyst.get(f"/api/v1/imports/{queued['id']}/rejects.csv")
    assert rejects.status_code == 200 and rejects.mimetype == "text/csv"
    lines = rejects.get_data(as_text=True).splitlines()
    assert lines[1].startswith("6,age,must be a whole number from 16 to 120,C10005,200")
    assert lines[2].startswith("7,BALANCE,not a number,C10006,30,F,'=1+2,")
    customer = client.get("/api/v1/customers/C10001").get_json()
    assert customer["customer_id"] == "C10001" and customer["attributes"]["Tenure"] == "12"


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, ("files", "file"), "Missing data for required field."),
        ({"types": "{"}, ("form", "types"), "Must be a JSON object of column names to types."),
        (
            {"types": '{"x": "money"}'},
            ("form", "types"),
            "Types must be one of: number, boolean, category, date, text (wrong for x).",
        ),
    ],
)
def test_bad_uploads(app, data, field, message):
    from conftest import authorized

    if field[0] != "files":
        data["file"] = (io.BytesIO(b"customer_id\nA1\n"), "a.csv")
    response = authorized(app, "analyst").post(
        "/api/v1/imports", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][field[0]][field[1]] == [message]


def test_upload_needs_analyst_and_a_known_extension(app):
    from conftest import authorized

    viewer = authorized(app, "viewer").post(
        "/api/v1/imports", data={"file": (io.BytesIO(b"x"), "a.csv")}, content_type="multipart/form-data"
    )
    assert viewer.status_code == 403
    xlsx = authorized(app, "analyst").post(
        "/api/v1/imports", data={"file": (io.BytesIO(b"x"), "a.xlsx")}, content_type="multipart/form-data"
    )
    assert (
        xlsx.status_code == 422
        and xlsx.get_json()["message"] == "a.xlsx: unknown file type '.xlsx'; use .csv or .parquet"
    )
    assert rows(app, "SELECT count(*) FROM imports") == [(0,)]


def test_line_numbers_count_quoted_line_breaks_and_blank_lines(app, tmp_path):
    body = (
        "customer_id,note,age\r\n"
        'A1,"two\r\nlines",30\r\n'
        "\r\n"
        "A2,x,abc\r\n"
        'A3,"say ""hi""",31,extra\r\n'
        "A4,y,32"  # no line break at the end
    )
    result = run(app, write(tmp_path, body), "--type", "note=text")
    assert result.exit_code == 0, result.output
    assert "line 5, age: must be a whole number from 16 to 120" in result.output
    assert "line 6: wrong number of fields: 4 instead of 3" in result.output
    got = rows(app, "SELECT external_id, age, attributes ->> 'note' FROM customers ORDER BY 1")
    assert [tuple(r) for r in got] == [("A1", 30, "two\r\nlines"), ("A4", 32, "y")]
    rejects = Path(rows(app, "SELECT rejects_path FROM imports")[0][0]).read_text()
    assert 'A3,"say ""hi""",31,extra' in rejects


def test_reader_agrees_with_python_csv():
    """The fast reader's rows and line numbers equal the csv module's on awkward input."""
    from segmentation.imports.reading import _read_csv_arrow, _read_csv_python

    data = b'id,a\n1,"x\n\ny"\n\n2,"q,""r"""\n3\n4,z\n'
    fast, slow = _read_csv_arrow(data), _read_csv_python(data.decode())
    assert fast is not None
    assert fast.lines.tolist() == slow.lines.tolist() == [2, 6, 8]
    assert [c.to_pylist() for c in fast.columns] == [c.to_pylist() for c in slow.columns]
    assert fast.malformed == slow.malformed == [(7, ["3"])]


def test_uploads_may_exceed_the_api_body_limit(app):
    from conftest import authorized

    app.config["MAX_CONTENT_LENGTH"] = 1000
    body = b"customer_id,x\n" + b"".join(b"C%d,%d\n" % (i, i) for i in range(1000))
    analyst = authorized(app, "analyst")
    big = analyst.post(
        "/api/v1/imports", data={"file": (io.BytesIO(body), "a.csv")}, content_type="multipart/form-data"
    )
    assert big.status_code == 202, big.get_json()
    app.config["IMPORT_MAX_BYTES"] = 1000
    too_big = analyst.post(
        "/api/v1/imports", data={"file": (io.BytesIO(body), "a.csv")}, content_type="multipart/form-data"
    )
    assert too_big.status_code == 413


def test_an_import_killed_mid_write_leaves_no_rows(app, database_url, tmp_path):
    """A real `flask import-customers` process, SIGKILLed once it is writing."""
    import signal
    import subprocess
    import sys
    import time

    body = "customer_id,a,b,c\n" + "".join(f"K{i},{i},{i % 7},x{i % 5}\n" for i in range(300_000))
    path = write(tmp_path, body)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "VAR_DIR": str(tmp_path),
        "MODEL_DIR": str(tmp_path / "m"),
    }
    flask = Path(sys.executable).with_name("flask")
    proc = subprocess.Popen(
        [str(flask), "--app", "segmentation", "import-customers", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            stage = rows(app, "SELECT stage, progress FROM imports")
            if stage and stage[0][0] == "writing" and stage[0][1] >= 40:
                break
            assert proc.poll() is None, "the import finished before it could be killed"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert rows(app, "SELECT count(*) FROM customers") == [(0,)]
    assert rows(app, "SELECT count(*) FROM customer_columns") == [(0,)]
    # once its heartbeat is stale the import reads as failed
    app.config["RUN_STALE_SECONDS"] = 0.0
    time.sleep(0.1)
    imp = authorized_get(app, "/api/v1/imports/1")
    assert imp["status"] == "failed" and "nothing was written" in imp["error"]
    assert authorized_get(app, "/api/v1/imports")["items"][0]["status"] == "failed"
    assert rows(app, "SELECT status FROM imports") == [("running",)]  # a read writes nothing
    with app.app_context():
        from segmentation.imports.service import fail_stale_imports

        fail_stale_imports()  # what the worker's start and the next import do
    assert rows(app, "SELECT status, error IS NOT NULL FROM imports") == [("failed", True)]


def authorized_get(app, url):
    from conftest import authorized

    return authorized(app, "viewer").get(url).get_json()


def upload(app, body: str) -> dict:
    """POST a customers file to the API (queued, not run)."""
    from conftest import authorized

    response = authorized(app, "analyst").post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(body.encode()), "bank.csv"), "id_column": "CUST_ID"},
        content_type="multipart/form-data",
    )
    assert response.status_code in (202, 503), response.get_json()
    return response


def uploads(tmp_path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "imports").glob("upload-*"))


def finished_ago(app, import_id: int, interval: str) -> None:
    with app.app_context():
        db.session.execute(
            text(f"UPDATE imports SET finished_at = now() - interval '{interval}' WHERE id = :id"),
            {"id": import_id},
        )
        db.session.commit()


def test_rejected_lines_are_deleted_IMPORT_REJECTS_DAYS_after_the_import(app, tmp_path):
    from conftest import authorized

    from segmentation.imports.runner import run_import
    from segmentation.imports.service import forget_files

    app.config["IMPORT_REJECTS_DAYS"] = 7
    bad = "C10005,200,F,1,0,1,gold,no,2020-01-01"
    ids = [upload(app, "\n".join([HEADER, *ROWS, bad])).get_json()["id"] for _ in range(2)]
    clean = upload(app, "\n".join([HEADER, *ROWS])).get_json()["id"]
    with app.app_context():
        for import_id in [*ids, clean]:
            run_import(import_id)
    assert uploads(tmp_path) == []  # each upload deleted once imported
    files = dict(rows(app, "SELECT id, rejects_path FROM imports"))
    assert all(Path(files[i]).exists() for i in ids)
    analyst = authorized(app, "analyst")
    finished_ago(app, ids[0], "8 days")
    finished_ago(app, ids[1], "6 days")
    later = upload(app, "\n".join([HEADER, *ROWS])).get_json()["id"]
    with app.app_context():
        run_import(later)  # each import ends with the folder's housekeeping
        assert forget_files() == 0
    assert not Path(files[ids[0]]).exists() and Path(files[ids[1]]).exists()
    old = analyst.get(f"/api/v1/imports/{ids[0]}").get_json()
    assert old["rejected"] == 1 and not old["has_rejects"]  # the counts stay
    gone = analyst.get(f"/api/v1/imports/{ids[0]}/rejects.csv")
    assert gone.status_code == 410 and "kept 7 days" in gone.get_json()["message"]
    assert analyst.get(f"/api/v1/imports/{ids[1]}/rejects.csv").status_code == 200
    nothing = analyst.get(f"/api/v1/imports/{clean}/rejects.csv")
    assert nothing.status_code == 404 and "rejected no lines" in nothing.get_json()["message"]
    # a rejects file lost from the volume: 410 saying so, not a broken download
    Path(files[ids[1]]).unlink()
    lost = analyst.get(f"/api/v1/imports/{ids[1]}/rejects.csv")
    assert lost.status_code == 410 and "missing" in lost.get_json()["message"]


def test_the_daily_housekeeping_deletes_expired_rejected_lines_without_drift_checks(database_url, tmp_path):
    """Rejected lines (customer rows) go IMPORT_REJECTS_DAYS after their import even when the
    worker neither imports nor checks drift: its housekeeping task runs daily, always."""
    from conftest import close, make_app

    from segmentation.imports.runner import run_import

    app = make_app(database_url, tmp_path, DRIFT_SCHEDULE=None, IMPORT_REJECTS_DAYS=7)
    try:
        periodic = app.extensions["queue"].periodic_registry.periodic_tasks.values()
        assert [(p.periodic_id, p.task.name, p.cron) for p in periodic] == [
            ("housekeeping", "housekeeping", "15 3 * * *")
        ]
        bad = "C10005,200,F,1,0,1,gold,no,2020-01-01"
        import_id = upload(app, "\n".join([HEADER, *ROWS, bad])).get_json()["id"]
        with app.app_context():
            run_import(import_id)
        [(path,)] = rows(app, "SELECT rejects_path FROM imports")
        finished_ago(app, import_id, "8 days")
        assert Path(path).exists()
        app.extensions["queue"].tasks["housekeeping"](timestamp=0)  # what the periodic deferrer runs
        assert not Path(path).exists() and rows(app, "SELECT rejects_path FROM imports") == [(None,)]
    finally:
        close(app)


def test_an_upload_no_job_will_read_is_deleted(app, tmp_path, monkeypatch):
    from segmentation import jobs
    from segmentation.imports import writing
    from segmentation.imports.rejects import path_of
    from segmentation.imports.runner import run_import
    from segmentation.imports.service import fail_stale_imports, forget_files

    def down(*args, **kwargs):
        raise ConnectionError("queue down")

    with monkeypatch.context() as patched:
        patched.setattr(jobs, "defer", down)
        assert upload(app, "\n".join([HEADER, *ROWS])).status_code == 503
    assert rows(app, "SELECT status FROM imports") == [("failed",)] and uploads(tmp_path) == []

    # an unexpected error after the rejected lines were written: upload and lines deleted
    bad = "C10005,200,F,1,0,1,gold,no,2020-01-01"
    broken = upload(app, "\n".join([HEADER, *ROWS, bad])).get_json()["id"]
    with monkeypatch.context() as patched, app.app_context():
        patched.setattr(writing, "upsert_customers", lambda *a: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            run_import(broken)
    assert uploads(tmp_path) == [] and not path_of(tmp_path / "imports", broken).exists()

    # an import whose worker died: failed at the next worker start or import; its files are
    # deleted an hour later (a worker declared dead too early may still be reading them)
    queued = upload(app, "\n".join([HEADER, *ROWS])).get_json()["id"]
    left = path_of(tmp_path / "imports", queued)
    left.write_text("line,column,reason\n")  # as if it had written its rejected lines
    with app.app_context():
        db.session.execute(
            text(
                "UPDATE imports SET status = 'running', started_at = now() - interval '1 hour' WHERE id = :id"
            ),
            {"id": queued},
        )
        db.session.commit()
        fail_stale_imports()
        assert forget_files() == 0 and len(uploads(tmp_path)) == 1 and left.exists()
    assert rows(app, "SELECT status FROM imports WHERE id = :id", id=queued) == [("failed",)]
    finished_ago(app, queued, "61 minutes")
    with app.app_context():
        assert forget_files() == 1
    assert uploads(tmp_path) == [] and not left.exists()


def test_a_rejects_retention_below_one_day_is_refused(monkeypatch):
    from segmentation.core.config import Config

    monkeypatch.setenv("IMPORT_REJECTS_DAYS", "0")
    with pytest.raises(ValueError, match="IMPORT_REJECTS_DAYS must be at least 1"):
        Config.from_env()
    monkeypatch.setenv("IMPORT_REJECTS_DAYS", "7")
    assert Config.from_env().IMPORT_REJECTS_DAYS == 7
