"""The sandbox: QuickJS engine lifecycle and limits, the Auth0 prelude, modules, fake services.

Untrusted rule code runs only in worker processes (:mod:`rulesim.execution.worker`); nothing
here is exposed to JavaScript but data.
"""
