"""A mypy plugin: a SQLModel field read on its class is a column, not a value.

SQLModel declares ``User.id`` as ``str`` (pydantic reads the annotation), so mypy types the
expression ``User.id == key`` as ``bool`` and rejects ``User.id.in_(...)``, although at run
time SQLAlchemy has put an ``InstrumentedAttribute`` on every table class. SQLModel's answer,
``col(User.id)`` at every use, would touch every query; this plugin tells mypy the same thing
once: a field read on a SQLModel class (``User.id``, or ``model.deleted_at`` for ``model:
type[Synced]``) is ``InstrumentedAttribute[T]``, T its annotated type. Read on an instance
(``user.id``) it stays ``T``. Dunder names and ``ClassVar``s are left alone.

Enabled by ``[tool.mypy] plugins`` in pyproject.toml; not part of the installed package.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import TypeInfo, Var
from mypy.plugin import AttributeContext, Plugin
from mypy.types import Instance, Type

SQLMODEL = "sqlmodel.main.SQLModel"
ATTRIBUTE = "sqlalchemy.orm.attributes.InstrumentedAttribute"


class SQLModelColumns(Plugin):
    def get_class_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        owner, _, name = fullname.rpartition(".")
        if name.startswith("__"):
            return None
        symbol = self.lookup_fully_qualified(owner)
        if symbol is None or not isinstance(symbol.node, TypeInfo):
            return None
        info = symbol.node
        if info.fullname == SQLMODEL or not info.has_base(SQLMODEL):
            return None
        field = info.get(name)
        if field is None or not isinstance(field.node, Var) or field.node.is_classvar:
            return None
        declared_in = field.node.info
        if declared_in.fullname == SQLMODEL or not declared_in.has_base(SQLMODEL):
            return None  # SQLModel's or pydantic's own attributes
        attribute = self.lookup_fully_qualified(ATTRIBUTE)
        if attribute is None or not isinstance(attribute.node, TypeInfo):
            return None
        column = attribute.node

        def read(ctx: AttributeContext) -> Type:
            if ctx.is_lvalue:
                return ctx.default_attr_type
            return Instance(column, [ctx.default_attr_type])

        return read


def plugin(version: str) -> type[Plugin]:
    return SQLModelColumns
