"""Importers: one adapter per native export format, chosen by content."""
from smm_nb.ingest import canonical  # noqa: F401  (registers the generic adapter first)
from smm_nb.ingest import (  # noqa: F401  (each module registers its adapters)
    facebook_legacy, linkedin, meta_ads, meta_business_suite, tiktok, x_twitter, youtube)
from smm_nb.ingest.base import Adapter, AdapterOutput, FileProbe, IngestContext, adapters, register
from smm_nb.ingest.pipeline import FileReport, IngestResult, export_files, ingest_files

__all__ = ["Adapter", "AdapterOutput", "FileProbe", "IngestContext", "FileReport",
           "IngestResult", "adapters", "export_files", "ingest_files", "register"]
