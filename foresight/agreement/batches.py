"""Double-coding batches: a reproducible sample of units that several coders code blind."""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import insert, select

from foresight.agreement.data import check_coders
from foresight.errors import ForesightError
from foresight.project import Project
from foresight.store.schema import Batch, BatchUnit, Source, Unit, log_event

STRATA = ("source_type", "actor_type", "period")
NO_VALUE = "(none)"


@dataclass(frozen=True)
class BatchDraw:
    id: int
    name: str
    coders: list[str]
    seed: int
    stratify: str | None
    strata: dict[str, int]  # stratum -> units drawn from it
    units: list[int]


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Split ``n`` over strata in proportion to their sizes (largest remainder; ties by name)."""
    total = sum(sizes.values())
    quotas = {name: n * size / total for name, size in sizes.items()}
    shares = {name: int(q) for name, q in quotas.items()}
    left = n - sum(shares.values())
    for name in sorted(quotas, key=lambda s: (-(quotas[s] - shares[s]), s))[:left]:
        shares[name] += 1
    return shares


def available_units(project: Project, coders: list[str], stratify: str | None) -> dict[str, list[int]]:
    """Units that can go into a new batch for ``coders``, by stratum (one stratum when not stratified).

    Units of current sources, not near-duplicates of another unit, and in no batch of any of
    these coders already.
    """
    column = {"source_type": Source.source_type, "actor_type": Source.actor_type, "period": Unit.period}
    key = column[stratify] if stratify else None
    query = (
        select(Unit.id, key if key is not None else Unit.id)
        .join(Source, Source.id == Unit.source_id)
        .where(Source.current.is_(True), Unit.duplicate_of.is_(None))
        .order_by(Unit.id)
    )
    with project.session() as session:
        taken = {
            unit
            for unit, batch_coders in session.execute(
                select(BatchUnit.unit_id, Batch.coders).join(Batch, Batch.id == BatchUnit.batch_id)
            )
            if set(batch_coders) & set(coders)
        }
        strata: dict[str, list[int]] = defaultdict(list)
        for unit_id, value in session.execute(query):
            if unit_id in taken:
                continue
            label = "" if not stratify else NO_VALUE if value is None else str(value)
            strata[label].append(unit_id)
    return dict(strata)


def assign_batch(
    project: Project,
    *,
    coders: list[str],
    n: int,
    stratify: str | None = None,
    seed: int | None = None,
    name: str | None = None,
    actor: str,
) -> BatchDraw:
    """Draw ``n`` units into a new double-coding batch for ``coders`` (coded blind in the TUI).

    The same seed over the same store draws the same units. With ``stratify`` (source_type,
    actor_type or period), each stratum gives units in proportion to its size.
    """
    coders = check_coders(coders)
    if stratify is not None and stratify not in STRATA:
        raise ForesightError(f"--stratify takes {', '.join(STRATA)}; got {stratify!r}")
    if n < 1:
        raise ForesightError("--n must be at least 1")
    strata = available_units(project, coders, stratify)
    available = sum(len(units) for units in strata.values())
    if n > available:
        raise ForesightError(
            f"only {available} units can go into a batch for {', '.join(coders)} "
            f"(units of current sources not yet in a batch of theirs); ask for --n {available} or fewer"
        )
    seed = secrets.randbelow(2**31) if seed is None else seed
    rng = random.Random(seed)
    shares = allocate({s: len(units) for s, units in strata.items()}, n)
    drawn: dict[str, list[int]] = {}
    for stratum in sorted(strata):
        drawn[stratum] = sorted(rng.sample(strata[stratum], shares[stratum]))
    units = sorted(u for group in drawn.values() for u in group)
    details = {"seed": seed, "n": n, "stratify": stratify}
    if stratify:
        details["strata"] = {s: len(v) for s, v in drawn.items()}
    with project.transaction() as session:
        batch = Batch(name=name or "", coders=coders, details=details)
        session.add(batch)
        session.flush()
        assert batch.id is not None
        batch.name = name or f"batch {batch.id}"
        session.add(batch)
        session.execute(insert(BatchUnit), [{"batch_id": batch.id, "unit_id": u} for u in units])
        log_event(session, actor, "assign", "batch", batch.id, coders=coders, units=len(units), seed=seed)
    return BatchDraw(
        batch.id,
        batch.name,
        coders,
        seed,
        stratify,
        {s: len(v) for s, v in drawn.items()} if stratify else {},
        units,
    )


def list_batches(project: Project) -> list[dict[str, object]]:
    """Every batch with its coders, size, unit ids and the draw's details."""
    with project.session() as session:
        batches = list(session.execute(select(Batch).order_by(Batch.id)).scalars())
        members: dict[int, list[int]] = defaultdict(list)
        for batch_id, unit_id in session.execute(select(BatchUnit.batch_id, BatchUnit.unit_id)):
            members[batch_id].append(unit_id)
    return [
        {
            "id": b.id,
            "name": b.name,
            "coders": b.coders,
            "units": len(members[b.id or 0]),
            "unit_ids": sorted(members[b.id or 0]),
            **b.details,
        }
        for b in batches
    ]
