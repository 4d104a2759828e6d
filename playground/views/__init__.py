"""The playground's views, one module per feature: thin glue between the builder, the
services (sending, tracking, orders, wallet, vault), snippets and templates. Fragment views
say so in their docstrings; the full page includes the same fragment templates. Routes are
in ``urls``; helpers more than one module uses are in ``_shared``."""
