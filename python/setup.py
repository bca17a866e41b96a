"""Marks the wheel as platform-specific: it carries the compiled engine (docs/python.md)."""

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
from setuptools.dist import Distribution


class BinaryDistribution(Distribution):
    """The package holds native libraries: install it to platlib, tag it for a platform."""

    def has_ext_modules(self):
        return True


class bdist_wheel(_bdist_wheel):
    """A py3-none-<platform> wheel: Python calling a bundled C library through ctypes, so any
    Python 3 on the platform can use it."""

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(distclass=BinaryDistribution, cmdclass={"bdist_wheel": bdist_wheel})
