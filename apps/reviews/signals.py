"""What reviews announce to the apps above them, which reviews must not import (README, "Layout")."""

from django.dispatch import Signal

# Sent by this app's services after a statement, or a record the exports name (cycle, session, review,
# deadline, stakeholder, …), is written or deleted, inside the write's transaction. The exports
# (apps.recommendations) rebuild the prebuilt files, which hold the statements and name those records.
statements_changed = Signal()
