"""An attribute read from one of the object's own attributes (``scenario.seed`` is
``scenario.spec.seed``), declared in one line.  Standard library only: every layer may use it."""

from __future__ import annotations

from typing import Generic, TypeVar, overload

T = TypeVar("T")


class Delegate(Generic[T]):
    """A read-only attribute: ``name = Delegate[str]("spec")`` reads ``self.spec.name``."""

    def __init__(self, via: str, doc: str | None = None) -> None:
        self.via = via
        self.name = ""
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Delegate[T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> Delegate[T] | T:
        if obj is None:
            return self
        value: T = getattr(getattr(obj, self.via), self.name)
        return value
