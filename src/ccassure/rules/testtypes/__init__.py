"""The test-type registry: test-type name -> the class that parses and compiles it.

To add a test type, write a module here with a ``TestType`` subclass and add it to ``BUILTIN`` (or call
``register_test_type`` from a plugin); the loader, the evaluator and the JSON Schema pick it up.
"""

from __future__ import annotations

from ccassure.rules.testtypes.base import TestType
from ccassure.rules.testtypes.compare import Compare, DateOrder
from ccassure.rules.testtypes.count import Count, Exists
from ccassure.rules.testtypes.distance import Distance
from ccassure.rules.testtypes.duration import Duration
from ccassure.rules.testtypes.pycheck import PythonCheck
from ccassure.rules.testtypes.share import Share

TEST_TYPES: dict[str, TestType] = {}


def register_test_type(test_type: TestType) -> TestType:
    if not test_type.name:
        raise ValueError("a test type needs a name")
    TEST_TYPES[test_type.name] = test_type
    return test_type


BUILTIN = (Count(), Exists(), Compare(), DateOrder(), Duration(), Share(), Distance(), PythonCheck())
for _test_type in BUILTIN:
    register_test_type(_test_type)

__all__ = ["TEST_TYPES", "TestType", "register_test_type"]
