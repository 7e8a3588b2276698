"""{% filter_field field %}: a filter form's field as includes/_field.html writes it, from Python."""
from django import template

from ..renderers import field_group

register = template.Library()
register.simple_tag(field_group, name="filter_field")
