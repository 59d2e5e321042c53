"""Repository-level pytest configuration: the dlverify plugin registers the hypothesis
profiles ``ci`` (fast, derandomized, CPU) and ``thorough`` (many examples, GPU sizes),
the markers ``gpu``, ``slow`` and ``browser``, and the hooks that record check
statistics for the report.  Select a profile with ``--dlverify-profile`` (or
``DLVERIFY_PROFILE``); the default is ``ci``.
"""

pytest_plugins = ["dlverify.checks.plugin"]
