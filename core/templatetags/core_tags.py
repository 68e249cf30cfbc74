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
