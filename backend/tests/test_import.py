from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from segmentation.extensions import db


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
    result = trained_app.test_cli_runner().invoke(args=["import-transactions", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 transactions for 2 customers; 7 rows rejected" in result.output
    for expected in [
        "line 3: booked_at",
        "line 4: amount",
        "line 5: customer_id: customer 99999999 does not exist",
        "line 6: category",
        "line 7: wrong number of fields",
        "line 8: customer_id",
        "line 9: amount",
    ]:
        assert expected in result.output
    with trained_app.app_context():
        rows = db.session.execute(
            text("SELECT customer_id, amount, category, channel FROM transactions ORDER BY customer_id")
        ).all()
        assert [(r.customer_id, float(r.amount), r.category, r.channel) for r in rows] == [
            (1, 12.5, "Groceries", "pos"),
            (6, 300.0, "OnlineShopping", "mobile"),
        ]
        profile = db.session.execute(
            text("SELECT source, frequency, online_shopping FROM spending_profiles WHERE customer_id = 6")
        ).one()
        assert (
            profile.source == "transactions" and profile.frequency == 1 and float(profile.online_shopping) > 0
        )


def test_import_rejects_a_file_without_the_columns(trained_app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,when,amount\n1,2026-01-01,3\n")
    result = trained_app.test_cli_runner().invoke(args=["import-transactions", str(path)])
    assert result.exit_code != 0 and "lacks customer_id, booked_at, category, channel" in result.output
