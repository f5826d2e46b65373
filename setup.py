"""Build the wheel with the top-level templates/ and static/ folders inside the package.

In the source tree they stay beside `webinar/`, one folder per feature; the
wheel maps them to `webinar/templates` and `webinar/static`, where create_app
finds them in an installed copy. Everything else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

FOLDERS_INTO_THE_PACKAGE = {"webinar.templates": "templates", "webinar.static": "static"}


def packages() -> list[str]:
    """Return the Python packages and the mapped folders, each with its subfolders."""
    found = find_namespace_packages(include=["webinar*"])
    for package, folder in FOLDERS_INTO_THE_PACKAGE.items():
        found += [package] + [f"{package}.{sub}" for sub in find_namespace_packages(folder)]
    return found


setup(packages=packages(), package_dir=FOLDERS_INTO_THE_PACKAGE)
