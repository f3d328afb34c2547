"""First-run wizard: sets up a new office on this PC (language, office, HQ link, first admin,
recovery key, camera and printers). See docs/ui.md "First-run wizard"."""

from fundclient.ui.first_run.launch import run_setup_wizard
from fundclient.ui.first_run.wizard import FirstRunWizard

__all__ = ["FirstRunWizard", "run_setup_wizard"]
