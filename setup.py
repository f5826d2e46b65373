"""Build the wheel with the top-level templates/ and static/ folders inside the package.

In the source tree they stay beside `webinar/`, one folder per feature; the
wheel maps them to `webinar/templates` and `webinar/static`, where create_app
finds them in an installed copy. The translations' .po files are compiled
into the .mo files the app reads (a checkout compiles them in `make run` and
`make test`). Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

FOLDERS_INTO_THE_PACKAGE = {"webinar.templates": "templates", "webinar.static": "static"}


def packages() -> list[str]:
    """Return the Python packages and the mapped folders, each with its subfolders."""
    found = find_namespace_packages(include=["webinar*"])
    for package, folder in FOLDERS_INTO_THE_PACKAGE.items():
        found += [package] + [f"{package}.{sub}" for sub in find_namespace_packages(folder)]
    return found


class BuildWithCatalogs(build_py):
    """Copy the package as usual, then compile each copied messages.po into messages.mo."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout, which `make` compiles
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in Path(self.build_lib, "webinar", "translations").glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parts[-3])
            with po.with_suffix(".mo").open("wb") as compiled:
                write_mo(compiled, catalog)


setup(
    packages=packages(),
    package_dir=FOLDERS_INTO_THE_PACKAGE,
    cmdclass={"build_py": BuildWithCatalogs},
)
