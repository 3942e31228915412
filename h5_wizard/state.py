"""Wizard step state in Redis: where the accountant is, which steps are done, and unsaved typing.

Redis is a cache here, never the only copy of saved answers: 继续 and 保存 write to the database first.
When the keys are gone (FLUSHALL, expiry, another device) the state is derived again from the database
(`derive`), so the wizard resumes at the first incomplete step with everything saved.

Keys (all expire after TTL_SECONDS of inactivity):
  wizard:<account>:state        hash {current: slug, completed: "slug,slug"}
  wizard:<account>:input:<slug> hash {field: value}: in-progress input of the open step (autosave)

Each request makes one Redis round trip: reads and the writes they imply go through one pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from portal.extensions import redis_store
from shared_models.steps import SLUGS

TTL_SECONDS = 30 * 24 * 3600
MAX_DRAFT_VALUE = 500  # characters kept per autosaved field (no field of the spec is longer)


def _state_key(account_id: int) -> str:
    return f"wizard:{account_id}:state"


def _input_key(account_id: int, slug: str) -> str:
    return f"wizard:{account_id}:input:{slug}"


@dataclass
class StepState:
    """The cached position of one accountant; `cached` is False when it had to be rebuilt from the DB."""

    current: str | None = None
    completed: list[str] = field(default_factory=list)
    draft: dict[str, str] = field(default_factory=dict)
    cached: bool = False


def _ordered(slugs: Iterable[str]) -> list[str]:
    chosen = set(slugs)
    return [s for s in SLUGS if s in chosen]


def derive(completed_in_db: Iterable[str]) -> StepState:
    """State from the database alone: the first step not completed is the current one."""
    completed = _ordered(completed_in_db)
    current = next((s for s in SLUGS if s not in completed), SLUGS[-1])
    return StepState(current=current, completed=completed)


def open_step(account_id: int, slug: str, completed_in_db: Iterable[str]) -> StepState:
    """Visit a step page: read its autosaved input and record it as the current step (one round trip).

    The completed list is written from the database's view, which is authoritative.
    """
    completed = _ordered(completed_in_db)
    pipe = redis_store.client.pipeline(transaction=False)
    pipe.hgetall(_input_key(account_id, slug))
    pipe.hset(_state_key(account_id), mapping={"current": slug, "completed": ",".join(completed)})
    pipe.expire(_state_key(account_id), TTL_SECONDS)
    draft, *_ = pipe.execute()
    return StepState(current=slug, completed=completed, draft=draft or {}, cached=True)


def read(account_id: int, completed_in_db: Iterable[str]) -> StepState:
    """Where to resume: the cached current step, or the first incomplete step from the database."""
    cached = redis_store.client.hgetall(_state_key(account_id))
    if cached.get("current") in SLUGS:
        state = derive(completed_in_db)
        state.current = cached["current"]
        state.cached = True
        return state
    return derive(completed_in_db)


def step_saved(account_id: int, slug: str, next_slug: str | None, completed_in_db: Iterable[str]) -> None:
    """After a save: drop the step's in-progress input and move the position (one round trip)."""
    completed = _ordered(completed_in_db)
    pipe = redis_store.client.pipeline(transaction=True)
    pipe.delete(_input_key(account_id, slug))
    pipe.hset(_state_key(account_id), mapping={"current": next_slug or slug, "completed": ",".join(completed)})
    pipe.expire(_state_key(account_id), TTL_SECONDS)
    pipe.execute()


def save_draft(account_id: int, slug: str, values: Mapping[str, str], allowed: Iterable[str]) -> int:
    """Autosave: replace the step's in-progress input with the allowed, non-empty text values.

    Returns how many fields were kept. Unknown fields are dropped so the cache cannot be filled with junk.
    """
    keep = {}
    allowed_set = set(allowed)
    for key, value in values.items():
        if key in allowed_set and isinstance(value, str) and value.strip():
            keep[key] = value[:MAX_DRAFT_VALUE]
    pipe = redis_store.client.pipeline(transaction=True)
    pipe.delete(_input_key(account_id, slug))
    if keep:
        pipe.hset(_input_key(account_id, slug), mapping=keep)
        pipe.expire(_input_key(account_id, slug), TTL_SECONDS)
    pipe.execute()
    return len(keep)


def clear(account_id: int) -> None:
    """Forget every cached key of the account (after submission nothing is in progress)."""
    pipe = redis_store.client.pipeline(transaction=True)
    pipe.delete(_state_key(account_id))
    for slug in SLUGS:
        pipe.delete(_input_key(account_id, slug))
    pipe.execute()
