"""Open311 GeoReport v2: the open standard 311 apps speak, as an adapter over intake and the lifecycle.

Every route answers in XML (required by the specification) and JSON, under a configurable base path
(``ZHILI_OPEN311_BASE_PATH``, default ``/open311/v2``). Requests are filed through the same intake
service as ``POST /api/cases`` (channel Open311) and read through the same scoped repository.
"""
