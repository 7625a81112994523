"""Reads an MLflow tracking server back with MLflow's own Python client, as JSON.

    python readback.py TRACKING_URI EXPERIMENT_NAME [REGISTERED_MODEL ...]

Prints {"runs": [...], "models": {...}}: each run's name, status, parameters, tags, metric
histories ([step, value] pairs) and artifact paths, and each registered model's versions
(number, tags, source, run id) and aliases. Exits 2 when the experiment does not exist.
"""
import json
import math
import sys

from mlflow.tracking import MlflowClient


def artifacts(client, run_id, path=None):
    found = []
    for item in client.list_artifacts(run_id, path):
        if item.is_dir:
            found += artifacts(client, run_id, item.path)
        else:
            found.append({"path": item.path, "bytes": item.file_size})
    return found


def number(value):
    return "NaN" if isinstance(value, float) and math.isnan(value) else value


def main():
    uri, experiment_name, models = sys.argv[1], sys.argv[2], sys.argv[3:]
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.get_experiment_by_name(experiment_name)
    if experiment is None:
        sys.exit(2)
    runs = []
    for run in client.search_runs([experiment.experiment_id]):
        metrics = {
            key: [[m.step, number(m.value)] for m in sorted(client.get_metric_history(run.info.run_id, key), key=lambda m: m.step)]
            for key in run.data.metrics
        }
        runs.append({
            "run_id": run.info.run_id,
            "name": run.info.run_name,
            "status": run.info.status,
            "params": run.data.params,
            "tags": {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")},
            "metrics": metrics,
            "artifacts": artifacts(client, run.info.run_id),
        })
    registered = {}
    for name in models:
        model = client.get_registered_model(name)
        versions = client.search_model_versions(f"name='{name}'")
        registered[name] = {
            "aliases": dict(model.aliases or {}),
            "versions": sorted(
                [{"version": int(v.version), "tags": dict(v.tags), "source": v.source, "run_id": v.run_id} for v in versions],
                key=lambda v: v["version"]),
        }
    print(json.dumps({"runs": runs, "models": registered}))


if __name__ == "__main__":
    main()
