"""Build rulesim's one C extension, the compiled host functions (rulesim/runtime/_hostc.c).

Everything else is in pyproject.toml. The extension is optional: on a machine without a C
compiler or the Python and OpenSSL headers the build skips it and rulesim uses the same
functions written in Python (rulesim/runtime/native.py), with the same answers.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "rulesim.runtime._hostc",
            sources=["rulesim/runtime/_hostc.c"],
            depends=["rulesim/runtime/_quickjs_abi.h"],
            libraries=["crypto"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
