"""What an interrupt raises: :class:`Interrupted`, for Ctrl-C and SIGTERM alike.

Standard library only and importing nothing of defsim: the ``defsim`` command's SIGTERM handler
raises it at whatever moment the signal comes, even while the command is still importing the
API (which would be re-entered if the class lived there).  The analysis layer, the API
(``defsim.api.Interrupted``) and the command all use this one class.
"""

from __future__ import annotations

import signal


class Interrupted(KeyboardInterrupt):
    """The user (Ctrl-C) or the system (SIGTERM) asked the run to stop."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum
