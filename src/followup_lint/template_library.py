"""The rewriting templates: Jinja files with YAML front matter, loaded, listed and rendered safely.

A template file (``*.j2``, ``*.jinja``, ``*.jinja2``) starts with a front matter block::

    ---
    id: value-add
    title: Send something useful for their situation
    when: One paragraph: the situation it fits, citing the article (file and passage).
    remedies: [no-value, no-next-step]        # rule ids it cures
    channel: email                            # email | voicemail | card
    variables:
      - {name: first_name, description: the recipient's first name, required: true, example: Marty}
      - {name: sign_off, description: the closing word, default: Best}
    ---
    Hi {{ first_name }}, ...

Rendering uses Jinja's sandbox (no attribute of Python internals is reachable) with ``StrictUndefined``
(a misspelt variable is an error, not an empty string). Built-in templates ship in the package; user
folders are loaded after them, and a user template with the same id replaces the built-in one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2")
CHANNELS = ("email", "voicemail", "card")
ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
_TEMPLATE_KEYS = {"id", "title", "when", "remedies", "channel", "variables"}
_VARIABLE_KEYS = {"name", "description", "required", "default", "example"}


class TemplateError(Exception):
    """A template that cannot be loaded or rendered; the message is one line meant for the user."""


class MissingVariableError(TemplateError):
    """A required variable has no value."""

    def __init__(self, template: Template, variable: Variable) -> None:
        super().__init__(f"template '{template.id}': missing required variable '{variable.name}' "
                         f"({variable.description})")
        self.template_id, self.variable = template.id, variable.name


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    required: bool = False
    default: Any = None
    example: Any = None

    @property
    def example_value(self) -> Any:
        return self.example if self.example is not None else self.default


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    when: str
    remedies: tuple[str, ...]
    variables: tuple[Variable, ...]
    body: str
    path: str
    channel: str = "email"
    body_line: int = 1  # line of the file where the body starts, for error messages

    def variable(self, name: str) -> Variable | None:
        return next((variable for variable in self.variables if variable.name == name), None)

    @property
    def required(self) -> list[Variable]:
        return [variable for variable in self.variables if variable.required]

    def example_values(self) -> dict[str, Any]:
        return {variable.name: variable.example_value for variable in self.variables}


class Slot(str):
    """A visible gap left in a rendered suggestion, ``[[name: what goes here]]``."""

    name: str
    description: str

    def __new__(cls, name: str, description: str) -> Slot:
        slot = super().__new__(cls, f"[[{name}: {description}]]")
        slot.name, slot.description = name, description
        return slot


# ---- loading -------------------------------------------------------------------------------------------

def builtin_templates_dir() -> Path:
    return Path(str(resources.files("followup_lint") / "templates"))


def load_templates(extra_dirs: Iterable[str | Path] = ()) -> list[Template]:
    """Built-in templates, then each user folder's; a later template with the same id replaces an earlier one."""
    by_id: dict[str, Template] = {}
    for directory in [builtin_templates_dir(), *(Path(d) for d in extra_dirs)]:
        for template in load_template_dir(directory):
            by_id[template.id] = template
    return sorted(by_id.values(), key=lambda template: template.id)


def load_template_dir(directory: Path) -> list[Template]:
    if not directory.is_dir():
        raise TemplateError(f"{directory}: not a folder of templates")
    files = sorted(p for p in directory.iterdir()
                   if p.is_file() and p.name.endswith(TEMPLATE_SUFFIXES) and not p.name.startswith("."))
    templates: dict[str, Template] = {}
    for path in files:
        template = load_template_file(path)
        if template.id in templates:
            raise TemplateError(f"{path}: id '{template.id}' is already used by {templates[template.id].path}")
        templates[template.id] = template
    return list(templates.values())


def load_template_file(path: str | Path) -> Template:
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not UTF-8 text"
        raise TemplateError(f"{name}: cannot read the template ({reason})") from None
    return parse_template(text, name)


def parse_template(text: str, name: str = "<template>") -> Template:
    from .extract import read_front_matter
    from .read import InputError

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        meta, body_start = read_front_matter(text, name)
    except InputError as error:
        raise TemplateError(str(error)) from None
    if not body_start:
        raise TemplateError(f"{name}: no front matter (a YAML block between --- lines with id, title, when, "
                            "remedies and variables)")
    unknown = sorted(set(meta) - _TEMPLATE_KEYS)
    if unknown:
        raise TemplateError(f"{name}: unknown key '{unknown[0]}' (allowed: {', '.join(sorted(_TEMPLATE_KEYS))})")
    template = Template(
        id=_text_field(meta, "id", name, pattern=ID_RE),
        title=_text_field(meta, "title", name),
        when=" ".join(_text_field(meta, "when", name).split()),
        remedies=_remedies(meta.get("remedies"), name),
        variables=_variables(meta.get("variables"), name),
        body=text[body_start:],
        path=name,
        channel=_channel(meta.get("channel", "email"), name),
        body_line=text.count("\n", 0, body_start) + 1,
    )
    _check_body(template)
    return template


def _text_field(meta: Mapping[str, Any], key: str, name: str, pattern: re.Pattern[str] | None = None) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{name}: {key}: required, a non-empty string")
    if pattern is not None and not pattern.match(value):
        raise TemplateError(f"{name}: {key}: '{value}' must be lowercase words joined by '-'")
    return value.strip()


def _remedies(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and ID_RE.match(item) for item in value):
        raise TemplateError(f"{name}: remedies: must be a list of rule ids")
    return tuple(value)


