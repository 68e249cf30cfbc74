from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key`` — a dict lookup with a variable key (None when absent)."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def descriptor(indicator, level):
    """An indicator's self-diagnosis sentence for ``level`` in the reader's language."""
    return indicator.descriptor(int(level))


@register.filter
def level_name(evaluation, layer="self"):
    """``evaluation|level_name:"self"`` (or ``"official"``): the name of the evaluation's level in the reader's
    language. The stored result keeps the name in the language it was scored in, so pages do not show that one."""
    number = evaluation.self_level if layer == "self" else evaluation.official_level
    return "" if number is None else evaluation.model.level_name(number)
