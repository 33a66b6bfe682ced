"""Workshop outputs: workshop files, Visual Roadmap matrices, scenario drafts, CIB, workshop kits."""

from foresight.workshops.definition import Workshop, WorkshopError, load_workshop

__all__ = ["Workshop", "WorkshopError", "load_workshop"]
