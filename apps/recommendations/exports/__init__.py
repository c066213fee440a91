"""Exports of recommendations and statements as CSV, XLSX and JSON.

columns.py (what a row holds), writers.py (the formats; no live formula), naming.py (file names),
files.py (atomic files), services.py / selectors.py (jobs and prebuilt files), http.py and drf.py (responses).
"""
