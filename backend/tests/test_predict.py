import numpy as np
import pytest
from sqlalchemy import select

from segmentation.core.extensions import db
from segmentation.ml import artifacts
from segmentation.ml.features import CATEGORIES
from segmentation.training.models import ModelVersion

URL = "/api/v1/segmentation/predict-segment"


def profile(**overrides):
    base = {c: 0 for c in CATEGORIES}
    base.update(overrides)
    return base


JAVA_BODY = [
    {
        "Utilities": "500",
        "Groceries": "320.50",
        "Transport": "0",
        "Dining": "0",
        "Entertainment": "0",
        "OnlineShopping": "0",
        "Travel": "0",
        "Healthcare": "0",
    }
]


def test_compat_shape_with_string_amounts(api):
    body = api.predict(JAVA_BODY)
    assert set(body) == {"predictions", "segments", "model_version"}
    assert len(body["predictions"]) == 1 and isinstance(body["predictions"][0], int)
    assert body["segments"][0]["id"] == body["predictions"][0]
    assert body["segments"][0]["name"] and body["segments"][0]["strategy"]


def test_bare_object_and_case_insensitive_keys(api):
    listed = api.predict([profile(Travel=1500, Dining=400)])
    bare = api.predict({k.lower(): v for k, v in profile(Travel=1500, Dining=400).items()})
    upper = api.predict({k.upper(): str(v) for k, v in profile(Travel=1500, Dining=400).items()})
    assert listed["predictions"] == bare["predictions"] == upper["predictions"]
    assert listed["segments"][0]["name"] == "Frequent Traveller"


def test_predictions_follow_input_order_and_segments_are_distinct(api):
    rows = [
        profile(Utilities=180),
        profile(Travel=1500, Dining=380, Utilities=150, Groceries=280),
        profile(Utilities=170),
        profile(OnlineShopping=900, Groceries=250, Utilities=140),
    ]
    body = api.predict(rows)
    names = {s["id"]: s["name"] for s in body["segments"]}
    assert [names[p] for p in body["predictions"]] == [
        "Utilities Only",
        "Frequent Traveller",
        "Utilities Only",
        "Frequent Online Shopper",
    ]
    assert [s["id"] for s in body["segments"]] == list(dict.fromkeys(body["predictions"]))


def test_a_large_batch_lists_each_segment_once_in_order_of_first_appearance(api):
    """More than 64 rows take the array route; the segments come out as for a small batch."""
    kinds = [
        profile(OnlineShopping=900, Groceries=250, Utilities=140),
        profile(Utilities=170),
        profile(Travel=1500, Dining=380, Utilities=150, Groceries=280),
    ]
    ids = api.predict(kinds)["predictions"]
    assert len(set(ids)) == 3
    first = sorted(range(3), key=lambda i: -ids[i])  # first appearances in descending id order
    rest = np.random.default_rng(3).permutation([0] * 39 + [1] * 39 + [2] * 39)
    rows = [kinds[i] for i in [*first, *rest]]
    body = api.predict(rows)
    assert list(dict.fromkeys(body["predictions"])) == sorted(ids, reverse=True)
    assert len(body["predictions"]) == 120
    assert len(set(body["predictions"])) == 3
    assert [s["id"] for s in body["segments"]] == list(dict.fromkeys(body["predictions"]))
    assert all(s["name"] for s in body["segments"])


def test_equal_to_scikit_learn_on_random_inputs(api, trained_app):
    rng = np.random.default_rng(0)
    n = 10_000
    X = rng.lognormal(4.5, 1.5, size=(n, len(CATEGORIES))) * (rng.random((n, len(CATEGORIES))) < 0.6)
    X = np.round(X, 2)
    X[:50] = 0.0  # all-zero profiles
    body = api.predict([dict(zip(CATEGORIES, row.tolist())) for row in X])
    with trained_app.app_context():
        mv = db.session.scalars(select(ModelVersion).where(ModelVersion.is_active)).one()
        artifact = artifacts.load_artifact(f"{trained_app.config['MODEL_DIR']}/{mv.artifact_path}", mv.sha256)
    # the same preparation, then scikit-learn's nearest-centre search
    from sklearn.metrics import pairwise_distances_argmin

    from segmentation.ml import prep

    Z = prep.transform(X, artifact["preparation"])
    expected = np.asarray(artifact["segment_ids"])[
        pairwise_distances_argmin(Z, np.asarray(artifact["centers"]))
    ]
    assert body["predictions"] == expected.tolist()
    assert body["model_version"] == mv.id


BAD_ROWS = [
    ({"Utilities": "abc"}, "Utilities", "Must be a number or a numeric string."),
    ({"Utilities": "1,000"}, "Utilities", "Must be a number or a numeric string."),
    ({"Utilities": "NaN"}, "Utilities", "Must be a number or a numeric string."),
    ({"Utilities": "Infinity"}, "Utilities", "Must be a number or a numeric string."),
    ({"Utilities": "1e400"}, "Utilities", "Must be a finite number."),
    ({"Utilities": -5}, "Utilities", "Must be greater than or equal to 0."),
    ({"Utilities": "-0.01"}, "Utilities", "Must be greater than or equal to 0."),
    ({"Utilities": None}, "Utilities", "Field may not be null."),
    ({"Utilities": True}, "Utilities", "Must be a number or a numeric string."),
    ({"Utilities": [1]}, "Utilities", "Must be a number or a numeric string."),
    ({"Utilities": 2e12}, "Utilities", "Must be at most 999999999999.99."),
    ({"Bitcoin": 5}, "Bitcoin", "Unknown field."),
    ({"utilities": 5}, "utilities", "Given more than once (field names are case-insensitive)."),
]


