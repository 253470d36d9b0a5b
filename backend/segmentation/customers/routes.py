"""Customers: lookup, CRUD with immediate re-segmentation, transactions, explanations."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from ..auth import audit, requires
from ..auth.ratelimit import write_limit
from ..core.extensions import Blueprint, ErrorSchema
from ..segmentations import service as segmentations
from ..segmentations.current import NOT_LOADED_DOC, served_model
from ..segmentations.schemas import SegmentationArgs
from . import columns, explain, rfm, service
from .schemas import (
    ColumnListSchema,
    CustomerCreateSchema,
    CustomerListArgs,
    CustomerListSchema,
    CustomerPatchSchema,
    CustomerSchema,
    ExplanationSchema,
    TransactionBatchSchema,
    TransactionResultSchema,
)

blp = Blueprint(
    "customers",
    __name__,
    url_prefix="/api/v1/customers",
    description="Bank customers: attributes, spending profile and segment.",
)


def _not_found(customer_id: str):
    abort(404, message=f"Customer {customer_id} does not exist.")


@blp.route("")
class Customers(MethodView):
    decorators = [write_limit()]

    @requires("viewer")
    @blp.arguments(CustomerListArgs, location="query")
    @blp.response(200, CustomerListSchema)
    def get(self, args):
        """List customers, filtered by segment or by id prefix"""
        items, total = service.list_views(
            args["page"], args["per_page"], args.get("segment_id"), args.get("q")
        )
        return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}

    @requires("analyst")
    @blp.arguments(CustomerCreateSchema)
    @blp.response(201, CustomerSchema)
    @blp.alt_response(409, description="A customer with this id exists")
    def post(self, data):
        """Add a customer; it is segmented at once"""
        try:
            created = service.create(data)
        except service.Conflict as exc:
            abort(409, message=str(exc))
        audit.record("customer.create", created["customer_id"], commit=True)
        return created


@blp.route("/columns")
class CustomerColumns(MethodView):
    @requires("viewer")
    @blp.response(200, ColumnListSchema)
    def get(self):
        """Built-in and imported customer columns with type, counts and a suggested feature kind"""
        return {"items": columns.overview()}


@blp.route("/<customer_id>")
class CustomerItem(MethodView):
    decorators = [write_limit()]

    @requires("viewer")
    @blp.response(200, CustomerSchema)
    @blp.alt_response(404, description="Unknown customer")
    def get(self, customer_id):
        """A customer with attributes, profile, current and previous segment, segment per segmentation"""
        return service.get_view(customer_id) or _not_found(customer_id)

    @requires("analyst")
    @blp.arguments(CustomerPatchSchema)
    @blp.response(200, CustomerSchema)
    @blp.alt_response(404, description="Unknown customer")
    def patch(self, data, customer_id):
        """Change the given fields; the customer is re-segmented at once"""
        fields = sorted(data)
        updated = service.update(customer_id, data) or _not_found(customer_id)
        audit.record("customer.update", str(customer_id), fields=fields, commit=True)
        return updated

    @requires("admin")
    @blp.response(204)
    @blp.alt_response(404, description="Unknown customer")
    def delete(self, customer_id):
        """Remove a customer (from lookups and from the next training)"""
        if not service.delete(customer_id):
            _not_found(customer_id)
        audit.record("customer.delete", str(customer_id), commit=True)


@blp.route("/<customer_id>/transactions")
class CustomerTransactions(MethodView):
    decorators = [write_limit()]

    @requires("analyst")
    @blp.arguments(TransactionBatchSchema)
    @blp.response(201, TransactionResultSchema)
    @blp.alt_response(404, description="Unknown customer")
    def post(self, data, customer_id):
        """Add a batch of transactions; the profile, RFM figures and segment are recomputed"""
        inserted = rfm.add_transactions(customer_id, data["transactions"])
        if inserted is None:
            _not_found(customer_id)
        audit.record("transactions.add", str(customer_id), count=inserted, commit=True)
        return {"inserted": inserted, "customer": service.get_view(customer_id)}


@blp.route("/<customer_id>/explanation")
class CustomerExplanation(MethodView):
    @requires("viewer")
    @blp.response(200, ExplanationSchema)
    @blp.alt_response(404, description="Unknown customer")
    @blp.alt_response(
        409,
        description="The customer has no values for the features, or no model is active (reason `no_active_model`)",
        schema=ErrorSchema,
    )
    @blp.alt_response(503, **NOT_LOADED_DOC)
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    def get(self, customer_id, segmentation):
        """Why the customer is in its segment, and the next closest segment"""
        seg = segmentations.get(segmentation)
        snapshot = served_model(seg.name)
        key = service.key_of(customer_id)
        if key is None:
            _not_found(customer_id)
        result = explain.explanation(key, seg, snapshot)
        if result is None:
            abort(409, message=f"Customer {customer_id} has no values for this segmentation's features.")
        return {"customer_id": customer_id, "model_version": snapshot.version, **result}
