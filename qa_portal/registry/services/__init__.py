"""What the registry API serves, one module per area, read by views/: the query of published decisions
(queries), their JSON shapes (serializers/), the bulk exports (export, export_sql, fingerprint), DEQAR report
objects (deqar/), the OpenAPI document (openapi, openapi_schemas), and the API's parameters, paging and error shape
(params, paging, errors). Everything here only reads."""
