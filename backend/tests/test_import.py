"""import-transactions and RFM: text ids, optional columns, duplicates, the window's end."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from segmentation.core.extensions import db


def rows(app, sql, **params):
    with app.app_context():
        return db.session.execute(text(sql), params).all()


def load(app, path, *args):
    return app.test_cli_runner().invoke(args=["import-transactions", str(path), *args])


def test_import_reports_bad_lines_and_loads_the_rest(trained_app, tmp_path):
    day = (datetime.now(UTC) - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = tmp_path / "tx.csv"
    path.write_text(
        "customer_id,booked_at,amount,category,channel\n"
        f"1,{day},12.50,groceries,pos\n"
        "2,yesterday,5,Groceries,pos\n"
        f"3,{day},-4,Travel,online\n"
        f"99999999,{day},4,Travel,online\n"
        f"4,{day},4,Crypto,online\n"
        f"5,{day},4,Travel\n"
        f"abc,{day},4,Travel,pos\n"
        f'1,{day},"1,000.00",Travel,pos\n'
        f"6,{day},300,OnlineShopping,Mobile\n"
    )
    result = load(trained_app, path, "--reject-unknown")
    assert result.exit_code == 0, result.output
    assert (
        "Imported 2 transactions for 2 customers (0 new customers); 0 already stored; 7 rows rejected"
        in result.output
    )
    for expected in [
        "line 3: booked_at: not a date",
        "line 4: amount: must be greater than 0",
        "line 5: customer_id: no customer with this id",
        "line 6: category: must be one of",
        "line 7: wrong number of fields",
        "line 8: customer_id: no customer with this id",
        "line 9: amount: not a number",
    ]:
        assert expected in result.output
    got = rows(
        trained_app, "SELECT customer_id, amount, category, channel FROM transactions ORDER BY customer_id"
    )
    assert [(r.customer_id, float(r.amount), r.category, r.channel) for r in got] == [
        (1, 12.5, "Groceries", "pos"),
        (6, 300.0, "OnlineShopping", "mobile"),
    ]
    profile = rows(
        trained_app, "SELECT source, frequency, online_shopping FROM spending_profiles WHERE customer_id = 6"
    )
    assert (
        profile[0].source == "transactions"
        and profile[0].frequency == 1
        and float(profile[0].online_shopping) > 0
    )


def test_import_rejects_a_file_without_the_columns(trained_app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,when,amount\n1,2026-01-01,3\n")
    result = load(trained_app, path)
    assert (
        result.exit_code != 0
        and "lacks customer_id, booked_at (needs customer_id, booked_at, amount" in result.output
    )


def test_latin1_file_is_a_clear_error(app, tmp_path):
    path = tmp_path / "tx.csv"
    path.write_bytes("customer_id,booked_at,amount\nA,19970101,1\nZoë,19970101,2\n".encode("latin-1"))
    result = load(app, path)
    assert result.exit_code == 1 and "line 3: not valid UTF-8 (byte 0xeb)" in result.output
    assert rows(app, "SELECT count(*) FROM customers") == [(0,)]


RETAIL = (
    "\ufeffCustomer_ID,booked_at,amount\n"  # a BOM and a capitalised header are fine
    "00001,19970101,11.77\n"
    "00001,19970601,20.00\n"
    "00002,19970630,5.00\n"
    "00002,19970630,5.00\n"  # the same purchase twice in one file: two purchases
    "00003,19970105,30.00\n"
)


def test_retail_log_creates_customers_and_the_window_ends_at_the_data(app, tmp_path):
    path = tmp_path / "cdnow.csv"
    path.write_text(RETAIL)
    result = load(app, path)
    assert result.exit_code == 0, result.output
    assert "Imported 5 transactions for 3 customers (3 new customers); 0 already stored" in result.output
    assert "RFM window 1997-04-02..1997-06-30 (90 days)" in result.output
    got = rows(
        app,
        "SELECT c.external_id, p.recency_days, p.frequency, p.monetary FROM customers c "
        "JOIN spending_profiles p USING (customer_id) ORDER BY 1",
    )
    # recency counts to the latest transaction in the data, not to today
    assert [(r[0], r[1], r[2], float(r[3])) for r in got] == [
        ("00001", 29, 1, 20.0),
        ("00002", 0, 2, 10.0),
        ("00003", 176, 0, 0.0),
    ]
    before = rows(app, "SELECT id, dedupe_key FROM transactions ORDER BY id")
    again = load(app, path)
    assert "Imported 0 transactions for 0 customers (0 new customers); 5 already stored" in again.output
    assert rows(app, "SELECT id, dedupe_key FROM transactions ORDER BY id") == before


def test_transaction_ids_are_the_dedupe_key(app, tmp_path):
    path = tmp_path / "tx.csv"
    path.write_text(
        "customer_id,booked_at,amount,transaction_id,category,channel\n"
        "A,2024-05-01,10,T1,travel,\n"
        "A,2024-05-01,10,T1,travel,\n"
        "A,2024-05-02,10,T2,,online\n"
    )
    result = load(app, path)
    assert "Imported 2 transactions for 1 customers (1 new customers); 1 already stored" in result.output
    assert rows(app, "SELECT dedupe_key, category, channel FROM transactions ORDER BY id") == [
        ("T1", "Travel", None),
        ("T2", None, "online"),
    ]


def test_recompute_profiles_after_changing_the_window(app, database_url, tmp_path):
    from conftest import close, make_app

    cats = "Utilities,Groceries,Transport,Dining,Entertainment,OnlineShopping,Travel,Healthcare"
    (tmp_path / "customers.csv").write_text(f"customer_id,{cats}\nDECL,1,2,3,4,5,6,7,8\n")
    assert (
        app.test_cli_runner().invoke(args=["import-customers", str(tmp_path / "customers.csv")]).exit_code
        == 0
    )
    (tmp_path / "cdnow.csv").write_text(RETAIL)
    assert load(app, tmp_path / "cdnow.csv").exit_code == 0
    # a declared profile without transactions: no history, spending kept
    assert rows(
        app,
        "SELECT recency_days, frequency, monetary, transport, source FROM spending_profiles "
        "JOIN customers USING (customer_id) WHERE external_id = 'DECL'",
    ) == [(None, 0, 0, 3, "declared")]

    later = make_app(database_url, tmp_path, RFM_AS_OF="1998-01-01", TRANSACTION_WINDOW_DAYS=30)
    try:
        result = later.test_cli_runner().invoke(args=["recompute-profiles"])
        assert result.exit_code == 0, result.output
        assert (
            "warning: no customer has a transaction in the RFM window 1997-12-03..1998-01-01" in result.output
        )
        assert "RFM window 1997-12-03..1998-01-01 (30 days): 3 customers with history" in result.output
        got = rows(
            later,
            "SELECT c.external_id, p.recency_days, p.frequency FROM customers c "
            "JOIN spending_profiles p USING (customer_id) ORDER BY 1",
        )
        assert [tuple(r) for r in got] == [
            ("00001", 214, 0),
            ("00002", 185, 0),
            ("00003", 361, 0),
            ("DECL", None, 0),
        ]
    finally:
        close(later)
