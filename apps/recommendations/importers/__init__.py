"""Import of recommendations: readers per format, matching to our records, and the row-by-row report."""

from apps.recommendations.importers.readers import FORMATS
from apps.recommendations.importers.report import ImportReport, MalformedFileError
from apps.recommendations.importers.service import ImportSource, recommendation_import

__all__ = ["FORMATS", "ImportReport", "ImportSource", "MalformedFileError", "recommendation_import"]
