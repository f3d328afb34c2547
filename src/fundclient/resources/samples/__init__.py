"""Sample files shipped with the app (the self-test's stand-in camera frame)."""
