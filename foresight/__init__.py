"""foresight: horizon scanning and foresight on grey literature.

The core is a set of plain functions over a :class:`~foresight.project.Project`;
the command line (``foresight``) and the terminal UI only parse, call and show.
"""

from foresight.errors import ForesightError
from foresight.project import Project

__all__ = ["ForesightError", "Project", "__version__"]
__version__ = "0.1.0"
