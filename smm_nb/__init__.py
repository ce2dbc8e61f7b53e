"""smm-nb: social media management analytics for agencies, as parameterized notebooks.

The public surface is what a notebook author needs; everything else is internal.
"""
from smm_nb.errors import ClientNotFound, ConfigError, ExportError, SmmError
from smm_nb.model.workspace import Workspace, load_client
from smm_nb.report.display import show
from smm_nb.report.findings import Finding, FindingsRecorder
from smm_nb.report.language import Language

__version__ = "0.1.0"

__all__ = ["ClientNotFound", "ConfigError", "ExportError", "Finding", "FindingsRecorder",
           "Language", "SmmError", "Workspace", "load_client", "show", "__version__"]
