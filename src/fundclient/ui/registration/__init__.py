"""Registration of a beneficiary and their dependants (steps, drafts, duplicates, photo)."""

from fundclient.ui.registration.screen import RegistrationScreen

__all__ = ["RegistrationScreen"]
