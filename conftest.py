"""Root conftest: import the project's custom_components before the test plugin's own.

pytest-homeassistant-custom-component ships a `custom_components` testing package;
importing ours first makes `custom_components.status_tracker` resolve to this repo.
"""

import custom_components  # noqa: F401
