"""The Batch API of an OpenAI-compatible server: `OpenAIBatches`, the `client.BatchBackend`
that `extract/batch.py` drives (`/v1/files`, `/v1/batches`, `/v1/files/{id}/content`), through
the SDK client and retrying transport of the live `OpenAIClient` it is made from. The backend's
door (`briefgen.model.openai.batches`) makes one for batch mode."""

from __future__ import annotations

from typing import IO, Any, Final

import openai
from pydantic import BaseModel

from briefgen.errors import BatchError, BatchGone, ModelSetupError, ServerUnreachable
from briefgen.model.client import BatchJob, CallStats, Completion, Message
from briefgen.model.openai.live import (
    OpenAIClient,
    OpenAIFaults,
    explain,
    to_completion,
    usage_of,
)
from briefgen.model.retrying import Transport
from briefgen.redact import scrub
from briefgen.schemas import Usage

__all__ = ["OpenAIBatches", "batch_job"]


class OpenAIBatches:
    """The Batch API (`/v1/files`, `/v1/batches`, `/v1/files/{id}/content`) of the server an
    `OpenAIClient` talks to: the `client.BatchBackend` that `batch.py` drives. Requests go
    through the client's SDK and retrying transport; the provider's refusals become one-line
    `BatchError`s, and refused credentials a `ModelSetupError`."""

    ENDPOINT: Final = "/v1/chat/completions"

    def __init__(self, client: OpenAIClient):
        self._client = client
        self._sdk = client.sdk
        # Its own retries, without the run's deadline or token cap: files and batch objects
        # cost no tokens, and a status check is not a model call.
        server = f"the model server at {client.base_url}"
        self._transport = Transport(client.settings, _BatchFaults(), server=server)
        # Creating a batch is not safe to repeat: a create that timed out may have made one.
        once = client.settings.model_copy(update={"retries": 0})
        self._once = Transport(once, _BatchFaults(), server=server)
        self.model = client.model
        self.base_url = client.base_url

    def request_body(
        self, messages: list[Message], schema: type[BaseModel], max_tokens: int | None
    ) -> tuple[str, dict[str, Any]]:
        mode = self._client.first_mode()
        return mode.value, self._client.request_body(messages, schema, mode, max_tokens)

    def completion(self, body: dict[str, Any]) -> tuple[Completion, Usage]:
        """A batch output line's `response.body`: the chat completion a live call returns."""
        if not isinstance(body.get("choices"), list):
            return Completion("", "invalid_response"), Usage()
        return to_completion(body), usage_of(body)

    async def _call(self, what: str, send: Any, *, once: bool = False) -> Any:
        transport = self._once if once else self._transport
        try:
            return await transport.call(lambda timeout: send(timeout), CallStats())
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ModelSetupError(
                f"the model server at {self.base_url} refused the credentials ({explain(exc)})"
            ) from None
        except openai.NotFoundError as exc:
            if what.startswith("uploading"):  # the first batch request a run makes
                raise BatchError(
                    f"the server at {self.base_url} has no Batch API ({what}: "
                    f"{explain(exc)}); run without --batch"
                ) from None
            raise BatchGone(f"{what} at {self.base_url}: not found ({explain(exc)})") from None
        except openai.APIError as exc:
            raise BatchError(f"{what} at {self.base_url} failed ({explain(exc)})") from None
        except ServerUnreachable as exc:  # the request the batch needs cannot go: as above
            raise BatchError(f"{what} failed: {exc}") from None

    async def upload(self, jsonl: bytes | IO[bytes], filename: str) -> str:
        found = await self._call(
            "uploading a batch file",
            lambda timeout: self._sdk.files.create(
                file=(filename, jsonl, "application/jsonl"), purpose="batch", timeout=timeout
            ),
        )
        return str(found.id)

    async def create(self, input_file_id: str, metadata: dict[str, str]) -> BatchJob:
        found = await self._call(
            "creating a batch",
            lambda timeout: self._sdk.batches.create(
                input_file_id=input_file_id,
                endpoint=self.ENDPOINT,
                completion_window="24h",
                metadata=metadata,
                timeout=timeout,
            ),
            once=True,
        )
        return batch_job(found)

    async def retrieve(self, batch_id: str) -> BatchJob:
        found = await self._call(
            f"checking batch {batch_id}",
            lambda timeout: self._sdk.batches.retrieve(batch_id, timeout=timeout),
        )
        return batch_job(found)

    async def cancel(self, batch_id: str) -> BatchJob:
        found = await self._call(
            f"cancelling batch {batch_id}",
            lambda timeout: self._sdk.batches.cancel(batch_id, timeout=timeout),
        )
        return batch_job(found)

    async def list(self, since: int = 0) -> list[BatchJob]:
        """Every batch created at or after `since` (Unix seconds), newest first, page by page:
        the list is newest first, so the pages stop at the first older batch."""
        found: list[BatchJob] = []
        after: str | None = None
        while True:

            async def page(timeout: float, after: str | None = after) -> Any:
                if after:
                    return await self._sdk.batches.list(limit=100, after=after, timeout=timeout)
                return await self._sdk.batches.list(limit=100, timeout=timeout)

            listed = await self._call("listing batches", page)
            for item in listed.data:
                if (item.created_at or 0) < since:
                    return found
                found.append(batch_job(item))
            if not listed.data or not getattr(listed, "has_more", False):
                return found
            after = listed.data[-1].id

    async def download(self, file_id: str) -> bytes:
        found = await self._call(
            f"downloading file {file_id}",
            lambda timeout: self._sdk.files.content(file_id, timeout=timeout),
        )
        return bytes(found.content)


class _BatchFaults(OpenAIFaults):
    def usage(self, response: Any) -> Usage:
        return Usage()


def batch_job(batch: Any) -> BatchJob:
    """The SDK's `Batch` as the backend-neutral `BatchJob`."""
    counts = batch.request_counts
    errors = getattr(batch.errors, "data", None) or []
    reason = "; ".join(
        " ".join(f"{e.code or 'error'}: {e.message or ''}".split())
        + (f" (line {e.line})" if e.line else "")
        for e in errors[:3]
    )
    return BatchJob(
        id=batch.id,
        status=batch.status,
        input_file_id=batch.input_file_id,
        output_file_id=batch.output_file_id,
        error_file_id=batch.error_file_id,
        total=getattr(counts, "total", 0) or 0,
        completed=getattr(counts, "completed", 0) or 0,
        failed=getattr(counts, "failed", 0) or 0,
        reason=scrub(reason)[:500] or None,
        created_at=batch.created_at or 0,
    )
