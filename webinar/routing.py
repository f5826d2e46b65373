"""URL rules that compile their URL builders when first used, not when the app starts."""

from __future__ import annotations

from werkzeug.routing import Rule


class LazyRule(Rule):
    """A URL rule whose two URL builders are compiled at their first url_for.

    Werkzeug compiles them, as Python code, for every rule as it is added:
    about half of create_app's time, while a process builds URLs of a few
    rules only (a worker, a CLI command, each test's app). Matching a request
    to a rule needs none of it.
    """

    def _compile_builder(self, append_unknown: bool = True):
        compile_builder = super()._compile_builder
        name = "_build_unknown" if append_unknown else "_build"

        def build_first(rule: Rule, *args, **kwargs):
            builder = compile_builder(append_unknown).__get__(rule, None)
            setattr(rule, name, builder)  # from now on the compiled one is called
            return builder(*args, **kwargs)

        return build_first