@pytest.mark.parametrize("change, field, message", BAD_ROWS)
def test_bad_values_are_reported_per_row_and_field(api, change, field, message):
    good = profile(Utilities=100)
    bad = {**good, **change}
    body = api.predict([good, bad], expect=422)
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity" and body["message"]
    assert body["errors"]["json"] == {"1": {field: [message]}}


def test_large_regular_batches_word_bad_cells_per_row(api):
    # regular batches are checked column by column; the rows found bad are worded as always
    rows = [profile(Utilities=100 + i, Travel=i % 50) for i in range(2000)]
    rows[7]["Travel"] = -1
    rows[1999]["Groceries"] = 2e12
    body = api.predict(rows, expect=422)
    assert body["errors"]["json"] == {
        "7": {"Travel": ["Must be greater than or equal to 0."]},
        "1999": {"Groceries": ["Must be at most 999999999999.99."]},
    }


def test_large_batches_of_numeric_strings_equal_numbers(api):
    rows = [profile(Utilities=100 + i, Travel=(i * 37) % 1500, Dining=i % 400) for i in range(500)]
    as_text = [{k: f"{v:.2f}" for k, v in row.items()} for row in rows]
    assert api.predict(as_text)["predictions"] == api.predict(rows)["predictions"]
    as_text[3]["Dining"] = "-0.01"
    body = api.predict(as_text, expect=422)
    assert body["errors"]["json"] == {"3": {"Dining": ["Must be greater than or equal to 0."]}}


def test_missing_fields_are_listed(api):
    row = profile()
    del row["Travel"], row["Dining"]
    body = api.predict([row], expect=422)
    assert body["errors"]["json"] == {
        "0": {"Dining": ["Missing data for required field."], "Travel": ["Missing data for required field."]}
    }


@pytest.mark.parametrize(
    "payload, message",
    [
        ([], "At least one profile is required."),
        ("text", "Expected a profile object or a list of profile objects."),
        (5, "Expected a profile object or a list of profile objects."),
    ],
)
def test_bad_bodies(api, payload, message):
    body = api.predict(payload, expect=422)
    assert body["errors"]["json"] == [message]


def test_non_object_rows(api):
    body = api.predict([profile(), 3, "x"], expect=422)
    assert body["errors"]["json"] == {
        "1": {"_schema": ["Invalid input type: expected an object."]},
        "2": {"_schema": ["Invalid input type: expected an object."]},
    }


def test_more_than_the_batch_limit(api):
    body = api.predict([profile()] * 10_001, expect=422)
    assert body["errors"]["json"] == ["At most 10000 profiles per request; got 10001."]
    assert len(api.predict([profile()] * 10_000)["predictions"]) == 10_000


def test_many_bad_rows_are_capped_in_the_report(api):
    body = api.predict([{"Utilities": -1}] * 300, expect=422)
    errors = body["errors"]["json"]
    assert len([k for k in errors if k != "_schema"]) == 100
    assert errors["_schema"] == ["300 profiles are invalid; the first 100 are listed."]


def test_malformed_json(trained_client):
    response = trained_client.post(URL, data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"json": ["Invalid JSON body."]}
    # JSON has no NaN or Infinity; numbers that overflow a double are rejected too
    for literal in ("NaN", "Infinity", "1e400"):
        response = trained_client.post(
            URL, data=f'[{{"Utilities": {literal}}}]', content_type="application/json"
        )
        assert response.status_code == 400, literal


def test_no_active_model_is_409_with_its_reason(client):
    response = client.post(URL, json=[profile()])
    body = response.get_json()
    assert response.status_code == 409 and body["reason"] == "no_active_model"
    assert body["message"].startswith("No model of segmentation 'lifestyle' is active yet. Train one")
    # the body is still checked first: a bad profile is a 422 whether or not a model is active
    assert client.post(URL, json=[{"Utilities": "x"}]).status_code == 422


def test_openapi_documents_predict(trained_client):
    spec = trained_client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/segmentation/predict-segment"]["post"]
    assert "422" in op["responses"] and "200" in op["responses"]
    assert trained_client.get("/api/v1/docs").status_code == 200
    asset = trained_client.get("/api/v1/docs/static/swagger-ui-bundle.js")
    assert asset.status_code == 200 and b"SwaggerUIBundle" in asset.get_data()
    asset.close()


def test_a_renamed_segment_is_in_the_next_single_profile_answer(api, trained_client):
    """One profile's answer is kept per segment and snapshot (wire.payload): a name or
    strategy edited by staff still shows in the next answer, without retraining."""
    first = api.predict([profile(Travel=2500, Dining=400)])
    again = api.predict(profile(Travel=2500, Dining=400))  # a bare profile: the same answer
    assert again == first
    segment = first["predictions"][0]
    edit = {"name": "Globetrotters", "strategy": "Offer a travel card."}
    assert trained_client.patch(f"/api/v1/segmentation/segments/{segment}", json=edit).status_code == 200
    after = api.predict([profile(Travel=2500, Dining=400)])
    assert after["predictions"] == [segment]
    assert after["segments"] == [{"id": segment, **edit}]