def _channel(value: Any, name: str) -> str:
    if value not in CHANNELS:
        raise TemplateError(f"{name}: channel: '{value}' is not one of {', '.join(CHANNELS)}")
    return value


def _variables(value: Any, name: str) -> tuple[Variable, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TemplateError(f"{name}: variables: must be a list of {{name, description, required or default, example}}")
    variables: list[Variable] = []
    for index, item in enumerate(value):
        where = f"{name}: variables[{index}]"
        if not isinstance(item, dict):
            raise TemplateError(f"{where}: must be a mapping with name, description, required or default, example")
        unknown = sorted(set(item) - _VARIABLE_KEYS)
        if unknown:
            raise TemplateError(f"{where}: unknown key '{unknown[0]}'")
        variable_name = item.get("name")
        if not isinstance(variable_name, str) or not NAME_RE.match(variable_name):
            raise TemplateError(f"{where}: name: must be a lowercase identifier (letters, digits, _)")
        where = f"{name}: variable '{variable_name}'"
        if any(v.name == variable_name for v in variables):
            raise TemplateError(f"{where}: declared twice")
        description = item.get("description")
        if not isinstance(description, str) or not description.strip():
            raise TemplateError(f"{where}: description: required, a non-empty string")
        required = item.get("required", False)
        if not isinstance(required, bool):
            raise TemplateError(f"{where}: required: must be true or false")
        if required and "default" in item:
            raise TemplateError(f"{where}: a required variable has no default")
        if not required and "default" not in item:
            raise TemplateError(f"{where}: give `required: true` or a `default`")
        if required and item.get("example") in (None, ""):
            raise TemplateError(f"{where}: example: required for a required variable")
        variables.append(Variable(variable_name, " ".join(description.split()), required,
                                  item.get("default"), item.get("example")))
    return tuple(variables)


def _check_body(template: Template) -> None:
    from jinja2 import TemplateSyntaxError, meta

    if not template.body.strip():
        raise TemplateError(f"{template.path}: the template has no body")
    try:
        parsed = _environment().parse(template.body)
    except TemplateSyntaxError as error:
        line = template.body_line + (error.lineno or 1) - 1
        raise TemplateError(f"{template.path}:{line}: template syntax error: {error.message}") from None
    declared = {variable.name for variable in template.variables}
    undeclared = sorted(meta.find_undeclared_variables(parsed) - declared)
    if undeclared:
        raise TemplateError(f"{template.path}: the body uses '{undeclared[0]}', which is not declared in variables")


# ---- rendering -----------------------------------------------------------------------------------------

MAX_RENDERED_SIZE = 100_000  # characters or items one `*` / `**` in a template may produce


@functools.lru_cache(maxsize=1)
def _environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    class BoundedSandbox(SandboxedEnvironment):
        """The sandbox refuses Python internals; this also refuses `{{ 'a' * 10**9 }}`-style memory bombs."""

        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, int) and abs(right) > 64:
                raise SecurityError("exponent too large")
            if operator == "*" and isinstance(left, (str, list, tuple)) and isinstance(right, int):
                left, right = right, left
            if operator == "*" and isinstance(right, (str, list, tuple)) and isinstance(left, int):
                if left * len(right) > MAX_RENDERED_SIZE:
                    raise SecurityError("the result would be too large")
            return super().call_binop(context, operator, left, right)

    return BoundedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
                          trim_blocks=True, lstrip_blocks=True)


def find_template(templates: Iterable[Template], template_id: str) -> Template:
    for template in templates:
        if template.id == template_id:
            return template
    raise TemplateError(f"unknown template '{template_id}' (see `followup-lint templates`)")


def is_given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def missing_variables(template: Template, values: Mapping[str, Any]) -> list[Variable]:
    return [variable for variable in template.required if not is_given(values.get(variable.name))]


def render(template: Template, values: Mapping[str, Any] | None = None, *, slots: bool = False) -> str:
    """Render with `values` over the defaults. A required variable without a value is an error, or a
    visible ``[[name: description]]`` slot when `slots` is true."""
    from jinja2 import TemplateError as JinjaError
    from jinja2.sandbox import SecurityError

    given = {key: value for key, value in (values or {}).items() if is_given(value)}
    context = {variable.name: variable.default for variable in template.variables if not variable.required}
    context.update(given)
    for variable in missing_variables(template, given):
        if not slots:
            raise MissingVariableError(template, variable)
        context[variable.name] = Slot(variable.name, variable.description)
    try:
        text = _environment().from_string(template.body).render(context)
    except SecurityError as error:
        raise TemplateError(f"{template.path}: refused by the sandbox: {_one_line(error)}") from None
    except JinjaError as error:
        raise TemplateError(f"{template.path}: cannot render template '{template.id}': {_one_line(error)}") from None
    except (ArithmeticError, TypeError, ValueError, LookupError) as error:
        raise TemplateError(f"{template.path}: cannot render template '{template.id}': {_one_line(error)}") from None
    return tidy(text)


def tidy(text: str) -> str:
    """Drop spaces at line ends and extra blank lines that optional parts leave behind."""
    text = re.sub(r"[ \t]+$", "", text, flags=re.M)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def slots_in(text: str) -> list[str]:
    """Names of the slots still open in rendered text, in order, each once."""
    names = re.findall(r"\[\[([a-z_][a-z0-9_]*):", text)
    return list(dict.fromkeys(names))


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
