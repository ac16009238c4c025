"""The few Label Studio REST calls a session needs, each failure one line naming the server.

Authentication is the SDK's (`label_studio_sdk.LabelStudio`): it tells a legacy token (`Token …`) from a
personal access token, which it exchanges for short-lived access tokens itself. Requests go through
httpx (the SDK's own transport) so that a map can be uploaded as a multipart file and an export read as
plain JSON, with the SDK's headers taken afresh for each request.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from curation.errors import LabelStudioError
from curation.extras import require

TIMEOUT = 120.0
PAGE = 100


class Client:
    """A Label Studio server at `url`, as the user whose API token is `token`."""

    def __init__(self, url: str, token: str) -> None:
        if not url or not url.startswith(("http://", "https://")):
            raise LabelStudioError(f"the Label Studio URL must start with http:// or https://, but got {url!r} "
                                   "(--url or LABEL_STUDIO_URL)")
        if not token:
            raise LabelStudioError("no Label Studio API token: pass --token or set LABEL_STUDIO_API_KEY")
        sdk = require("label_studio_sdk", "annotate", "talking to a Label Studio server")
        self.url = url.rstrip("/")
        try:
            self._wrapper = sdk.LabelStudio(base_url=self.url, api_key=token)._client_wrapper
        except Exception as exc:  # the SDK decodes a personal access token eagerly
            raise LabelStudioError(f"the API token is not one Label Studio issues ({exc})") from None
        self._http = httpx.Client(base_url=self.url, timeout=TIMEOUT)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """One call; the decoded JSON answer (None when empty). Errors: one `LabelStudioError` line."""
        try:
            headers = self._wrapper.get_headers()
        except Exception as exc:  # exchanging a personal access token needs the server
            raise LabelStudioError(f"cannot sign in to Label Studio at {self.url}: {_reason(exc)}") from None
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise LabelStudioError(f"cannot reach Label Studio at {self.url}: {_reason(exc)}") from None
        if response.status_code in (401, 403):
            raise LabelStudioError(f"Label Studio at {self.url} refused the API token ({response.status_code}): "
                                   "check --token / LABEL_STUDIO_API_KEY")
        if response.status_code >= 400:
            raise LabelStudioError(f"Label Studio at {self.url} answered {method} /{path.lstrip('/')} with "
                                   f"{response.status_code}: {_gist(response)}")
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise LabelStudioError(f"{self.url} does not answer as a Label Studio server ({method} "
                                   f"/{path.lstrip('/')} gave {response.headers.get('content-type', 'no JSON')})"
                                   ) from None

    def check(self) -> str:
        """The server's version, after checking it is Label Studio and the token is accepted."""
        version = self.request("GET", "api/version")
        if not isinstance(version, Mapping) or "release" not in version:
            raise LabelStudioError(f"{self.url} does not answer as a Label Studio server (no release in /api/version)")
        self.request("GET", "api/current-user/whoami")
        return str(version["release"])

    def projects(self) -> Iterator[dict[str, Any]]:
        yield from self._pages("api/projects", {})

    def project(self, project_id: int) -> dict[str, Any] | None:
        """The project, or None when the server has no such project."""
        try:
            found = self.request("GET", f"api/projects/{project_id}")
        except LabelStudioError as exc:
            if " with 404" in str(exc):
                return None
            raise
        return found if isinstance(found, dict) else None

    def create_project(self, title: str, config: str) -> dict[str, Any]:
        return dict(self.request("POST", "api/projects", json={"title": title, "label_config": config}))

    def update_project(self, project_id: int, **fields: Any) -> None:
        self.request("PATCH", f"api/projects/{project_id}", json=fields)

    def tasks(self, project_id: int) -> list[dict[str, Any]]:
        """Every task of the project with its data (annotations and predictions left out)."""
        return list(self._pages("api/tasks", {"project": project_id, "fields": "task_only"}, key="tasks"))

    def upload(self, project_id: int, file_name: str, content: bytes) -> list[int]:
        """Upload an image as a new task; the new task ids."""
        answer = self.request("POST", f"api/projects/{project_id}/import", params={"return_task_ids": "true"},
                              files={"file": (file_name, content, "image/png")})
        ids = answer.get("task_ids") if isinstance(answer, dict) else None
        if not isinstance(ids, list) or not ids:
            raise LabelStudioError(f"Label Studio at {self.url} created no task for the upload of {file_name}")
        return [int(i) for i in ids]

    def update_task(self, task_id: int, data: dict[str, Any]) -> None:
        self.request("PATCH", f"api/tasks/{task_id}", json={"data": data})

    def predictions(self, task_id: int) -> list[dict[str, Any]]:
        answer = self.request("GET", "api/predictions", params={"task": task_id})
        return list(answer if isinstance(answer, list) else (answer or {}).get("results", []))

    def create_prediction(self, task_id: int, result: list[dict[str, Any]], model_version: str) -> None:
        self.request("POST", "api/predictions", json={"task": task_id, "result": result,
                                                      "model_version": model_version, "score": 1.0})

    def create_annotation(self, task_id: int, result: list[dict[str, Any]]) -> dict[str, Any]:
        """An annotation of the task by the token's user (what an annotator's Submit sends)."""
        return dict(self.request("POST", f"api/tasks/{task_id}/annotations", json={"result": result}))

    def users(self) -> dict[int, str]:
        """Every user's id and e-mail."""
        answer = self.request("GET", "api/users")
        rows = answer if isinstance(answer, list) else (answer or {}).get("results", [])
        return {int(u["id"]): str(u.get("email") or u.get("username") or f"user-{u['id']}") for u in rows}

    def export(self, project_id: int, timeout: float = 600.0) -> list[dict[str, Any]]:
        """The full JSON export of the project, predictions in full (a snapshot export)."""
        snapshot = self.request("POST", f"api/projects/{project_id}/exports", json={
            "title": "mapcurate pull",
            "serialization_options": {"predictions": {"only_id": False}, "annotations__completed_by": {
                "only_id": False}},
        })
        export_id = snapshot["id"]
        deadline = time.monotonic() + timeout
        while snapshot.get("status") not in ("completed", "failed"):
            if time.monotonic() > deadline:
                raise LabelStudioError(f"Label Studio at {self.url} did not finish export {export_id} "
                                       f"in {timeout:.0f} s")
            time.sleep(0.2)
            snapshot = self.request("GET", f"api/projects/{project_id}/exports/{export_id}")
        if snapshot["status"] == "failed":
            raise LabelStudioError(f"Label Studio at {self.url} failed to export project {project_id}")
        tasks = self.request("GET", f"api/projects/{project_id}/exports/{export_id}/download",
                             params={"exportType": "JSON"})
        self.request("DELETE", f"api/projects/{project_id}/exports/{export_id}")
        if not isinstance(tasks, list):
            raise LabelStudioError(f"Label Studio at {self.url} exported something other than a list of tasks")
        return tasks

    def _pages(self, path: str, params: dict[str, Any], key: str = "results") -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            answer = self.request("GET", path, params={**params, "page": page, "page_size": PAGE})
            rows = answer if isinstance(answer, list) else (answer or {}).get(key, [])
            yield from rows
            if isinstance(answer, list) or len(rows) < PAGE or not (answer or {}).get("next", True):
                return
            page += 1


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def _gist(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return "a web page, not the Label Studio API (is the URL the server's own address?)"
    if isinstance(data, dict):
        detail = data.get("detail") or data.get("validation_errors") or data
        return str(detail)[:300]
    return str(data)[:300]
