"""The audit trail: every state-changing act records who, when, under which rule, on what, and what changed.

A use case audits its act in its own unit of work (same transaction)::

    uow.audit("PLAN.IMPEDIMENTO", ("escala", scale_id), rules=["PLAN-07"], before=old, after=new)

The actor and correlation id come from :mod:`courtlib.audit.actor` (set by the entry point). Records are
hash-chained (:mod:`courtlib.audit.record`), stored by :mod:`courtlib.audit.store` and served by
:mod:`courtlib.audit.api`. See docs/auditoria.md.
"""

from courtlib.audit.actor import NoActor, acting_as, actor_of, as_system
from courtlib.audit.record import Actor, AuditRecord, ChainBreak, Target, changed_fields, verify_chain

__all__ = ["Actor", "AuditRecord", "ChainBreak", "NoActor", "Target", "acting_as", "actor_of", "as_system",
           "changed_fields", "verify_chain"]
