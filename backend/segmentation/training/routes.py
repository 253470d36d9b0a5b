"""Retraining, jobs and model versions."""

from __future__ import annotations

from flask import current_app, url_for
from flask.views import MethodView
from flask_smorest import abort

from ..auth import audit, requires
from ..auth.ratelimit import write_limit
from ..core.extensions import Blueprint
from ..jobs import RESEGMENT_TASK, defer
from ..segmentations import service as segmentations
from ..segmentations.schemas import SegmentationArgs
from . import registry
from .models import TrainingRun
from .schemas import JobListArgs, JobListSchema, JobSchema, ModelListSchema, ModelVersionSchema, TriggerSchema
from .service import QueueUnavailable, get_run, latest_runs, request_training

blp = Blueprint(
    "training",
    __name__,
    url_prefix="/api/v1/segmentation",
    description="Asynchronous retraining from PostgreSQL, job status and model versions.",
)


def _job(run: TrainingRun) -> dict:
    data = {
        c: getattr(run, c)
        for c in (
            "id",
            "status",
            "stage",
            "progress",
            "params",
            "trigger",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            "stage_seconds",
            "peak_rss_mb",
            "model_version_id",
        )
    }
    mv = registry.get_version(run.model_version_id)
    data["metrics"] = mv.metrics if mv else None
    return data


def queue():
    return current_app.extensions["queue"]


@blp.route("/trigger-training")
class TriggerTraining(MethodView):
    decorators = [write_limit()]

    @requires("admin")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.arguments(TriggerSchema, location="json", required=False)
    @blp.response(
        202, JobSchema, headers={"Location": {"description": "URL of the job", "schema": {"type": "string"}}}
    )
    @blp.alt_response(
        200, schema=JobSchema, description="A training job is already queued or running: that job"
    )
    @blp.alt_response(503, description="The job queue is unreachable")
    def post(self, params, segmentation):
        """Start retraining from the latest data (asynchronous)

        Answers 202 with the new job. While a training job is queued or running, answers 200
        with that job instead: there is never a second concurrent training.
        """
        seg = segmentations.get(segmentation)
        params = {k: params.get(k) for k in ("k", "min_clusters", "max_clusters")}
        try:
            run, created = request_training(params, trigger="api", queue=queue(), segmentation_id=seg.id)
        except QueueUnavailable as exc:
            abort(503, message=f"The job queue is unavailable: {exc}")
        if created:
            audit.record(
                "training.trigger", f"job {run.id}", params=params, segmentation=seg.name, commit=True
            )
        headers = {"Location": url_for("training.Job", job_id=run.id)}
        return _job(run), (202 if created else 200), headers


@blp.route("/jobs")
class Jobs(MethodView):
    @requires("viewer")
    @blp.arguments(JobListArgs, location="query")
    @blp.response(200, JobListSchema)
    def get(self, args):
        """Recent training jobs, newest first"""
        seg = segmentations.get(args["segmentation"])
        return {"items": [_job(r) for r in latest_runs(args["limit"], seg.id)]}


@blp.route("/jobs/<int:job_id>")
class Job(MethodView):
    @requires("viewer")
    @blp.response(200, JobSchema)
    @blp.alt_response(404, description="No such job")
    def get(self, job_id):
        """Status, stage and progress of a training job"""
        run = get_run(job_id)
        if run is None:
            abort(404, message=f"Training job {job_id} does not exist.")
        return _job(run)


@blp.route("/models")
class Models(MethodView):
    @requires("viewer")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.response(200, ModelListSchema)
    def get(self, segmentation):
        """Every stored model version of the segmentation with its metrics, newest first"""
        return {"items": registry.versions(segmentations.get(segmentation).id)}


@blp.route("/models/<int:version>/activate")
class ActivateModel(MethodView):
    decorators = [write_limit()]

    @requires("admin")
    @blp.response(200, ModelVersionSchema)
    @blp.alt_response(404, description="No such version")
    @blp.alt_response(409, description="The version's file is missing or fails its hash check")
    def post(self, version):
        """Activate a stored model version (also used to roll back)

        Every web worker serves it within a couple of seconds; customers are then
        re-segmented in the background by the worker.
        """
        try:
            mv = registry.activate(version)
        except LookupError:
            abort(404, message=f"Model version {version} does not exist.")
        except registry.ActivationError as exc:
            abort(409, message=f"Model version {version} cannot be activated: {exc}")
        audit.record("model.activate", f"v{mv.id}", commit=True)
        try:
            defer(queue(), RESEGMENT_TASK, version=mv.id)
        except Exception as exc:  # activation stands; re-segmentation can be re-run
            current_app.logger.warning("could not queue re-segmentation of v%s: %s", mv.id, exc)
        return mv
