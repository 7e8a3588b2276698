"""A form renderer that writes plain inputs, selects and checkbox lists in Python.

Every list page renders a filter form of about fifteen fields on every view, and the log form on a partner's
page has a checkbox per contact (1,265 for the busiest partner at scale L). Through templates each widget,
and each option, is a template include; written here they cost a tenth of that. The HTML is the same as
Django's own widget templates; anything else goes through those templates.
"""
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
INPUTS = {f"{WIDGETS}{name}.html" for name in ("input", "text", "number", "date", "search", "email", "checkbox")}
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"
CHECKBOXES = f"{WIDGETS}checkbox_select.html"
CHECKBOX = f"{WIDGETS}checkbox_option.html"


def _text(value):
    # As `{{ value|stringformat:'s' }}` renders: safe strings kept, everything else escaped.
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attrs(attrs):
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget):
    options = "".join(
        # The option template's own final newline stays in the output.
        f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n'
        for _, group, _ in widget["optgroups"]
        for option in group
    )
    return f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n</select>'


def _plain_select(widget):
    """Selects without option groups, whose options use the stock template and text labels."""
    # A number label would go through localization in the template: leave those to it.
    return all(
        not name
        and all(option["template_name"] == OPTION and isinstance(option["label"], (str, Promise)) for option in group)
        for name, group, _ in widget["optgroups"]
    )


def _checkboxes(widget):
    """django/forms/widgets/multiple_input.html with checkbox_option.html (and the newlines their includes keep)."""
    options = "".join(
        f'<div>\n    <label for="{_text(option["attrs"]["id"])}">{_input(option)}\n {_text(option["label"])}</label>\n\n</div>'
        for _, group, _ in widget["optgroups"]
        for option in group
    )
    attrs = widget["attrs"]
    id_ = f' id="{_text(attrs["id"])}"' if attrs.get("id") else ""
    class_ = f' class="{_text(attrs["class"])}"' if attrs.get("class") else ""
    return f"<div{id_}{class_}>{options}\n</div>"


def _plain_checkboxes(widget):
    """Checkbox lists without groups, whose options use the stock template, an id and text labels."""
    return all(
        not name
        and all(
            option["template_name"] == CHECKBOX
            and option["wrap_label"]
            and option["attrs"].get("id")
            and isinstance(option["label"], (str, Promise))
            for option in group
        )
        for name, group, _ in widget["optgroups"]
    )


class PlainWidgetRenderer(DjangoTemplates):
    """Django's template renderer, with the plain input, select and checkbox list widgets written directly."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None:
            if template_name in INPUTS and widget.get("template_name") == template_name:
                return mark_safe(_input(widget))
            if template_name == SELECT and _plain_select(widget):
                return mark_safe(_select(widget))
            if template_name == CHECKBOXES and _plain_checkboxes(widget):
                return mark_safe(_checkboxes(widget))
        return super().render(template_name, context, request)


def field_group(field):
    """includes/_field.html for a filter form's field, written in Python like its widget.

    The template is an include per field, on every list page view; tests/partners/test_renderers.py
    checks that both write the same HTML.
    """
    label = _text(field.label)
    if field.widget_type == "checkbox":
        body = f'\n    <label class="check">{field} {label}</label>\n  '
    elif field.widget_type == "checkboxselectmultiple":
        body = f"\n    <fieldset><legend>{label}</legend>{field}</fieldset>\n  "
    else:
        required = ' <span class="required" aria-hidden="true">*</span>' if field.field.required else ""
        body = f'\n    <label for="{_text(field.id_for_label)}">{label}{required}</label>\n    {field}\n  '
    help_text = (f'<p class="help" id="{_text(field.auto_id)}_helptext">{_text(field.help_text)}</p>'
                 if field.help_text else "")
    errors = "".join(f'<p class="error" id="{_text(field.auto_id)}_error">{_text(error)}</p>' for error in field.errors)
    return mark_safe(
        f'<div class="field{" has-error" if field.errors else ""}">\n  {body}\n  {help_text}\n  {errors}\n</div>\n'
    )
