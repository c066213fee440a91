"""What reviews announce to the apps above them, which reviews must not import (README, "Layout")."""

from django.dispatch import Signal

# Sent by the statement services after a statement is logged, changed or deleted, inside the write's
# transaction. The exports (apps.recommendations) rebuild the prebuilt files, which hold the statements.
statements_changed = Signal()
